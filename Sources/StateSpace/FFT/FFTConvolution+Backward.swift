import ComplexModule
import RealModule

extension FFTConvolution {
  /// The gradients of ℓ = Σ g·y with respect to the input and the kernel, for
  /// y = `self(input, kernel:)` and g = `outputGradient`, recomputing the spectra of the
  /// input and the kernel (see ``backward(outputGradient:saved:)`` for the variant that takes
  /// them from the forward pass).
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
    return input.withUnsafeBufferPointer { u in
      gradients(
        outputGradient, batch: batch, channels: channels, kernelSpectra: spectra.pointer,
        inputSpectra: .recomputed(from: u.baseAddress!))
    }
  }

  /// Where the backward pass finds the spectra U of the input's batch pairs.
  enum InputSpectra {
    /// Transformed again from u, (B, L, H).
    case recomputed(from: UnsafePointer<Scalar>)
    /// Kept by the forward pass: item (block, pair) at (block·pairs + pair)·spectrumScalars.
    case saved(UnsafePointer<Scalar>)

    var isSaved: Bool {
      if case .saved = self { true } else { false }
    }
  }

  /// Both gradients. The (channel block, batch pair) items are split into one contiguous
  /// part per core; each part transforms g, multiplies by conj K for ∂ℓ/∂u and accumulates
  /// G·conj U per channel block for ∂ℓ/∂k. A block whose pairs fall into two parts gets one
  /// partial kernel gradient from each, summed in part order afterwards, so the result does
  /// not depend on thread timing.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func gradients(
    _ outputGradient: Tensor<Scalar>, batch: Int, channels: Int, kernelSpectra: UnsafePointer<Scalar>,
    inputSpectra: InputSpectra
  ) -> (input: Tensor<Scalar>, kernel: Tensor<Scalar>) {
    let (n, lk, size) = (fftLength, kernelLength, spectrumScalars)
    let (blocks, pairs) = blockCounts(batch: batch, channels: channels)
    let items = blocks * pairs
    let parts = max(1, min(Parallel.workerCount, items))
    let kernelRows = direction == .causal ? 1 : 2
    let partRange = { (part: Int) in (items * part / parts)..<(items * (part + 1) / parts) }
    /// A block's kernel gradient is partial when another part also has some of its pairs.
    func isShared(_ block: Int) -> Bool {
      let blockItems = (block * pairs)..<((block + 1) * pairs)
      return (0..<parts).filter { partRange($0).overlaps(blockItems) }.count > 1
    }
    // Per part: slot 0 for its first block, slot 1 for its last, each lanes·kernelRows rows.
    let slotScalars = lanes * kernelRows * lk
    var partials = [Scalar](repeating: 0, count: parts * 2 * slotScalars)
    var kernelGradient = Tensor<Scalar>(zeros: kernelShape(channels: channels))
    let inputGradient = Tensor<Scalar>(shape: outputGradient.shape, unsafeUninitializedScalars: { du in
      outputGradient.withUnsafeBufferPointer { g in
        kernelGradient.withUnsafeMutableBufferPointer { dk in
          partials.withUnsafeMutableBufferPointer { partials in
            let shared = UncheckedSendable(
              (g.baseAddress!, du.baseAddress!, dk.baseAddress!, partials.baseAddress!, kernelSpectra, inputSpectra))
            Parallel.forEachChunk(of: parts) { range in
              let (g, du, dk, partials, kernelSpectra, inputSpectra) = shared.value
              let data = ScratchBuffer<Scalar>(count: size)
              let correlation = ScratchBuffer<Scalar>(count: size)
              let recomputed = ScratchBuffer<Scalar>(count: inputSpectra.isSaved ? 0 : size)
              for part in range {
                let itemsOfPart = partRange(part)
                var item = itemsOfPart.lowerBound
                while item < itemsOfPart.upperBound {
                  let block = item / pairs
                  let end = min(itemsOfPart.upperBound, (block + 1) * pairs)
                  correlation.pointer.initialize(repeating: 0, count: size)
                  for pair in (item - block * pairs)..<(end - block * pairs) {
                    let u: UnsafePointer<Scalar>
                    switch inputSpectra {
                    case .recomputed(let input):
                      FFTKernels.spectrum(
                        of: signals(input, block: block, pair: pair, batch: batch, channels: channels), size: n,
                        twiddles: twiddles.pointer, into: recomputed.pointer, lanes: lanes)
                      u = UnsafePointer(recomputed.pointer)
                    case .saved(let spectra):
                      u = spectra + (block * pairs + pair) * size
                    }
                    let work = FFTKernels.PointwiseWork(
                      correlation: correlation.pointer, correlateWith: u, factor: kernelSpectra + block * size,
                      conjugate: true)
                    FFTKernels.convolve(
                      signals(g, block: block, pair: pair, batch: batch, channels: channels), size: n,
                      twiddles: twiddles.pointer, scratch: data.pointer, work: work,
                      output: signals(du, block: block, pair: pair, batch: batch, channels: channels), lanes: lanes)
                  }
                  // c[j] = Re IFFT(Σ Z_g·conj Z_u)[j]/n, one row per channel.
                  FFTKernels.inverse(correlation.pointer, size: n, twiddles: twiddles.pointer, lanes: lanes)
                  let width = min(lanes, channels - block * lanes)
                  if isShared(block) {
                    let slot = partials + (part * 2 + (block == itemsOfPart.lowerBound / pairs ? 0 : 1)) * slotScalars
                    FFTKernels.storeKernels(
                      correlation.pointer, size: n, scale: 1 / Scalar(n), taps: lk, channels: width, rowStride: lk,
                      into: slot, kernelRows == 2 ? slot + lanes * lk : nil, lanes: lanes)
                  } else {
                    let dk0 = dk + block * lanes * lk
                    FFTKernels.storeKernels(
                      correlation.pointer, size: n, scale: 1 / Scalar(n), taps: lk, channels: width, rowStride: lk,
                      into: dk0, kernelRows == 2 ? dk0 + channels * lk : nil, lanes: lanes)
                  }
                  item = end
                }
              }
            }
          }
        }
      }
    })
    // The shared blocks: sum the parts' partial gradients in part order.
    kernelGradient.withUnsafeMutableBufferPointer { dk in
      for block in 0..<blocks where isShared(block) {
        let width = min(lanes, channels - block * lanes)
        let blockItems = (block * pairs)..<((block + 1) * pairs)
        for part in 0..<parts where partRange(part).overlaps(blockItems) {
          let slot = (part * 2 + (block == partRange(part).lowerBound / pairs ? 0 : 1)) * slotScalars
          for row in 0..<kernelRows {
            for lane in 0..<width {
              let target = ((row * channels) + block * lanes + lane) * lk
              let source = slot + (row * lanes + lane) * lk
              for s in 0..<lk { dk[target + s] += partials[source + s] }
            }
          }
        }
      }
    }
    return (inputGradient, kernelGradient)
  }
}
