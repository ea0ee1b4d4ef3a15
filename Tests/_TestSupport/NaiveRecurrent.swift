import Numerics
import StateSpace

// LSTM and GRU by their defining equations (PyTorch's nn.LSTM and nn.GRU), one sequence, one
// step and one unit at a time in Float64, with exp and tanh from the standard library: the
// oracle the blocks' fused GEMMs and vectorised gate kernels are compared with.

/// σ(x) = 1/(1 + e⁻ˣ).
private func sigmoid(_ x: Double) -> Double { 1 / (1 + Double.exp(-x)) }

/// Σ_k x[k]·W[k, column] + bias[column] for one row `x` and a row-major weight (K, N).
private func affine(
  _ x: ArraySlice<Double>, _ weight: Tensor<Double>, column: Int, bias: Double
) -> Double {
  let columns = weight.shape[1]
  var total = bias
  for (k, value) in zip(0..., x) { total += value * weight.scalars[k * columns + column] }
  return total
}

/// The LSTM from h = c = 0 by its equations, gates [i | f | g | o]:
/// i = σ(x·W_ii + h·W_hi + b_i), f = σ(…), g = tanh(…), o = σ(…),
/// c ← f·c + i·g, h ← o·tanh c, output h at every step.
///
/// - Parameters:
///   - input: (B, L, H).
///   - inputWeight: (H, 4H′).
///   - recurrentWeight: (H′, 4H′).
///   - bias: (4H′) or `nil`.
/// - Returns: (B, L, H′).
public func naiveLSTM(
  _ input: Tensor<Double>, inputWeight: Tensor<Double>, recurrentWeight: Tensor<Double>,
  bias: Tensor<Double>?
) -> Tensor<Double> {
  let (batch, length, width) = (input.shape[0], input.shape[1], input.shape[2])
  let hidden = recurrentWeight.shape[0]
  var output = Tensor<Double>(zeros: [batch, length, hidden])
  for b in 0..<batch {
    var h = [Double](repeating: 0, count: hidden)
    var c = [Double](repeating: 0, count: hidden)
    for t in 0..<length {
      let x = input.scalars[((b * length + t) * width)..<((b * length + t + 1) * width)]
      func preActivation(_ gate: Int, _ j: Int) -> Double {
        let column = gate * hidden + j
        return affine(x, inputWeight, column: column, bias: bias?.scalars[column] ?? 0)
          + affine(h[...], recurrentWeight, column: column, bias: 0)
      }
      var newH = h
      for j in 0..<hidden {
        let i = sigmoid(preActivation(0, j))
        let f = sigmoid(preActivation(1, j))
        let g = Double.tanh(preActivation(2, j))
        let o = sigmoid(preActivation(3, j))
        c[j] = f * c[j] + i * g
        newH[j] = o * Double.tanh(c[j])
      }
      h = newH
      for j in 0..<hidden { output.scalars[(b * length + t) * hidden + j] = h[j] }
    }
  }
  return output
}

/// The GRU from h = 0 by its equations, gates [r | z | n]:
/// r = σ(x·W_ir + b_ir + h·W_hr + b_hr), z = σ(… same for z …),
/// n = tanh(x·W_in + b_in + r·(h·W_hn + b_hn)), h ← (1 − z)·n + z·h.
///
/// - Parameters:
///   - input: (B, L, H).
///   - inputWeight: (H, 3H′).
///   - recurrentWeight: (H′, 3H′).
///   - inputBias: (3H′), b_i·, or `nil`.
///   - recurrentBias: (3H′), b_h·, or `nil`.
/// - Returns: (B, L, H′).
public func naiveGRU(
  _ input: Tensor<Double>, inputWeight: Tensor<Double>, recurrentWeight: Tensor<Double>,
  inputBias: Tensor<Double>?, recurrentBias: Tensor<Double>?
) -> Tensor<Double> {
  let (batch, length, width) = (input.shape[0], input.shape[1], input.shape[2])
  let hidden = recurrentWeight.shape[0]
  var output = Tensor<Double>(zeros: [batch, length, hidden])
  for b in 0..<batch {
    var h = [Double](repeating: 0, count: hidden)
    for t in 0..<length {
      let x = input.scalars[((b * length + t) * width)..<((b * length + t + 1) * width)]
      func inputPart(_ gate: Int, _ j: Int) -> Double {
        let column = gate * hidden + j
        return affine(x, inputWeight, column: column, bias: inputBias?.scalars[column] ?? 0)
      }
      func recurrentPart(_ gate: Int, _ j: Int) -> Double {
        let column = gate * hidden + j
        return affine(h[...], recurrentWeight, column: column, bias: recurrentBias?.scalars[column] ?? 0)
      }
      var newH = h
      for j in 0..<hidden {
        let r = sigmoid(inputPart(0, j) + recurrentPart(0, j))
        let z = sigmoid(inputPart(1, j) + recurrentPart(1, j))
        let n = Double.tanh(inputPart(2, j) + r * recurrentPart(2, j))
        newH[j] = (1 - z) * n + z * h[j]
      }
      h = newH
      for j in 0..<hidden { output.scalars[(b * length + t) * hidden + j] = h[j] }
    }
  }
  return output
}
