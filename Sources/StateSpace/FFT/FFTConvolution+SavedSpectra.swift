extension FFTConvolution {
  /// The spectra that ``forward(_:kernel:)`` computes and ``backward(outputGradient:saved:)``
  /// needs again: the kernels' spectra and the spectra of the input's batch pairs, with the
  /// shapes they belong to.
  ///
  /// It holds ⌈H/lanes⌉·(1 + ⌈B/2⌉) complex spectra of n = ``FFTConvolution/fftLength``
  /// elements of `lanes` channels (``FFTConvolution/lanes``: 16 or 8 for `Float`, 8 for
  /// `Double`), in the layout of the loops of that width: (B + 2)·H·n
  /// scalars when B is even and H a multiple of lanes (80 MiB for Float, B = 8, H = 256,
  /// n = 8192). Immutable and `Sendable`; one value may serve any number of backward passes.
  public struct SavedSpectra: Sendable {
    /// The input's shape, (B, L, H).
    public let inputShape: [Int]
    /// The kernel's shape, (H, Lk) or (2, H, Lk).
    public let kernelShape: [Int]
    /// The lane count of the convolution that made them.
    let lanes: Int
    let kernelSpectra: SharedScalars<Scalar>
    let inputSpectra: SharedScalars<Scalar>
  }

  /// Convolves like ``callAsFunction(_:kernel:)`` and keeps the spectra of the input and the
  /// kernel for ``backward(outputGradient:saved:)``, which then transforms only the output
  /// gradient: a training step does 2 + 3 transforms per batch pair and channel block (u and
  /// y forward; g, ∂ℓ/∂u and the kernel correlation backward) instead of 2 + 4, and the kernel
  /// spectra once instead of twice.
  ///
  /// - Parameters:
  ///   - input: u, (B, L, H), channels last.
  ///   - kernel: k, (H, Lk) for `.causal`, (2, H, Lk) for `.bidirectional`.
  /// - Returns: y, (B, L, H), and the spectra to pass to the backward pass.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func forward(_ input: Tensor<Scalar>, kernel: Tensor<Scalar>) -> (output: Tensor<Scalar>, saved: SavedSpectra) {
    let (batch, channels) = checkShapes("FFTConvolution.forward", input: input, kernel: kernel)
    let spectra = kernelSpectra(kernel, channels: channels)
    let (blocks, pairs) = blockCounts(batch: batch, channels: channels)
    var inputSpectra: SharedScalars<Scalar>?
    let output = Tensor(shape: input.shape, unsafeUninitializedScalars: { output in
      inputSpectra = SharedScalars(count: blocks * pairs * spectrumScalars) { saving in
        input.withUnsafeBufferPointer { input in
          convolve(
            input.baseAddress!, batch: batch, channels: channels, kernelSpectra: spectra.pointer,
            conjugate: false, saving: saving, into: output.baseAddress!)
        }
      }
    })
    let saved = SavedSpectra(
      inputShape: input.shape, kernelShape: kernel.shape, lanes: lanes, kernelSpectra: spectra,
      inputSpectra: inputSpectra!)
    return (output, saved)
  }

  /// The gradients of ℓ = Σ g·y for y from ``forward(_:kernel:)``, from the spectra it saved:
  /// equal to ``backward(outputGradient:input:kernel:)`` with the same input and kernel (up
  /// to rounding), without transforming them again.
  ///
  /// - Parameters:
  ///   - outputGradient: g = ∂ℓ/∂y, (B, L, H).
  ///   - saved: What ``forward(_:kernel:)`` returned with y, from this convolution.
  /// - Returns: ∂ℓ/∂u, (B, L, H), and ∂ℓ/∂k in the kernel's shape.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func backward(outputGradient: Tensor<Scalar>, saved: SavedSpectra) -> (input: Tensor<Scalar>, kernel: Tensor<Scalar>) {
    precondition(
      outputGradient.shape == saved.inputShape,
      "FFTConvolution.backward(outputGradient:saved:): output gradient shape \(outputGradient.shape) differs from the saved input shape \(saved.inputShape)")
    let (batch, channels) = (saved.inputShape[0], saved.inputShape[2])
    precondition(
      saved.inputShape[1] == length && saved.kernelShape == kernelShape(channels: channels) && saved.lanes == lanes,
      "FFTConvolution.backward(outputGradient:saved:): spectra saved for input \(saved.inputShape) and kernel \(saved.kernelShape) do not belong to this convolution (L = \(length), Lk = \(kernelLength), \(direction))")
    return gradients(
      outputGradient, batch: batch, channels: channels, kernelSpectra: saved.kernelSpectra.pointer,
      inputSpectra: .saved(saved.inputSpectra.pointer))
  }
}
