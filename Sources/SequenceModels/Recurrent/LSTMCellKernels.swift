import Training

// The elementwise part of one LSTM time step for one sequence (PyTorch's gate order i, f, g, o;
// Hochreiter and Schmidhuber 1997, with the forget gate of Gers et al. 2000):
//
//   (1) i = σ(aᵢ),  f = σ(a_f),  g = tanh(a_g),  o = σ(a_o)
//   (2) c_t = f∘c_{t−1} + i∘g
//   (3) h_t = o∘tanh(c_t)
//
// where a = x_t·W_ih + h_{t−1}·W_hh + b are the pre-activations. Backward, with ∂h the
// gradient reaching h_t (from the output and from step t + 1) and ∂c_next = ∂c_{t+1}∘f_{t+1}:
//
//   (4) ∂c = ∂c_next + ∂h∘o∘(1 − tanh²c_t)
//   (5) ∂a_o = ∂h∘tanh(c_t)∘o(1 − o),  ∂aᵢ = ∂c∘g∘i(1 − i),
//       ∂a_f = ∂c∘c_{t−1}∘f(1 − f),    ∂a_g = ∂c∘i∘(1 − g²)
//   (6) ∂c_{t−1} = ∂c∘f
//
// and ∂h_{t−1} = ∂a·W_hhᵀ is one GEMM over the batch (in LSTMSequence.swift).

/// Equations (1)–(3) on one row: the pre-activations in `gates` are replaced by the
/// activations i, f, g, o (which the backward pass reads), and c_t, tanh c_t, h_t are written.
struct LSTMCellForward<Scalar: DifferentiableScalar>: GateKernel {
  typealias FloatKernel = LSTMCellForward<Float>
  typealias DoubleKernel = LSTMCellForward<Double>
  /// H′; `gates` holds 4H′ scalars [i | f | g | o].
  let hiddenSize: Int
  let gates: UnsafeMutablePointer<Scalar>
  let previousCell: UnsafePointer<Scalar>
  let cell: UnsafeMutablePointer<Scalar>
  let cellTanh: UnsafeMutablePointer<Scalar>
  let hidden: UnsafeMutablePointer<Scalar>

  @inline(__always)
  func run<V: GateLanes>(_: V.Type, units: Range<Int>) where V.Element == Scalar {
    let n = hiddenSize
    for j in stride(from: units.lowerBound, to: units.upperBound, by: V.laneCount) {
      let i = V.load(gates + j).logistic
      let f = V.load(gates + n + j).logistic
      let g = V.load(gates + 2 * n + j).hyperbolicTangent
      let o = V.load(gates + 3 * n + j).logistic
      let c = f * V.load(previousCell + j) + i * g
      let tanhC = c.hyperbolicTangent
      i.store(gates + j)
      f.store(gates + n + j)
      g.store(gates + 2 * n + j)
      o.store(gates + 3 * n + j)
      c.store(cell + j)
      tanhC.store(cellTanh + j)
      (o * tanhC).store(hidden + j)
    }
  }
}

/// Equations (4)–(6) on one row: ∂h = `outputGradient` + `hiddenGradient` (the recurrent
/// part), the pre-activation gradients into `gateGradient` [∂aᵢ | ∂a_f | ∂a_g | ∂a_o], and
/// `cellGradient` advanced from ∂c_t to ∂c_{t−1}.
struct LSTMCellBackward<Scalar: DifferentiableScalar>: GateKernel {
  typealias FloatKernel = LSTMCellBackward<Float>
  typealias DoubleKernel = LSTMCellBackward<Double>
  let hiddenSize: Int
  let gates: UnsafePointer<Scalar>
  let previousCell: UnsafePointer<Scalar>
  let cellTanh: UnsafePointer<Scalar>
  let outputGradient: UnsafePointer<Scalar>
  let hiddenGradient: UnsafePointer<Scalar>
  let cellGradient: UnsafeMutablePointer<Scalar>
  let gateGradient: UnsafeMutablePointer<Scalar>

  @inline(__always)
  func run<V: GateLanes>(_: V.Type, units: Range<Int>) where V.Element == Scalar {
    let n = hiddenSize
    for j in stride(from: units.lowerBound, to: units.upperBound, by: V.laneCount) {
      let i = V.load(gates + j)
      let f = V.load(gates + n + j)
      let g = V.load(gates + 2 * n + j)
      let o = V.load(gates + 3 * n + j)
      let tanhC = V.load(cellTanh + j)
      let dh = V.load(outputGradient + j) + V.load(hiddenGradient + j)
      let dc = V.load(cellGradient + j) + dh * o * (V.one - tanhC * tanhC)
      (dc * g * i * (V.one - i)).store(gateGradient + j)
      (dc * V.load(previousCell + j) * f * (V.one - f)).store(gateGradient + n + j)
      (dc * i * (V.one - g * g)).store(gateGradient + 2 * n + j)
      (dh * tanhC * o * (V.one - o)).store(gateGradient + 3 * n + j)
      (dc * f).store(cellGradient + j)
    }
  }
}
