import StateSpace
import Training
import _TestSupport

/// Checks an op's pullback against central differences in Float64.
///
/// The op's output y is contracted with a fixed random cotangent w, so that the check covers
/// the whole vector–Jacobian product: the tape's gradient of Σ w·y (seeded with w) is compared
/// with the central-difference gradient of the same function, evaluated on constants (no tape).
///
/// - Parameters:
///   - inputs: The point; every input is watched.
///   - seed: The seed of the cotangent.
///   - op: The op under test, from variables to a variable.
/// - Returns: The worst relative error max|analytic − numeric| / max|numeric| over the inputs.
func gradientCheckError(
  at inputs: [Tensor<Double>], seed: UInt64 = 99, _ op: ([Variable<Double>]) -> Variable<Double>
) -> Double {
  let tape = Tape<Double>()
  let variables = inputs.map { tape.watch($0) }
  let output = op(variables)
  var generator = SeededGenerator(seed: seed)
  let cotangent = Tensor<Double>.randomNormal(shape: output.shape, using: &generator)
  let gradients = tape.gradients(of: output, seed: cotangent)
  let numeric = centralDifferenceGradients(at: inputs) { point in
    contraction(op(point.map { Variable($0) }).value, cotangent)
  }
  var worst = 0.0
  for (variable, expected) in zip(variables, numeric) {
    let analytic = gradients[variable] ?? Tensor(zeros: expected.shape)
    precondition(analytic.shape == expected.shape, "gradient shape \(analytic.shape) ≠ \(expected.shape)")
    worst = max(worst, relativeError(analytic.scalars, reference: expected.scalars))
  }
  return worst
}

/// Random normal tensors of the given shapes.
func randomTensors(_ shapes: [[Int]], seed: UInt64) -> [Tensor<Double>] {
  var generator = SeededGenerator(seed: seed)
  return shapes.map { Tensor<Double>.randomNormal(shape: $0, using: &generator) }
}
