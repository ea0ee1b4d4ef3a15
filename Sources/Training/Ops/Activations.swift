import RealModule
import StateSpace

// MARK: - Scalar kernels (forward and derivative side by side)

/// The logistic function 1/(1 + e⁻ˣ). For x → −∞ the exponential overflows to ∞ and the
/// quotient to 0, the correct limit, so the one branch-free form serves both signs.
@inline(__always)
func logistic<S: DifferentiableScalar>(_ x: S) -> S {
  1 / (1 + exponential(-x))
}

struct Exponential<Scalar: DifferentiableScalar>: UnaryElementwise {
  @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { exponential(x) }
}

struct Logarithm<Scalar: DifferentiableScalar>: UnaryElementwise {
  @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { .log(x) }
}

struct SquareRoot<Scalar: DifferentiableScalar>: UnaryElementwise {
  @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { x.squareRoot() }
}

/// d√x = g / (2√x), given g and y = √x.
struct SquareRootDerivative<Scalar: DifferentiableScalar>: BinaryElementwise {
  @inline(__always) func callAsFunction(_ g: Scalar, _ y: Scalar) -> Scalar { g / (2 * y) }
}

/// d tanh = g·(1 − y²), given g and y = tanh x.
struct TanhDerivative<Scalar: DifferentiableScalar>: BinaryElementwise {
  @inline(__always) func callAsFunction(_ g: Scalar, _ y: Scalar) -> Scalar { g * (1 - y * y) }
}

/// dσ = g·y(1 − y), given g and y = σ(x).
struct LogisticDerivative<Scalar: DifferentiableScalar>: BinaryElementwise {
  @inline(__always) func callAsFunction(_ g: Scalar, _ y: Scalar) -> Scalar { g * y * (1 - y) }
}

struct Rectifier<Scalar: DifferentiableScalar>: UnaryElementwise {
  @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { x > 0 ? x : 0 }
}

/// d relu = g where the output is positive (exactly where the input is), else 0.
struct RectifierDerivative<Scalar: DifferentiableScalar>: BinaryElementwise {
  @inline(__always) func callAsFunction(_ g: Scalar, _ y: Scalar) -> Scalar { y > 0 ? g : 0 }
}

/// log(1 + eˣ) = max(x, 0) + log(1 + e^−|x|), which neither overflows nor loses the small
/// values of large negative x.
struct Softplus<Scalar: DifferentiableScalar>: UnaryElementwise {
  @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar {
    Swift.max(x, 0) + .log(onePlus: exponential(-Swift.abs(x)))
  }
}

/// d softplus = g·σ(x), given g and x.
struct SoftplusDerivative<Scalar: DifferentiableScalar>: BinaryElementwise {
  @inline(__always) func callAsFunction(_ g: Scalar, _ x: Scalar) -> Scalar { g * logistic(x) }
}

// MARK: - Tensor forwards

extension Tensor where Scalar: DifferentiableScalar {
  /// eˣ elementwise.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func exp() -> Tensor { applying(Exponential()) }

  /// The natural logarithm elementwise.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func log() -> Tensor { applying(Logarithm()) }

  /// √x elementwise.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func squareRoot() -> Tensor { applying(SquareRoot()) }

  /// tanh elementwise.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func tanh() -> Tensor { applying(UnaryKernel.tanh) }

  /// The logistic sigmoid 1/(1 + e⁻ˣ) elementwise, without overflow for either sign.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func sigmoid() -> Tensor { applying(UnaryKernel.sigmoid) }

  /// max(x, 0) elementwise.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func relu() -> Tensor { applying(Rectifier()) }

  /// softplus log(1 + eˣ) elementwise, without overflow (S4 keeps Δ positive with it).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func softplus() -> Tensor { applying(Softplus()) }
}

// MARK: - Variable ops

extension Variable {
  /// eˣ elementwise; pullback g·eˣ.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func exp() -> Variable {
    let y = value.exp()
    return Variable.record(y, inputs: [self]) { g in [g.applying(Product(), y)] }
  }

  /// The natural logarithm elementwise; pullback g/x.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func log() -> Variable {
    let x = value
    return Variable.record(x.log(), inputs: [self]) { g in [g.applying(Quotient(), x)] }
  }

  /// √x elementwise; pullback g/(2√x).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func squareRoot() -> Variable {
    let y = value.squareRoot()
    return Variable.record(y, inputs: [self]) { g in [g.applying(SquareRootDerivative(), y)] }
  }

  /// tanh elementwise; pullback g·(1 − y²).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func tanh() -> Variable {
    let y = value.tanh()
    return Variable.record(y, inputs: [self]) { g in [g.applying(TanhDerivative(), y)] }
  }

  /// The logistic sigmoid elementwise; pullback g·y(1 − y).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func sigmoid() -> Variable {
    let y = value.sigmoid()
    return Variable.record(y, inputs: [self]) { g in [g.applying(LogisticDerivative(), y)] }
  }

  /// max(x, 0) elementwise; pullback g where x > 0.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func relu() -> Variable {
    let y = value.relu()
    return Variable.record(y, inputs: [self]) { g in [g.applying(RectifierDerivative(), y)] }
  }

  /// softplus log(1 + eˣ) elementwise; pullback g·σ(x).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func softplus() -> Variable {
    let x = value
    return Variable.record(x.softplus(), inputs: [self]) { g in
      [g.applying(SoftplusDerivative(), x)]
    }
  }
}
