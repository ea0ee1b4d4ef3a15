import ComplexModule
import RealModule

/// Causal or bidirectional convolution of channels-last signals with one kernel per channel,
/// computed through FFTs of a padded length (S4's `FFTConv`, paper §3.3 and
/// S4-REFERENCE §5.1).
///
/// Shape legend: B batch, L ``length``, H channels, Lk ``kernelLength``.
///
/// - causal: y[b,t,h] = Σ_{s=0}^{min(t, Lk−1)} k[h,s]·u[b,t−s,h].
/// - bidirectional: y[b,t,h] = Σ_{s≥0} k[0,h,s]·u[b,t−s,h] + Σ_{s≥0} k[1,h,s]·u[b,t+1+s,h]
///   (the reference's `pad(k0, (0, L)) + pad(flip(k1), (L, 0))` circular kernel: the second
///   kernel's tap s sits at circular position n − 1 − s).
///
/// Both are circular convolutions of the zero-padded signals with the circular kernel
/// k_c[j] = k0[j] + k1[n−1−j], exact when the FFT length n leaves no wrap-around:
/// n ≥ L + Lk − 1 for the causal case and n ≥ L + Lk for the bidirectional one.
///
/// For training, ``forward(_:kernel:)`` and ``backward(outputGradient:saved:)`` keep the
/// spectra of the forward pass for the backward pass;
/// ``backward(outputGradient:input:kernel:)`` recomputes them.
public struct FFTConvolution<Scalar: FFTScalar>: Sendable {
  /// Which side of the present the kernel reaches.
  public enum Direction: Sendable {
    /// y[t] depends on u[t], u[t−1], ….
    case causal
    /// y[t] also depends on u[t+1], u[t+2], … through a second kernel.
    case bidirectional
  }

  /// L, the number of time steps of inputs and outputs.
  public let length: Int
  /// Lk, the number of taps of each kernel.
  public let kernelLength: Int
  /// Causal or bidirectional.
  public let direction: Direction
  /// n, the FFT length: the smallest power of two that leaves no circular wrap-around.
  public let fftLength: Int
  /// The passes of the length-n complex transforms.
  let twiddles: FFTTwiddles<Scalar>
  /// Channels per block, the width of the C loops that run it (``FFTKernels/lanes(_:)``).
  let lanes: Int

  /// Creates the convolution plan.
  ///
  /// - Parameters:
  ///   - length: L ≥ 1.
  ///   - kernelLength: Lk ≥ 1 (longer or shorter than L).
  ///   - direction: Causal or bidirectional.
  public init(length: Int, kernelLength: Int, direction: Direction) {
    self.init(length: length, kernelLength: kernelLength, direction: direction, lanes: FFTKernels.lanes(Scalar.self))
  }

  /// The plan with blocks of `lanes` channels (one of ``FFTKernels/supportedLanes(_:)``),
  /// whatever the running CPU prefers: for tests.
  init(length: Int, kernelLength: Int, direction: Direction, lanes: Int) {
    precondition(FFTKernels.supportedLanes(Scalar.self).contains(lanes), "FFTConvolution: no \(lanes)-lane loops")
    precondition(
      length >= 1 && kernelLength >= 1,
      "FFTConvolution(length:kernelLength:direction:): lengths must be positive, got L = \(length), Lk = \(kernelLength)")
    let span = length + kernelLength - (direction == .causal ? 1 : 0)
    var n = 2
    while n < span { n *= 2 }
    precondition(
      n <= 1 << 22,
      "FFTConvolution(length:kernelLength:direction:): L = \(length) and Lk = \(kernelLength) need an FFT longer than 4194304")
    self.length = length
    self.kernelLength = kernelLength
    self.direction = direction
    fftLength = n
    twiddles = FFTTwiddles(size: n)
    self.lanes = lanes
  }

  /// The shape a kernel must have: (H, Lk) causal, (2, H, Lk) bidirectional.
  func kernelShape(channels: Int) -> [Int] {
    direction == .causal ? [channels, kernelLength] : [2, channels, kernelLength]
  }

  /// Convolves every channel of `input` with its kernel.
  ///
  /// Two batch entries share one complex transform, u[b] + i·u[b+1]: the kernel spectrum K
  /// is that of a real signal, so the inverse of (U_b + i·U_{b+1})·K is y_b + i·y_{b+1}
  /// exactly. ``lanes`` channels (16 or 8 `Float`, 8 `Double`) run side by side in SIMD lanes,
  /// and channels-last data is already in that layout, so nothing is transposed; the spectra
  /// stay in the transform's bit-reversed order, which a pointwise product does not mind.
  ///
  /// - Parameters:
  ///   - input: u, (B, L, H), channels last.
  ///   - kernel: k, (H, Lk) for `.causal`, (2, H, Lk) for `.bidirectional`.
  /// - Returns: y, (B, L, H).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func callAsFunction(_ input: Tensor<Scalar>, kernel: Tensor<Scalar>) -> Tensor<Scalar> {
    let (batch, channels) = checkShapes("FFTConvolution", input: input, kernel: kernel)
    let spectra = kernelSpectra(kernel, channels: channels)
    return Tensor(shape: input.shape, unsafeUninitializedScalars: { output in
      input.withUnsafeBufferPointer { input in
        convolve(
          input.baseAddress!, batch: batch, channels: channels, kernelSpectra: spectra.pointer,
          conjugate: false, saving: nil, into: output.baseAddress!)
      }
    })
  }

  /// Validates shapes and returns (B, H).
  func checkShapes(_ call: String, input: Tensor<Scalar>, kernel: Tensor<Scalar>) -> (Int, Int) {
    precondition(
      input.rank == 3 && input.shape[1] == length,
      "\(call): input must have shape [B, \(length), H], got \(input.shape)")
    let (batch, channels) = (input.shape[0], input.shape[2])
    precondition(
      kernel.shape == kernelShape(channels: channels),
      "\(call): kernel must have shape \(kernelShape(channels: channels)) for input \(input.shape), got \(kernel.shape)")
    return (batch, channels)
  }

  /// The number of channel blocks (groups of `lanes` channels) and of batch pairs.
  func blockCounts(batch: Int, channels: Int) -> (blocks: Int, pairs: Int) {
    ((channels + lanes - 1) / lanes, (batch + 1) / 2)
  }

  /// The scalars of one blocked spectrum: n elements of 2·lanes.
  var spectrumScalars: Int { fftLength * 2 * lanes }

  /// Where the signals of (channel block, batch pair) sit in a (B, L, H) tensor: the pair's
  /// first entry (real parts), its second entry if any (imaginary parts), and the block's
  /// channel count.
  func signalOffsets(block: Int, pair: Int, batch: Int, channels: Int) -> (first: Int, second: Int?, width: Int) {
    let first = (2 * pair * length) * channels + block * lanes
    return (first, 2 * pair + 1 < batch ? first + length * channels : nil, min(lanes, channels - block * lanes))
  }

  /// The signals of (channel block, batch pair) in `base`, (B, L, H).
  func signals(
    _ base: UnsafePointer<Scalar>, block: Int, pair: Int, batch: Int, channels: Int
  ) -> FFTKernels.ChannelSignals<UnsafePointer<Scalar>> {
    let (first, second, width) = signalOffsets(block: block, pair: pair, batch: batch, channels: channels)
    return .init(first: base + first, second: second.map { base + $0 }, length: length, stride: channels, channels: width)
  }

  /// The signals of (channel block, batch pair) in `base`, (B, L, H), for writing.
  func signals(
    _ base: UnsafeMutablePointer<Scalar>, block: Int, pair: Int, batch: Int, channels: Int
  ) -> FFTKernels.ChannelSignals<UnsafeMutablePointer<Scalar>> {
    let (first, second, width) = signalOffsets(block: block, pair: pair, batch: batch, channels: channels)
    return .init(first: base + first, second: second.map { base + $0 }, length: length, stride: channels, channels: width)
  }

  /// y = IFFT(FFT(u)·K) (or with conj K, the adjoint) for every (channel block, batch pair),
  /// in parallel, block-major so that consecutive items share a kernel spectrum; `kernelSpectra`
  /// holds each block's n-element kernel spectrum, pre-scaled by 1/n. When `saving` is given,
  /// the spectrum of item (block, pair) is kept at `saving + (block·pairs + pair)·spectrumScalars`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func convolve(
    _ input: UnsafePointer<Scalar>, batch: Int, channels: Int, kernelSpectra: UnsafePointer<Scalar>,
    conjugate: Bool, saving: UnsafeMutablePointer<Scalar>?, into output: UnsafeMutablePointer<Scalar>
  ) {
    let (n, size) = (fftLength, spectrumScalars)
    let (blocks, pairs) = blockCounts(batch: batch, channels: channels)
    let shared = UncheckedSendable((input, kernelSpectra, saving, output))
    Parallel.forEachChunk(of: blocks * pairs) { items in
      let (input, kernelSpectra, saving, output) = shared.value
      let data = ScratchBuffer<Scalar>(count: size)
      for item in items {
        let (block, pair) = item.quotientAndRemainder(dividingBy: pairs)
        let source = signals(input, block: block, pair: pair, batch: batch, channels: channels)
        let target = signals(output, block: block, pair: pair, batch: batch, channels: channels)
        let work = FFTKernels.PointwiseWork(
          save: saving.map { $0 + item * size }, factor: kernelSpectra + block * size, conjugate: conjugate)
        FFTKernels.convolve(
          source, size: n, twiddles: twiddles.pointer, scratch: data.pointer, work: work, output: target,
          lanes: lanes)
      }
    }
  }

  /// The bit-reversed spectra of the circular kernels k_c[h, j] = (k0[h, j] + k1[h, n−1−j])/n,
  /// one complex blocked signal of n elements per channel block. (Dividing by n, a power of
  /// two, is exact; it makes the unscaled inverse transform the true inverse.)
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func kernelSpectra(_ kernel: Tensor<Scalar>, channels: Int) -> SharedScalars<Scalar> {
    let (n, lk, size) = (fftLength, kernelLength, spectrumScalars)
    let blocks = (channels + lanes - 1) / lanes
    let bidirectional = direction == .bidirectional
    return SharedScalars(count: blocks * size) { spectra in
      kernel.withUnsafeBufferPointer { kernel in
        let shared = UncheckedSendable((kernel.baseAddress!, spectra))
        Parallel.forEachChunk(of: blocks) { range in
          let (k, spectra) = shared.value
          for block in range {
            let k0 = k + block * lanes * lk
            let data = spectra + block * size
            FFTKernels.loadKernels(
              k0, bidirectional ? k0 + channels * lk : nil, rowStride: lk, taps: lk,
              channels: min(lanes, channels - block * lanes), scale: 1 / Scalar(n), size: n, into: data, lanes: lanes)
            FFTKernels.forward(data, size: n, twiddles: twiddles.pointer, lanes: lanes)
          }
        }
      }
    }
  }
}
