import ComplexModule
import RealModule

extension FFTConvolution {
  /// The gradients of ℓ = Σ g·y with respect to the input and the kernel, for
  /// y = `self(input, kernel:)` and g = `outputGradient`.
  ///
  /// With the circular form y = k_c ⊛ u (zero-padded to n), the adjoints are circular
  /// correlations: ∂ℓ/∂u[s] = Σ_t g[t]·k_c[t−s] (spectrum G·conj K, the forward pass with the
  /// conjugate kernel spectrum) and ∂ℓ/∂k_c[j] = Σ_b Σ_t g[b,t]·u[b,t−j] (spectrum
  /// Σ_b G_b·conj U_b), read back at j = s for the first kernel and j = n−1−s for the second.
  /// With two batch entries packed in one complex signal, Z_g·conj Z_u =
  /// G_b·conj U_b + G_{b+1}·conj U_{b+1} + i·(a spectrum of a real signal), so the real part of
  /// its inverse is the pair's summed correlation.
  ///
  /// - Parameters:
  ///   - outputGradient: g = ∂ℓ/∂y, (B, L, H).
  ///   - input: u, (B, L, H).
  ///   - kernel: k, (H, Lk) or (2, H, Lk).
  /// - Returns: ∂ℓ/∂u, (B, L, H), and ∂ℓ/∂k in the shape of `kernel`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func backward(
    outputGradient: Tensor<Scalar>, input: Tensor<Scalar>, kernel: Tensor<Scalar>
  ) -> (input: Tensor<Scalar>, kernel: Tensor<Scalar>) {
    let (batch, channels) = checkShapes("FFTConvolution.backward", input: input, kernel: kernel)
    precondition(
      outputGradient.shape == input.shape,
      "FFTConvolution.backward: output gradient shape \(outputGradient.shape) differs from input shape \(input.shape)")
    let spectra = kernelSpectra(kernel, channels: channels)
    var kernelGradient = Tensor<Scalar>(zeros: kernelShape(channels: channels))
    let inputGradient = Tensor<Scalar>(shape: input.shape, unsafeUninitializedScalars: { inputGradient in
      outputGradient.withUnsafeBufferPointer { g in
        input.withUnsafeBufferPointer { u in
          kernelGradient.withUnsafeMutableBufferPointer { dk in
            backward(
              g.baseAddress!, u.baseAddress!, batch: batch, channels: channels, spectra: spectra.pointer,
              inputGradient: inputGradient.baseAddress!, kernelGradient: dk.baseAddress!)
          }
        }
      }
    })
    return (inputGradient, kernelGradient)
  }

  /// Both gradients, one channel block per task: for each batch pair, the spectra of g and
  /// u, the correlation accumulated, and g's spectrum times conj K transformed back.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func backward(
    _ g: UnsafePointer<Scalar>, _ u: UnsafePointer<Scalar>, batch: Int, channels: Int,
    spectra: UnsafePointer<Scalar>, inputGradient: UnsafeMutablePointer<Scalar>,
    kernelGradient: UnsafeMutablePointer<Scalar>
  ) {
    let (n, lk, lanes) = (fftLength, kernelLength, FFTKernels.lanes(Scalar.self))
    let (blocks, pairs) = blockCounts(batch: batch, channels: channels)
    let bidirectional = direction == .bidirectional
    let shared = UncheckedSendable((g, u, spectra, inputGradient, kernelGradient))
    Parallel.forEachChunk(of: blocks) { range in
      let (g, u, spectra, inputGradient, kernelGradient) = shared.value
      let size = n * 2 * lanes
      let gradientSpectrum = ScratchBuffer<Scalar>(count: size)
      let inputSpectrum = ScratchBuffer<Scalar>(count: size)
      let correlation = ScratchBuffer<Scalar>(count: size)
      let rows = ScratchBuffer<Scalar>(count: lanes * n)
      withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<Scalar>?.self, capacity: lanes) { pointers in
        for block in range {
          let width = min(lanes, channels - block * lanes)
          correlation.pointer.initialize(repeating: 0, count: size)
          for pair in 0..<pairs {
            let first = (2 * pair * length) * channels + block * lanes
            let second = 2 * pair + 1 < batch ? first + length * channels : nil
            FFTKernels.gatherChannels(
              first: u + first, second: second.map { u + $0 }, length: length, stride: channels,
              channels: width, size: n, into: inputSpectrum.pointer)
            FFTKernels.forward(inputSpectrum.pointer, size: n, roots: roots)
            FFTKernels.gatherChannels(
              first: g + first, second: second.map { g + $0 }, length: length, stride: channels,
              channels: width, size: n, into: gradientSpectrum.pointer)
            FFTKernels.forward(gradientSpectrum.pointer, size: n, roots: roots)
            FFTKernels.accumulateCorrelation(
              correlation.pointer, gradientSpectrum.pointer, inputSpectrum.pointer, size: n)
            FFTKernels.multiply(
              gradientSpectrum.pointer, by: spectra + block * size, size: n, conjugate: true)
            FFTKernels.inverse(gradientSpectrum.pointer, size: n, roots: roots)
            FFTKernels.scatterChannels(
              gradientSpectrum.pointer, length: length, stride: channels, channels: width,
              first: inputGradient + first, second: second.map { inputGradient + $0 })
          }
          // c[j] = Re IFFT(Σ Z_g·conj Z_u)[j]/n, one row per channel.
          FFTKernels.inverse(correlation.pointer, size: n, roots: roots)
          for lane in 0..<width { pointers[lane] = rows.pointer + lane * n }
          FFTKernels.scatterRows(
            correlation.pointer, count: n, stride: 2 * lanes, scale: 1 / Scalar(n),
            into: pointers.baseAddress!, rowCount: width)
          for lane in 0..<width {
            let (h, c) = (block * lanes + lane, rows.pointer + lane * n)
            for s in 0..<lk { kernelGradient[h * lk + s] = c[s] }
            if bidirectional {
              for s in 0..<lk { kernelGradient[(channels + h) * lk + s] = c[n - 1 - s] }
            }
          }
        }
      }
    }
  }
}
