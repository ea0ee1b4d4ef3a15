import StateSpace

// Elementwise arithmetic with NumPy broadcasting. Forward: one specialised loop per op
// (`Tensor.broadcasting`). Pullback: the output gradient, combined with the saved operands
// where the derivative needs them, is summed back to each operand's shape by the one reduction
// `Tensor.summed(toShape:)`:
//   z = x + y:  ∂x = Σ g,        ∂y = Σ g
//   z = x − y:  ∂x = Σ g,        ∂y = −Σ g
//   z = x · y:  ∂x = Σ g·y,      ∂y = Σ g·x
//   z = x / y:  ∂x = Σ g / y,    ∂y = −Σ g·z / y
// where Σ sums over the axes along which that operand was broadcast.

/// `f(x, c)` for a fixed right operand c.
struct BoundRight<F: BinaryElementwise>: UnaryElementwise {
  typealias Scalar = F.Scalar
  let f: F
  let constant: Scalar
  @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { f(x, constant) }
}

/// `f(c, x)` for a fixed left operand c.
struct BoundLeft<F: BinaryElementwise>: UnaryElementwise {
  typealias Scalar = F.Scalar
  let f: F
  let constant: Scalar
  @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { f(constant, x) }
}

/// −a / b: the divisor's gradient −(g·z)/y, given a = g·z.
struct NegatedQuotient<Scalar: DifferentiableScalar>: BinaryElementwise {
  @inline(__always) func callAsFunction(_ a: Scalar, _ b: Scalar) -> Scalar { -(a / b) }
}

/// −g·y/x: the gradient of c/x, given g, y = c/x and x.
struct ReciprocalDerivative<Scalar: DifferentiableScalar>: TernaryElementwise {
  @inline(__always) func callAsFunction(_ g: Scalar, _ y: Scalar, _ x: Scalar) -> Scalar {
    -(g * y / x)
  }
}

extension Tensor where Scalar: DifferentiableScalar {
  /// `f(lhs, rhs)` with broadcasting; a one-scalar operand becomes a constant of a flat loop.
  @inline(__always)
  static func combining<F: BinaryElementwise>(
    _ f: F, _ lhs: Tensor, _ rhs: Tensor, op: StaticString
  ) -> Tensor where F.Scalar == Scalar {
    if lhs.shape != rhs.shape, let shape = broadcastShape(lhs.shape, rhs.shape) {
      if rhs.scalarCount == 1 && lhs.scalarCount >= 1 {
        return lhs.applying(BoundRight(f: f, constant: rhs.scalars[0])).reshaped(to: shape)
      }
      if lhs.scalarCount == 1 && rhs.scalarCount >= 1 {
        return rhs.applying(BoundLeft(f: f, constant: lhs.scalars[0])).reshaped(to: shape)
      }
      if lhs.scalarCount == rhs.scalarCount && Tensor.scalarCount(of: shape) == lhs.scalarCount {
        // The shapes differ only by extents of 1: the scalars pair up in order.
        return lhs.applying(f, rhs.reshaped(to: lhs.shape)).reshaped(to: shape)
      }
    }
    return broadcasting(f, lhs, rhs, op: op)
  }

  /// The elementwise sum, with NumPy broadcasting.
  ///
  /// - Parameters:
  ///   - lhs: Any shape that broadcasts with `rhs`, for example (B, L, H).
  ///   - rhs: For example (H), (L, 1) or (B, L, H).
  /// - Returns: A tensor of the broadcast shape.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
    combining(Sum(), lhs, rhs, op: "+")
  }

  /// The elementwise difference, with NumPy broadcasting.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
    combining(Difference(), lhs, rhs, op: "-")
  }

  /// The elementwise product, with NumPy broadcasting.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
    combining(Product(), lhs, rhs, op: "*")
  }

  /// The elementwise quotient, with NumPy broadcasting.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
    combining(Quotient(), lhs, rhs, op: "/")
  }

  /// Every scalar plus `rhs`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func + (lhs: Tensor, rhs: Scalar) -> Tensor {
    lhs.applying(BoundRight(f: Sum(), constant: rhs))
  }

  /// `lhs` plus every scalar.
  public static func + (lhs: Scalar, rhs: Tensor) -> Tensor { rhs + lhs }

  /// Every scalar minus `rhs`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func - (lhs: Tensor, rhs: Scalar) -> Tensor {
    lhs.applying(BoundRight(f: Difference(), constant: rhs))
  }

  /// `lhs` minus every scalar.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func - (lhs: Scalar, rhs: Tensor) -> Tensor {
    rhs.applying(BoundLeft(f: Difference(), constant: lhs))
  }

  /// Every scalar times `rhs`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func * (lhs: Tensor, rhs: Scalar) -> Tensor {
    lhs.applying(Scaling(factor: rhs))
  }

  /// `lhs` times every scalar.
  public static func * (lhs: Scalar, rhs: Tensor) -> Tensor { rhs * lhs }

  /// Every scalar divided by `rhs`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func / (lhs: Tensor, rhs: Scalar) -> Tensor {
    lhs.applying(BoundRight(f: Quotient(), constant: rhs))
  }

  /// `lhs` divided by every scalar.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func / (lhs: Scalar, rhs: Tensor) -> Tensor {
    rhs.applying(BoundLeft(f: Quotient(), constant: lhs))
  }

  /// Every scalar negated.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static prefix func - (x: Tensor) -> Tensor {
    x.applying(Scaling(factor: -1))
  }

  /// Adds `rhs` (of the same shape, or one that broadcasts to it) into `lhs`, in place when
  /// the shapes are equal and the storage is not shared.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func += (lhs: inout Tensor, rhs: Tensor) {
    lhs.combine(Sum(), with: rhs, op: "+=")
  }

  /// Subtracts `rhs` (of the same shape, or one that broadcasts to it) from `lhs`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func -= (lhs: inout Tensor, rhs: Tensor) {
    lhs.combine(Difference(), with: rhs, op: "-=")
  }

  /// Multiplies `lhs` elementwise by `rhs` (of the same shape, or one that broadcasts to it).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func *= (lhs: inout Tensor, rhs: Tensor) {
    lhs.combine(Product(), with: rhs, op: "*=")
  }

  /// Multiplies every scalar of `lhs` by `rhs`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func *= (lhs: inout Tensor, rhs: Scalar) {
    lhs.withUnsafeMutableBufferPointer { x in
      let x = x
      Parallel.forEachChunk(of: x.count, minimumChunk: parallelGrain) { range in
        for i in range { x[i] *= rhs }
      }
    }
  }

  /// `self = f(self, other)`, in place for equal shapes.
  @inline(__always)
  mutating func combine<F: BinaryElementwise>(_ f: F, with other: Tensor, op: StaticString)
  where F.Scalar == Scalar {
    if shape == other.shape {
      update(f, with: other)
      return
    }
    let result = Tensor.combining(f, self, other, op: op)
    precondition(
      result.shape == shape, "\(op): shape \(other.shape) does not broadcast to \(shape)")
    self = result
  }
}

extension Variable {
  /// The elementwise sum, with NumPy broadcasting.
  ///
  /// - Parameters:
  ///   - lhs: Any shape that broadcasts with `rhs`, for example (B, L, H).
  ///   - rhs: For example (H) (a bias), (B, L, 1) or (B, L, H).
  /// - Returns: A variable of the broadcast shape.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func + (lhs: Variable, rhs: Variable) -> Variable {
    let (lhsShape, rhsShape) = (lhs.shape, rhs.shape)
    let (needsLHS, needsRHS) = (lhs.requiresGradient, rhs.requiresGradient)
    return record(lhs.value + rhs.value, inputs: [lhs, rhs]) { g in
      [needsLHS ? g.summed(toShape: lhsShape) : nil, needsRHS ? g.summed(toShape: rhsShape) : nil]
    }
  }

  /// The elementwise difference, with NumPy broadcasting.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func - (lhs: Variable, rhs: Variable) -> Variable {
    let (lhsShape, rhsShape) = (lhs.shape, rhs.shape)
    let (needsLHS, needsRHS) = (lhs.requiresGradient, rhs.requiresGradient)
    return record(lhs.value - rhs.value, inputs: [lhs, rhs]) { g in
      [
        needsLHS ? g.summed(toShape: lhsShape) : nil,
        needsRHS ? g.summed(toShape: rhsShape).applying(Scaling(factor: -1)) : nil,
      ]
    }
  }

  /// The elementwise product, with NumPy broadcasting.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func * (lhs: Variable, rhs: Variable) -> Variable {
    let (x, y) = (lhs.value, rhs.value)
    let (needsLHS, needsRHS) = (lhs.requiresGradient, rhs.requiresGradient)
    return record(x * y, inputs: [lhs, rhs]) { g in
      [
        needsLHS ? (g * y).summed(toShape: x.shape) : nil,
        needsRHS ? (g * x).summed(toShape: y.shape) : nil,
      ]
    }
  }

  /// The elementwise quotient, with NumPy broadcasting.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func / (lhs: Variable, rhs: Variable) -> Variable {
    let (x, y) = (lhs.value, rhs.value)
    let z = x / y
    let (needsLHS, needsRHS) = (lhs.requiresGradient, rhs.requiresGradient)
    return record(z, inputs: [lhs, rhs]) { g in
      [
        needsLHS ? (g / y).summed(toShape: x.shape) : nil,
        needsRHS
          ? Tensor.combining(NegatedQuotient(), g * z, y, op: "/").summed(toShape: y.shape) : nil,
      ]
    }
  }

  /// Every scalar plus a constant.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func + (lhs: Variable, rhs: Scalar) -> Variable {
    record(lhs.value + rhs, inputs: [lhs]) { g in [g] }
  }

  /// A constant plus every scalar.
  public static func + (lhs: Scalar, rhs: Variable) -> Variable { rhs + lhs }

  /// Every scalar minus a constant.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func - (lhs: Variable, rhs: Scalar) -> Variable {
    record(lhs.value - rhs, inputs: [lhs]) { g in [g] }
  }

  /// A constant minus every scalar.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func - (lhs: Scalar, rhs: Variable) -> Variable {
    record(lhs - rhs.value, inputs: [rhs]) { g in [g.applying(Scaling(factor: -1))] }
  }

  /// Every scalar times a constant.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func * (lhs: Variable, rhs: Scalar) -> Variable {
    record(lhs.value * rhs, inputs: [lhs]) { g in [g.applying(Scaling(factor: rhs))] }
  }

  /// A constant times every scalar.
  public static func * (lhs: Scalar, rhs: Variable) -> Variable { rhs * lhs }

  /// Every scalar divided by a constant.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func / (lhs: Variable, rhs: Scalar) -> Variable {
    record(lhs.value / rhs, inputs: [lhs]) { g in [g / rhs] }
  }

  /// A constant divided by every scalar.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func / (lhs: Scalar, rhs: Variable) -> Variable {
    let x = rhs.value
    let y = lhs / x
    return record(y, inputs: [rhs]) { g in [g.applying(ReciprocalDerivative(), y, x)] }
  }

  /// Every scalar negated.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static prefix func - (x: Variable) -> Variable {
    record(-x.value, inputs: [x]) { g in [g.applying(Scaling(factor: -1))] }
  }
}
