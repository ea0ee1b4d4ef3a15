import RealModule

// Float exp, tanh and the normal distribution function written without branches or calls, so
// that the compiler vectorises the elementwise loops that use them (libm's expf is a call per
// scalar: about 10 ns, where these run at a few scalars per nanosecond). Double keeps libm
// (through RealModule), which is what the Float64 gradient checks compare against.
//
// exp(x): write x = n·ln 2 + r with n = round(x/ln 2) and |r| ≤ ln(2)/2; then eˣ = 2ⁿ·eʳ, with
// ln 2 split in two parts (Cody–Waite) so that r is exact to a few ulps, eʳ from a degree-6
// polynomial (the minimax coefficients of Cephes' expf, relative error about 1 ulp), and 2ⁿ
// built directly in the exponent bits. The rounding uses the 1.5·2²³ trick: adding it pushes
// the fraction bits out of a Float's mantissa, and the integer n is left in the low bits.

/// 1.5·2²³: adding it to |v| < 2²² rounds v to an integer kept in the mantissa's low bits.
private let roundingShift: Float = 12_582_912

/// eˣ for Float without branches: about 1 ulp, 0 below −87.3 (no subnormal results), ∞ above
/// 88.72, NaN for NaN.
@inline(__always)
func vectorizableExp(_ x: Float) -> Float {
  let clamped = Swift.min(Swift.max(x, -87.33), 88.37)
  let shifted = clamped * 1.442_695_04 + roundingShift
  let n = shifted - roundingShift
  // r = x − n·ln 2, with ln 2 = 0.693359375 − 2.12194440e−4 (the first part exact in Float).
  let r = (clamped - n * 0.693_359_375) + n * 2.121_944_4e-4
  var p: Float = 1.987_569_15e-4
  p = p * r + 1.398_199_95e-3
  p = p * r + 8.333_451_9e-3
  p = p * r + 4.166_579_59e-2
  p = p * r + 0.166_666_655
  p = p * r + 0.500_000_01
  let er = p * r * r + r + 1
  // The low mantissa bits of `shifted` hold n (−126 ≤ n ≤ 127): 2ⁿ has exponent bits n + 127.
  let exponent = (shifted.bitPattern &- 0x4B40_0000 &+ 127) << 23
  let result = er * Float(bitPattern: exponent)
  return x > 88.72 ? .infinity : (x < -87.33 ? 0 : result)
}

/// tanh x for Float without branches, within 2 ulp: x + x³·P(x²) (Cephes' minimax polynomial)
/// for |x| < 0.625, where the exponential form would lose relative accuracy, and
/// sign(x)·(1 − 2/(e^{2|x|} + 1)) elsewhere.
@inline(__always)
func vectorizableTanh(_ x: Float) -> Float {
  let z = x * x
  var p: Float = -5.704_988_727_45e-3
  p = p * z + 2.063_908_879_54e-2
  p = p * z - 5.373_971_555_31e-2
  p = p * z + 0.133_314_422_036
  p = p * z - 0.333_332_819_422
  let small = p * z * x + x
  let magnitude = 1 - 2 / (vectorizableExp(2 * Swift.abs(x)) + 1)
  let large = x < 0 ? -magnitude : magnitude
  return Swift.abs(x) < 0.625 ? small : large
}

/// Φ(x), the standard normal distribution function, for Float without branches, with
/// relative error below 1e−6 in both tails.
///
/// Φ(x) = ½·erfc(−x/√2). erfc(z) for z ≥ 0 uses the Chebyshev fit
/// erfc(z) ≈ t·exp(−z² + P(t)), t = 1/(1 + z/2), whose fractional error is below 1.2e−7
/// (Press et al., Numerical Recipes, §6.2): then Φ(x) = c for x < 0 and 1 − c for x ≥ 0, with
/// c = ½·erfc(|x|/√2), so the small tail keeps its relative accuracy.
///
/// In the tail the exponent −x²/2 + P is large (−40 at |x| = 9), and rounding it to a Float
/// alone would cost 2e−6 relative: so x²/2 is formed exactly from a 12 + 12-bit split of |x|
/// (Veltkamp), the sums' rounding errors are recovered (Knuth's two-sum), and e^{a + b} is
/// taken as eᵃ·(1 + b) with b the rounding remainder (|b| ≤ 4e−6, so b²/2 is negligible).
@inline(__always)
func vectorizableNormalCDF(_ x: Float) -> Float {
  // Beyond |x| = 20 the tail is far below Float's smallest number; clamping keeps the split finite.
  let magnitude = Swift.min(Swift.abs(x), 20)
  let t = 1 / (1 + 0.5 * (magnitude * 0.707_106_781))
  var p: Float = 0.170_872_77
  p = p * t - 0.822_152_23
  p = p * t + 1.488_515_87
  p = p * t - 1.135_203_98
  p = p * t + 0.278_868_07
  p = p * t - 0.186_288_06
  p = p * t + 0.096_784_18
  p = p * t + 0.374_091_96
  p = p * t + 1.000_023_68
  p = p * t - 1.265_512_23
  // |x| = high + low with 12 significant bits each: high²/2 is exact.
  let split = magnitude * 4097
  let high = split - (split - magnitude)
  let low = magnitude - high
  let halfSquare = high * high * 0.5
  let halfSquareRest = high * low + low * low * 0.5
  // a + e = p − high²/2 − (high·low + low²/2), with e the two sums' rounding errors.
  let (a1, e1) = twoSum(p, -halfSquare)
  let (a, e2) = twoSum(a1, -halfSquareRest)
  let tail = 0.5 * t * vectorizableExp(a) * (1 + (e1 + e2))
  return x < 0 ? tail : 1 - tail
}

/// s + e = a + b exactly, with s = fl(a + b) (Knuth's two-sum, valid in any order of size).
@inline(__always)
func twoSum(_ a: Float, _ b: Float) -> (sum: Float, error: Float) {
  let sum = a + b
  let bPart = sum - a
  return (sum, (a - (sum - bPart)) + (b - bPart))
}

// MARK: - Generic entry points: the Float forms above, libm for Double

/// eˣ: the branch-free form for Float, libm for Double.
@inline(__always)
func exponential<S: DifferentiableScalar>(_ x: S) -> S {
  if S.self == Float.self {
    return unsafeBitCast(vectorizableExp(unsafeBitCast(x, to: Float.self)), to: S.self)
  }
  return S.exp(x)
}

/// tanh x: the branch-free form for Float, libm for Double.
@inline(__always)
func hyperbolicTangent<S: DifferentiableScalar>(_ x: S) -> S {
  if S.self == Float.self {
    return unsafeBitCast(vectorizableTanh(unsafeBitCast(x, to: Float.self)), to: S.self)
  }
  return S.tanh(x)
}

/// Φ(x) = ½(1 + erf(x/√2)): the branch-free form for Float, libm's erf for Double.
@inline(__always)
func normalCDF<S: DifferentiableScalar>(_ x: S) -> S {
  if S.self == Float.self {
    return unsafeBitCast(vectorizableNormalCDF(unsafeBitCast(x, to: Float.self)), to: S.self)
  }
  return (1 + S.erf(x * S(0.70710678118654752))) / 2
}
