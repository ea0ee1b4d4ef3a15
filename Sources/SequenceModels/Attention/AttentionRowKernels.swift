import RealModule
import StateSpace
import Training
import _FFTKernels

// The elementwise work of the attention core, one row of a score tile at a time: the softmax
// numerators of the forward pass and the recomputed weights and score gradients of the
// backward pass. Float rows run in C (_FFTKernels/AttentionRows.c: AVX-512, AVX2 or baseline
// chosen at load time, with a branch-free vectorised exponential; a libm call per scalar
// would cost more than the GEMMs around it); Double rows, used by the gradient checks, call
// libm.

// MARK: - Forward: softmax numerators

/// Overwrites the first `visible` scores of a row with exp(sᵢ − max s) and the rest of its
/// `count` entries with 0 (the causal mask), and returns max s and Σ exp(sᵢ − max s).
///
/// Subtracting the maximum keeps every exponent ≤ 0, so nothing overflows and the largest
/// term is exactly 1 (the sum is at least 1): the usual stable softmax.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func softmaxNumerators<Scalar: DifferentiableScalar>(
  _ row: UnsafeMutablePointer<Scalar>, visible: Int, count: Int
) -> (maximum: Scalar, sum: Scalar) {
  if Scalar.self == Float.self {
    var maximum: Float = 0
    let sum = s4attn_softmax_row_f32(asFloat(row), visible, count, &maximum)
    return (Scalar(maximum), Scalar(sum))
  }
  (row + visible).update(repeating: 0, count: count - visible)
  var maximum = -Scalar.infinity
  for j in 0..<visible { maximum = Swift.max(maximum, row[j]) }
  var sum: Scalar = 0
  for j in 0..<visible {
    let e = Scalar.exp(row[j] - maximum)
    row[j] = e
    sum += e
  }
  return (maximum, sum)
}

/// Multiplies the first `count` entries of `row` by those of `mask` (dropout of weights).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func multiply<Scalar: DifferentiableScalar>(
  _ row: UnsafeMutablePointer<Scalar>, by mask: UnsafePointer<Scalar>, count: Int
) {
  for j in 0..<count { row[j] *= mask[j] }
}

// MARK: - Backward: weights and score gradients

/// Recomputes a row of weights and turns a row of weight gradients into score gradients.
///
/// On entry `weights` holds the scaled scores sⱼ and `gradients` the products dO·Vⱼ; with
/// pⱼ = exp(sⱼ − lse) the softmax weights and mⱼ the dropout mask (1 without dropout), the
/// weights that multiplied V are p̃ⱼ = pⱼ·mⱼ and the softmax Jacobian gives the score gradient
/// dsⱼ = pⱼ·(mⱼ·dO·Vⱼ − D), D = Σⱼ p̃ⱼ·dO·Vⱼ = dO·O (FlashAttention-2, Dao 2023, §3.1).
/// On exit `weights` holds p̃ and `gradients` ds over the first `visible` entries, and both
/// hold 0 over the rest of their `count` entries (masked keys).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func weightsAndScoreGradients<Scalar: DifferentiableScalar>(
  weights: UnsafeMutablePointer<Scalar>, gradients: UnsafeMutablePointer<Scalar>,
  mask: UnsafePointer<Scalar>?, visible: Int, count: Int, logSumExp: Scalar,
  outputDotGradient: Scalar
) {
  if Scalar.self == Float.self {
    s4attn_score_gradient_row_f32(
      asFloat(weights), asFloat(gradients), mask.map { asFloat($0) }, visible, count,
      Float(logSumExp), Float(outputDotGradient))
    return
  }
  (weights + visible).update(repeating: 0, count: count - visible)
  (gradients + visible).update(repeating: 0, count: count - visible)
  for j in 0..<visible {
    let p = Scalar.exp(weights[j] - logSumExp)
    let m = mask?[j] ?? 1
    gradients[j] = p * (m * gradients[j] - outputDotGradient)
    weights[j] = p * m
  }
}

// MARK: - Small row helpers

/// Σ aⱼ·bⱼ over `count` entries.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func dot<Scalar: DifferentiableScalar>(
  _ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, count: Int
) -> Scalar {
  var total: Scalar = 0
  for j in 0..<count { total += a[j] * b[j] }
  return total
}

/// Multiplies `count` entries of `row` by `factor`.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func rescale<Scalar: DifferentiableScalar>(
  _ row: UnsafeMutablePointer<Scalar>, by factor: Scalar, count: Int
) {
  for j in 0..<count { row[j] *= factor }
}
