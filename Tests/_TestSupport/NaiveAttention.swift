import Numerics
import StateSpace

/// Multi-head scaled dot-product attention by its definition, in Float64: for every sequence b
/// and head h, the full L × L score matrix S = Q·Kᵀ/√d (with −∞ above the diagonal when
/// causal), the softmax of each row computed with exp and a plain sum, optional weight
/// multipliers, and the weighted sum of values.
///
/// - Parameters:
///   - packed: (B, L, 3H) rows [Q | K | V], head h in columns h·d ..< (h + 1)·d of each part.
///   - heads: The number of heads.
///   - isCausal: Whether query i sees only keys 0 … i.
///   - weightMultipliers: If given, `weightMultipliers(b·heads + h, i)` returns the factors
///     (one per visible key) that multiply row i's softmax weights before the sum of values
///     (a dropout mask).
/// - Returns: (B, L, H).
public func naiveMultiHeadAttention(
  packed: Tensor<Double>, heads: Int, isCausal: Bool,
  weightMultipliers: ((_ unit: Int, _ row: Int) -> [Double])? = nil
) -> Tensor<Double> {
  let (batch, length, width) = (packed.shape[0], packed.shape[1], packed.shape[2] / 3)
  let d = width / heads
  var output = Tensor<Double>(zeros: [batch, length, width])
  func at(_ b: Int, _ t: Int, _ column: Int) -> Double {
    packed.scalars[(b * length + t) * 3 * width + column]
  }
  for b in 0..<batch {
    for h in 0..<heads {
      for i in 0..<length {
        let visible = isCausal ? i + 1 : length
        var scores = [Double](repeating: 0, count: visible)
        for j in 0..<visible {
          var total = 0.0
          for c in 0..<d { total += at(b, i, h * d + c) * at(b, j, width + h * d + c) }
          scores[j] = total / Double(d).squareRoot()
        }
        let largest = scores.max()!
        let exponentials = scores.map { Double.exp($0 - largest) }
        let sum = exponentials.reduce(0, +)
        var weights = exponentials.map { $0 / sum }
        if let weightMultipliers {
          let factors = weightMultipliers(b * heads + h, i)
          for j in 0..<visible { weights[j] *= factors[j] }
        }
        for c in 0..<d {
          var total = 0.0
          for j in 0..<visible { total += weights[j] * at(b, j, 2 * width + h * d + c) }
          output.scalars[(b * length + i) * width + h * d + c] = total
        }
      }
    }
  }
  return output
}

/// x·W + b over the last axis in Float64 with plain loops: (…, in) → (…, out).
///
/// - Parameters:
///   - input: (…, in).
///   - weight: (in, out).
///   - bias: (out), or `nil`.
/// - Returns: (…, out).
public func naiveAffine(
  _ input: Tensor<Double>, weight: Tensor<Double>, bias: Tensor<Double>?
) -> Tensor<Double> {
  let (fanIn, fanOut) = (weight.shape[0], weight.shape[1])
  let rows = input.scalarCount / fanIn
  var output = Tensor<Double>(zeros: Array(input.shape.dropLast()) + [fanOut])
  for row in 0..<rows {
    for o in 0..<fanOut {
      var total = bias?.scalars[o] ?? 0
      for i in 0..<fanIn { total += input.scalars[row * fanIn + i] * weight.scalars[i * fanOut + o] }
      output.scalars[row * fanOut + o] = total
    }
  }
  return output
}

/// A multi-head attention block by its definition, in Float64 (Vaswani et al. 2017, §3.2):
/// [Q | K | V] = x·W_QKV + b_QKV, the attention of every head by ``naiveMultiHeadAttention``,
/// and y = concatₕ(headₕ)·W_O + b_O.
///
/// - Parameters:
///   - input: (B, L, H).
///   - qkvWeight: (H, 3H), columns [Q | K | V].
///   - qkvBias: (3H), or `nil`.
///   - outputWeight: (H, H).
///   - outputBias: (H), or `nil`.
///   - heads: The number of heads.
///   - isCausal: Whether query i sees only keys 0 … i.
/// - Returns: (B, L, H).
public func naiveAttentionBlock(
  _ input: Tensor<Double>, qkvWeight: Tensor<Double>, qkvBias: Tensor<Double>?,
  outputWeight: Tensor<Double>, outputBias: Tensor<Double>?, heads: Int, isCausal: Bool
) -> Tensor<Double> {
  let packed = naiveAffine(input, weight: qkvWeight, bias: qkvBias)
  let attended = naiveMultiHeadAttention(packed: packed, heads: heads, isCausal: isCausal)
  return naiveAffine(attended, weight: outputWeight, bias: outputBias)
}
