import Training

// The elementwise part of one GRU time step for one sequence (Cho et al. 2014, in PyTorch's
// nn.GRU form, gate order r, z, n):
//
//   (1) r = σ(x_r + u_r),  z = σ(x_z + u_z)
//   (2) m = u_n + b_hn,    n = tanh(x_n + r∘m)
//   (3) h_t = (1 − z)∘n + z∘h_{t−1} = n + z∘(h_{t−1} − n)
//
// where [x_r | x_z | x_n] = x_t·W_ih + b and [u_r | u_z | u_n] = h_{t−1}·W_hh. Backward, with
// ∂h the gradient reaching h_t:
//
//   (4) ∂a_z = ∂h∘(h_{t−1} − n)∘z(1 − z),  ∂a_n = ∂h∘(1 − z)∘(1 − n²)
//   (5) ∂a_r = ∂a_n∘m∘r(1 − r),            ∂m = ∂a_n∘r
//   (6) ∂h_{t−1} = ∂h∘z + [∂a_r | ∂a_z | ∂m]·W_hhᵀ
//
// The input side receives [∂a_r | ∂a_z | ∂a_n], the recurrent side [∂a_r | ∂a_z | ∂m]; the GEMM
// of (6) runs over the batch in GRUSequence+Backward.swift.

/// Equations (1)–(3) on one row: the input pre-activations in `gates` are replaced by r, z, n
/// (which the backward pass reads), and m and h_t are written.
struct GRUCellForward<Scalar: DifferentiableScalar>: GateKernel {
  typealias FloatKernel = GRUCellForward<Float>
  typealias DoubleKernel = GRUCellForward<Double>
  /// H′; `gates` and `recurrentProduct` hold 3H′ scalars each.
  let hiddenSize: Int
  let gates: UnsafeMutablePointer<Scalar>
  let recurrentProduct: UnsafePointer<Scalar>
  /// b_hn, (H′).
  let recurrentBias: UnsafePointer<Scalar>
  let previousHidden: UnsafePointer<Scalar>
  /// m = u_n + b_hn, (H′).
  let recurrentNew: UnsafeMutablePointer<Scalar>
  let hidden: UnsafeMutablePointer<Scalar>

  @inline(__always)
  func run<V: GateLanes>(_: V.Type, units: Range<Int>) where V.Element == Scalar {
    let n = hiddenSize
    for j in stride(from: units.lowerBound, to: units.upperBound, by: V.laneCount) {
      let r = (V.load(gates + j) + V.load(recurrentProduct + j)).logistic
      let z = (V.load(gates + n + j) + V.load(recurrentProduct + n + j)).logistic
      let m = V.load(recurrentProduct + 2 * n + j) + V.load(recurrentBias + j)
      let candidate = (V.load(gates + 2 * n + j) + r * m).hyperbolicTangent
      r.store(gates + j)
      z.store(gates + n + j)
      candidate.store(gates + 2 * n + j)
      m.store(recurrentNew + j)
      (candidate + z * (V.load(previousHidden + j) - candidate)).store(hidden + j)
    }
  }
}

/// Equations (4)–(6) on one row, except the GEMM: ∂h = `outputGradient` + `hiddenGradient`,
/// the input and recurrent pre-activation gradients into `inputGradient` and
/// `recurrentGradient`, and `hiddenGradient` replaced by the direct part ∂h∘z of ∂h_{t−1}.
struct GRUCellBackward<Scalar: DifferentiableScalar>: GateKernel {
  typealias FloatKernel = GRUCellBackward<Float>
  typealias DoubleKernel = GRUCellBackward<Double>
  let hiddenSize: Int
  let gates: UnsafePointer<Scalar>
  let recurrentNew: UnsafePointer<Scalar>
  let previousHidden: UnsafePointer<Scalar>
  let outputGradient: UnsafePointer<Scalar>
  let hiddenGradient: UnsafeMutablePointer<Scalar>
  let inputGradient: UnsafeMutablePointer<Scalar>
  let recurrentGradient: UnsafeMutablePointer<Scalar>

  @inline(__always)
  func run<V: GateLanes>(_: V.Type, units: Range<Int>) where V.Element == Scalar {
    let n = hiddenSize
    for j in stride(from: units.lowerBound, to: units.upperBound, by: V.laneCount) {
      let r = V.load(gates + j)
      let z = V.load(gates + n + j)
      let candidate = V.load(gates + 2 * n + j)
      let dh = V.load(outputGradient + j) + V.load(hiddenGradient + j)
      let dz = dh * (V.load(previousHidden + j) - candidate) * z * (V.one - z)
      let dn = dh * (V.one - z) * (V.one - candidate * candidate)
      let dr = dn * V.load(recurrentNew + j) * r * (V.one - r)
      dr.store(inputGradient + j)
      dz.store(inputGradient + n + j)
      dn.store(inputGradient + 2 * n + j)
      dr.store(recurrentGradient + j)
      dz.store(recurrentGradient + n + j)
      (dn * r).store(recurrentGradient + 2 * n + j)
      (dh * z).store(hiddenGradient + j)
    }
  }
}
