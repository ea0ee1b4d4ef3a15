import StateSpace

/// The gradient of a scalar function of several tensors by central differences in Float64:
/// ∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h, one pair of evaluations per scalar.
///
/// The truncation error is O(h²·f‴) and the rounding error O(ε·|f|/h); h = 1e-5 balances the
/// two for functions of order-one inputs, leaving about 1e-10 relative error.
///
/// - Parameters:
///   - inputs: The point at which to differentiate.
///   - step: h.
///   - function: The scalar function.
/// - Returns: One gradient per input, each of that input's shape.
public func centralDifferenceGradients(
  at inputs: [Tensor<Double>], step: Double = 1e-5, of function: ([Tensor<Double>]) -> Double
) -> [Tensor<Double>] {
  var point = inputs
  return inputs.indices.map { which in
    var gradient = Tensor<Double>(zeros: inputs[which].shape)
    for i in 0..<inputs[which].scalarCount {
      let original = point[which].scalars[i]
      point[which].scalars[i] = original + step
      let above = function(point)
      point[which].scalars[i] = original - step
      let below = function(point)
      point[which].scalars[i] = original
      gradient.scalars[i] = (above - below) / (2 * step)
    }
    return gradient
  }
}

/// Σ aᵢ·bᵢ over two equally long tensors, in Float64 (a random cotangent contracted with an
/// op's output turns the op into a scalar function for gradient checks).
public func contraction(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
  precondition(a.scalarCount == b.scalarCount, "contraction: \(a.shape) and \(b.shape) differ in size")
  var total = 0.0
  for (x, y) in zip(a.scalars, b.scalars) { total += x * y }
  return total
}

/// A tensor of normal samples whose magnitudes are at least `margin` (for inputs of functions
/// with a kink at 0, such as ReLU, where a finite difference across the kink is meaningless).
public func randomAwayFromZero(
  shape: [Int], margin: Double = 0.05, using generator: inout SeededGenerator
) -> Tensor<Double> {
  Tensor(shape: shape) { _ in
    let x = generator.nextStandardNormal()
    return x >= 0 ? x + margin : x - margin
  }
}
