import StateSpace

/// The number of scalars below which a loop stays on one core: waking a second thread costs a
/// few microseconds, about the time one core needs for 32 Ki scalars of simple arithmetic.
let parallelGrain = 1 << 15

/// A scalar function that an elementwise loop applies to every scalar.
///
/// Ops describe their per-scalar math as small structs conforming to these protocols instead of
/// closures: inside a loop specialised for the struct type the call is static and inlined (so
/// simple arithmetic vectorises), where a closure captured by the parallel chunk would cost an
/// indirect call per scalar.
protocol UnaryElementwise<Scalar> {
  associatedtype Scalar: DifferentiableScalar
  func callAsFunction(_ x: Scalar) -> Scalar
}

/// A function of two scalars applied elementwise (arithmetic, or a pullback that combines the
/// output gradient with a saved value).
protocol BinaryElementwise<Scalar> {
  associatedtype Scalar: DifferentiableScalar
  func callAsFunction(_ a: Scalar, _ b: Scalar) -> Scalar
}

/// A function of three scalars applied elementwise.
protocol TernaryElementwise<Scalar> {
  associatedtype Scalar: DifferentiableScalar
  func callAsFunction(_ a: Scalar, _ b: Scalar, _ c: Scalar) -> Scalar
}

extension Tensor where Scalar: DifferentiableScalar {
  /// `f` applied to every scalar, on all cores for large tensors.
  @inline(__always)
  func applying<F: UnaryElementwise>(_ f: F) -> Tensor where F.Scalar == Scalar {
    withUnsafeBufferPointer { x in
      Tensor(shape: shape, unsafeUninitializedScalars: { y in
        Parallel.forEachChunk(of: x.count, minimumChunk: parallelGrain) { range in
          for i in range { y[i] = f(x[i]) }
        }
      })
    }
  }

  /// `f` applied to corresponding scalars of `self` and `other`, which have equal shapes.
  @inline(__always)
  func applying<F: BinaryElementwise>(_ f: F, _ other: Tensor) -> Tensor
  where F.Scalar == Scalar {
    withUnsafeBufferPointer { a in
      other.withUnsafeBufferPointer { b in
        Tensor(shape: shape, unsafeUninitializedScalars: { y in
          Parallel.forEachChunk(of: a.count, minimumChunk: parallelGrain) { range in
            for i in range { y[i] = f(a[i], b[i]) }
          }
        })
      }
    }
  }

  /// `f` applied to corresponding scalars of `self`, `second` and `third`, which have equal
  /// shapes.
  @inline(__always)
  func applying<F: TernaryElementwise>(_ f: F, _ second: Tensor, _ third: Tensor) -> Tensor
  where F.Scalar == Scalar {
    withUnsafeBufferPointer { a in
      second.withUnsafeBufferPointer { b in
        third.withUnsafeBufferPointer { c in
          Tensor(shape: shape, unsafeUninitializedScalars: { y in
            Parallel.forEachChunk(of: a.count, minimumChunk: parallelGrain) { range in
              for i in range { y[i] = f(a[i], b[i], c[i]) }
            }
          })
        }
      }
    }
  }

  /// Replaces every scalar `a` by `f(a, b)`, with `b` the corresponding scalar of `other`
  /// (equal shapes); in place when the storage is not shared.
  @inline(__always)
  mutating func update<F: BinaryElementwise>(_ f: F, with other: Tensor) where F.Scalar == Scalar {
    other.withUnsafeBufferPointer { b in
      withUnsafeMutableBufferPointer { a in
        let a = a
        Parallel.forEachChunk(of: a.count, minimumChunk: parallelGrain) { range in
          for i in range { a[i] = f(a[i], b[i]) }
        }
      }
    }
  }
}

// MARK: - Arithmetic kernels shared by several ops

/// a + b.
struct Sum<Scalar: DifferentiableScalar>: BinaryElementwise {
  @inline(__always) func callAsFunction(_ a: Scalar, _ b: Scalar) -> Scalar { a + b }
}

/// a − b.
struct Difference<Scalar: DifferentiableScalar>: BinaryElementwise {
  @inline(__always) func callAsFunction(_ a: Scalar, _ b: Scalar) -> Scalar { a - b }
}

/// a · b.
struct Product<Scalar: DifferentiableScalar>: BinaryElementwise {
  @inline(__always) func callAsFunction(_ a: Scalar, _ b: Scalar) -> Scalar { a * b }
}

/// a / b.
struct Quotient<Scalar: DifferentiableScalar>: BinaryElementwise {
  @inline(__always) func callAsFunction(_ a: Scalar, _ b: Scalar) -> Scalar { a / b }
}

/// c · x for a fixed c.
struct Scaling<Scalar: DifferentiableScalar>: UnaryElementwise {
  let factor: Scalar
  @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { factor * x }
}

/// c · a · b for a fixed c.
struct ScaledProduct<Scalar: DifferentiableScalar>: BinaryElementwise {
  let factor: Scalar
  @inline(__always) func callAsFunction(_ a: Scalar, _ b: Scalar) -> Scalar { factor * a * b }
}
