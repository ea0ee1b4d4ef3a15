import RealModule
import Training

// The elementwise work of the attention core, one row of a score tile at a time: the softmax
// numerators of the forward pass and the recomputed weights and score gradients of the
// backward pass. Float rows run in SIMD8 lanes with a branch-free exponential (a libm call per
// scalar would cost more than the GEMMs around it); Double rows, used by the gradient checks,
// call libm.

/// eˣ in eight Float lanes for x ≤ 0 (a shifted score: s − max s or s − lse), about 1 ulp,
/// without branches; 0 for x < −87 and for x = −∞ (so that no subnormal weight reaches a GEMM).
///
/// x = n·ln 2 + r with n = round(x/ln 2) and |r| ≤ ln(2)/2, so eˣ = 2ⁿ·eʳ. ln 2 is split in
/// a part exact in Float and a correction (Cody–Waite) so that r keeps its accuracy, eʳ is a
/// degree-6 minimax polynomial, and 2ⁿ is assembled in the exponent bits. Adding 1.5·2²³
/// rounds x/ln 2 to the integer n and leaves n in the low mantissa bits. Arguments are never
/// large and positive here (at most a few ulps above 0 after rounding), so only the lower end
/// is clamped: one comparison and one select fewer per lane than a general exp, which matters
/// because the baseline x86-64 build runs these lanes as pairs of SSE operations.
@inline(__always)
func exponentialOfNonPositive(_ x: SIMD8<Float>) -> SIMD8<Float> {
  let shift = SIMD8<Float>(repeating: 12_582_912)
  let underflows = x .< -87
  let clamped = x.replacing(with: -87, where: underflows)
  let shifted = clamped * 1.442_695_04 + shift
  let n = shifted - shift
  let r = (clamped - n * 0.693_359_375) + n * 2.121_944_4e-4
  // eʳ ≈ 1 + r + r²·(c₀ + c₁r + … + c₅r⁵), the polynomial by Estrin's scheme: three
  // independent pairs combined with r² and r⁴, half the dependent chain of Horner's rule
  // (the loops are latency-bound without fused multiply-adds).
  let r2 = r * r
  let r4 = r2 * r2
  let low = (r * 0.166_666_655 + 0.500_000_01) + r2 * (r * 8.333_451_9e-3 + 4.166_579_59e-2)
  let high = r * 1.987_569_15e-4 + 1.398_199_95e-3
  let er = (low + r4 * high) * r2 + r + 1
  let bits = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
  return (er * unsafeBitCast(bits, to: SIMD8<Float>.self)).replacing(with: 0, where: underflows)
}

@inline(__always)
private func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
  UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
private func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
  UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
}

/// The lanes of `x` beyond the first `count` replaced by `filler` (for row tails).
@inline(__always)
private func partialLoad(_ pointer: UnsafePointer<Float>, count: Int, filler: Float)
  -> SIMD8<Float>
{
  var value = SIMD8<Float>(repeating: filler)
  for lane in 0..<count { value[lane] = pointer[lane] }
  return value
}

@inline(__always)
private func partialStore(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>, count: Int)
{
  for lane in 0..<count { pointer[lane] = value[lane] }
}

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
  (row + visible).update(repeating: 0, count: count - visible)
  if Scalar.self == Float.self {
    let result = floatSoftmaxNumerators(
      UnsafeMutableRawPointer(row).assumingMemoryBound(to: Float.self), visible: visible)
    return (Scalar(result.maximum), Scalar(result.sum))
  }
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

private func floatSoftmaxNumerators(_ row: UnsafeMutablePointer<Float>, visible: Int)
  -> (maximum: Float, sum: Float)
{
  let whole = visible & ~7
  var maxima = SIMD8<Float>(repeating: -.infinity)
  var j = 0
  while j < whole {
    let scores = load(row + j)
    maxima = maxima.replacing(with: scores, where: scores .> maxima)
    j += 8
  }
  var maximum = maxima.max()
  for tail in whole..<visible { maximum = Swift.max(maximum, row[tail]) }
  let shift = SIMD8<Float>(repeating: maximum)
  // Two independent vectors per iteration, so that two exponentials are in flight.
  var (sums, moreSums) = (SIMD8<Float>(), SIMD8<Float>())
  j = 0
  while j + 16 <= whole {
    let e = exponentialOfNonPositive(load(row + j) - shift)
    let f = exponentialOfNonPositive(load(row + j + 8) - shift)
    store(e, row + j)
    store(f, row + j + 8)
    sums += e
    moreSums += f
    j += 16
  }
  sums += moreSums
  if j < whole {
    let e = exponentialOfNonPositive(load(row + j) - shift)
    store(e, row + j)
    sums += e
  }
  if whole < visible {
    let tail = partialLoad(row + whole, count: visible - whole, filler: -.infinity)
    let e = exponentialOfNonPositive(tail - shift)
    partialStore(e, row + whole, count: visible - whole)
    sums += e
  }
  return (maximum, sums.sum())
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
  (weights + visible).update(repeating: 0, count: count - visible)
  (gradients + visible).update(repeating: 0, count: count - visible)
  if Scalar.self == Float.self {
    floatWeightsAndScoreGradients(
      weights: UnsafeMutableRawPointer(weights).assumingMemoryBound(to: Float.self),
      gradients: UnsafeMutableRawPointer(gradients).assumingMemoryBound(to: Float.self),
      mask: mask.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) },
      visible: visible, logSumExp: Float(logSumExp), outputDotGradient: Float(outputDotGradient))
    return
  }
  for j in 0..<visible {
    let p = Scalar.exp(weights[j] - logSumExp)
    let m = mask?[j] ?? 1
    gradients[j] = p * (m * gradients[j] - outputDotGradient)
    weights[j] = p * m
  }
}

private func floatWeightsAndScoreGradients(
  weights: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>,
  mask: UnsafePointer<Float>?, visible: Int, logSumExp: Float, outputDotGradient: Float
) {
  let whole = visible & ~7
  let shift = SIMD8<Float>(repeating: logSumExp)
  let d = SIMD8<Float>(repeating: outputDotGradient)
  var j = 0
  if let mask {
    while j < whole {
      let p = exponentialOfNonPositive(load(weights + j) - shift)
      let m = load(mask + j)
      store(p * (m * load(gradients + j) - d), gradients + j)
      store(p * m, weights + j)
      j += 8
    }
  } else {
    // Two independent vectors per iteration, as in the forward softmax.
    while j + 16 <= whole {
      let p = exponentialOfNonPositive(load(weights + j) - shift)
      let q = exponentialOfNonPositive(load(weights + j + 8) - shift)
      store(p * (load(gradients + j) - d), gradients + j)
      store(q * (load(gradients + j + 8) - d), gradients + j + 8)
      store(p, weights + j)
      store(q, weights + j + 8)
      j += 16
    }
    if j < whole {
      let p = exponentialOfNonPositive(load(weights + j) - shift)
      store(p * (load(gradients + j) - d), gradients + j)
      store(p, weights + j)
      j += 8
    }
  }
  guard whole < visible else { return }
  let tail = visible - whole
  let scores = partialLoad(weights + whole, count: tail, filler: -.infinity)
  let p = exponentialOfNonPositive(scores - shift)
  let m = mask.map { partialLoad($0 + whole, count: tail, filler: 0) } ?? SIMD8(repeating: 1)
  let g = partialLoad(gradients + whole, count: tail, filler: 0)
  partialStore(p * (m * g - d), gradients + whole, count: tail)
  partialStore(p * m, weights + whole, count: tail)
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
