import ComplexModule
import RealModule

/// The inverse real FFT that turns S4's spectrum into its kernel, and its adjoint.
///
/// Spectra are built and transformed a block of channels at a time, so that besides the kernel
/// (or its gradient) only one block's spectrum, O(c·block·L), is alive.
extension DPLRKernel {
  /// Channels per block of spectrum.
  static let channelBlock = 64

  /// K for every (output channel, channel), (c, H, L).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func forward<Scalar: SSMScalar>(_ parameters: SSMParameters<Scalar>, length: Int) -> Tensor<Scalar> {
    let nodes = CauchyNodes<Scalar>(length: length)
    let transform = RealFFT<Scalar>(length: length)
    let values = parameters.complexValues
    let (h, c) = (parameters.channels, parameters.outputChannels)
    var kernel = Tensor<Scalar>(zeros: [c, h, length])
    for start in stride(from: 0, to: h, by: channelBlock) {
      let channels = start..<min(start + channelBlock, h)
      let block = transform.inverse(spectrum(values: values, nodes: nodes, channels: channels))
      kernel.withUnsafeMutableBufferPointer { kernel in
        block.withUnsafeBufferPointer { block in
          for output in 0..<c {
            (kernel.baseAddress! + (output * h + start) * length).update(
              from: block.baseAddress! + output * channels.count * length, count: channels.count * length)
          }
        }
      }
    }
    return kernel
  }

  /// The gradients of ℓ = Σ G·K with respect to every parameter, for K = ``forward(_:length:)``.
  ///
  /// Derivation, in reverse order of the forward pass (complex gradients are
  /// G = ∂ℓ/∂Re + i·∂ℓ/∂Im; a holomorphic y = f(x) passes G_x = G_y·conj(f′(x)) back):
  /// 1. K = irfft(K̂): K_t = (1/L)·(K̂_0 + (−1)^t·K̂_{L/2} + 2·Re Σ_{0<k<L/2} K̂_k·e^{2πikt/L}), so
  ///    G[K̂_k] = w_k·rfft(G)_k with w = 1/L at k = 0 and L/2, 2/L otherwise.
  /// 2. The Woodbury step per node gives G[r_j(z_k)] for every Cauchy sum
  ///    (``WoodburyCombination``); the Cauchy sums are recomputed here rather than stored, to
  ///    keep memory O(L) per thread.
  /// 3. The transposed Cauchy sums give G[v_{j,n}] and G[w_n] = Σ_j conj(v_{j,n})·W_{j,n}
  ///    (``TransposedCauchySums``).
  /// 4. v_j = Δ·b_i·c_o and w = Δ·Λ: G[b_i] += G[v_j]·conj(Δ·c_o), G[c_o] += G[v_j]·conj(Δ·b_i),
  ///    ∂ℓ/∂Δ += Re(conj(G[v_j])·b_i·c_o) + Re(conj(G[w])·Λ), G[Λ] = Δ·G[w]; Q = conj(P)
  ///    adds conj(G[Q]) to G[P].
  /// 5. The Nyquist node K̂(−1) = Δ·Re Σ_n B_n·C̃_n adds, with g = Re G[K̂_{L/2}],
  ///    g·Δ·conj(C̃) to G[B], g·Δ·conj(B) to G[C̃] and g·Re Σ B·C̃ to ∂ℓ/∂Δ.
  /// 6. The stored tensors as in ``SSMParameters`` (log Δ, log(−Re Λ), Im Λ), with the
  ///    gradients of shared copies summed over their channels.
  ///
  /// - Parameters:
  ///   - kernelGradient: ∂ℓ/∂K, (c, H, L).
  ///   - parameters: The parameters K was computed from.
  /// - Returns: The gradients, in the structure of `parameters`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func backward<Scalar: SSMScalar>(
    kernelGradient: Tensor<Scalar>, parameters: SSMParameters<Scalar>
  ) -> SSMParameters<Scalar> {
    let (h, c) = (parameters.channels, parameters.outputChannels)
    precondition(
      kernelGradient.rank == 3 && kernelGradient.shape[0] == c && kernelGradient.shape[1] == h,
      "S4 kernel backward: the kernel gradient must have shape [\(c), \(h), L], got \(kernelGradient.shape)")
    let length = kernelGradient.shape[2]
    let nodes = CauchyNodes<Scalar>(length: length)
    let transform = RealFFT<Scalar>(length: length)
    let accumulator = DPLRGradientAccumulator(parameters)
    let bins = nodes.count + 1
    for start in stride(from: 0, to: h, by: channelBlock) {
      let channels = start..<min(start + channelBlock, h)
      var rows = Tensor<Scalar>(zeros: [c, channels.count, length])
      rows.withUnsafeMutableBufferPointer { rows in
        kernelGradient.withUnsafeBufferPointer { gradient in
          for output in 0..<c {
            (rows.baseAddress! + output * channels.count * length).update(
              from: gradient.baseAddress! + (output * h + start) * length, count: channels.count * length)
          }
        }
      }
      var spectrumGradient = transform.forward(rows)
      spectrumGradient.withUnsafeMutableBufferPointer { gradient in
        for index in gradient.indices {
          let k = index % bins
          let weight = Scalar(k == 0 || k == nodes.count ? 1 : 2) / Scalar(length)
          gradient[index] = Complex(gradient[index].real * weight, gradient[index].imaginary * weight)
        }
      }
      accumulator.accumulate(spectrumGradient: spectrumGradient, channels: channels, nodes: nodes)
    }
    return accumulator.gradients()
  }
}
