import StateSpace

/// c·(a − b) for a fixed c: the gradient 2(p − t)/n of the mean squared error.
struct ScaledDifference<Scalar: DifferentiableScalar>: BinaryElementwise {
  let factor: Scalar
  @inline(__always) func callAsFunction(_ a: Scalar, _ b: Scalar) -> Scalar { factor * (a - b) }
}

extension Tensor where Scalar: DifferentiableScalar {
  /// Σ (self − other)² over equal shapes, in blocks of 1024 (each block's sum added to the
  /// total) on all cores, so Float rounding stays near that of a 1024-term sum.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func sumOfSquaredDifferences(_ other: Tensor) -> Scalar {
    let count = scalarCount
    let chunks = Swift.min(Parallel.workerCount, Swift.max(1, count / parallelGrain))
    var partials = [Scalar](repeating: 0, count: chunks)
    withUnsafeBufferPointer { a in
      other.withUnsafeBufferPointer { b in
        partials.withUnsafeMutableBufferPointer { partials in
          let partials = partials
          Parallel.forEachChunk(of: chunks) { range in
            for chunk in range {
              var total: Scalar = 0
              var start = count * chunk / chunks
              let end = count * (chunk + 1) / chunks
              while start < end {
                let blockEnd = Swift.min(start + 1024, end)
                var block: Scalar = 0
                for i in start..<blockEnd {
                  let d = a[i] - b[i]
                  block += d * d
                }
                total += block
                start = blockEnd
              }
              partials[chunk] = total
            }
          }
        }
      }
    }
    return partials.reduce(0, +)
  }
}

/// The mean squared error (1/n)·Σ (prediction − target)² over all n scalars.
///
/// Pullback: ∂prediction = 2(prediction − target)/n · g, ∂target = −∂prediction.
///
/// - Parameters:
///   - prediction: Any shape.
///   - target: The same shape as `prediction` (no broadcasting: a shape mismatch is an error).
/// - Returns: A scalar (shape `[]`).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
public func meanSquaredError<Scalar: DifferentiableScalar>(
  _ prediction: Variable<Scalar>, _ target: Variable<Scalar>
) -> Variable<Scalar> {
  let (p, t) = (prediction.value, target.value)
  precondition(
    p.shape == t.shape,
    "meanSquaredError: prediction shape \(p.shape) differs from target shape \(t.shape)")
  let count = Scalar(Swift.max(p.scalarCount, 1))
  let loss = p.sumOfSquaredDifferences(t) / count
  let needsTarget = target.requiresGradient
  return Variable.record(Tensor(shape: [], scalars: [loss]), inputs: [prediction, target]) { g in
    let dp = p.applying(ScaledDifference(factor: 2 * g.scalars[0] / count), t)
    return [dp, needsTarget ? dp.applying(Scaling(factor: -1)) : nil]
  }
}

/// The mean squared error against a constant target.
///
/// - Parameters:
///   - prediction: Any shape.
///   - target: The same shape as `prediction`.
/// - Returns: A scalar (shape `[]`).
public func meanSquaredError<Scalar: DifferentiableScalar>(
  _ prediction: Variable<Scalar>, _ target: Tensor<Scalar>
) -> Variable<Scalar> {
  meanSquaredError(prediction, Variable(target))
}
