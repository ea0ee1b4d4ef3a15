import ComplexModule
import RealModule

/// Causal or bidirectional convolution of channels-last signals with one kernel per channel,
/// computed through real FFTs of a padded length (S4's `FFTConv`, paper §3.3 and
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
  /// W_n^j, the twiddles of the length-n complex transforms.
  let roots: FFTRoots<Scalar>

  /// Creates the convolution plan.
  ///
  /// - Parameters:
  ///   - length: L ≥ 1.
  ///   - kernelLength: Lk ≥ 1 (longer or shorter than L).
  ///   - direction: Causal or bidirectional.
  public init(length: Int, kernelLength: Int, direction: Direction) {
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
    roots = FFTRoots(count: n)
  }

  /// The shape a kernel must have: (H, Lk) causal, (2, H, Lk) bidirectional.
  func kernelShape(channels: Int) -> [Int] {
    direction == .causal ? [channels, kernelLength] : [2, channels, kernelLength]
  }

  /// Convolves every channel of `input` with its kernel.
  ///
  /// Two batch entries share one complex transform, u[b] + i·u[b+1]: the kernel spectrum K
  /// is that of a real signal, so the inverse of (U_b + i·U_{b+1})·K is y_b + i·y_{b+1}
  /// exactly. Sixteen (`Float`) or eight (`Double`) channels run side by side in SIMD lanes,
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
          input.baseAddress!, batch: batch, channels: channels, spectra: spectra.pointer,
          conjugate: false, into: output.baseAddress!)
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
    let lanes = FFTKernels.lanes(Scalar.self)
    return ((channels + lanes - 1) / lanes, (batch + 1) / 2)
  }

  /// y = IFFT(FFT(u)·K) (or with conj K, the adjoint) for every (channel block, batch pair),
  /// in parallel; `spectra` holds each block's n-element kernel spectrum, pre-scaled by 1/n.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func convolve(
    _ input: UnsafePointer<Scalar>, batch: Int, channels: Int, spectra: UnsafePointer<Scalar>,
    conjugate: Bool, into output: UnsafeMutablePointer<Scalar>
  ) {
    let (n, lanes) = (fftLength, FFTKernels.lanes(Scalar.self))
    let (blocks, pairs) = blockCounts(batch: batch, channels: channels)
    let shared = UncheckedSendable((input, spectra, output))
    Parallel.forEachChunk(of: blocks * pairs) { items in
      let (input, spectra, output) = shared.value
      let data = ScratchBuffer<Scalar>(count: n * 2 * lanes)
      for item in items {
        let (block, pair) = item.quotientAndRemainder(dividingBy: pairs)
        let width = min(lanes, channels - block * lanes)
        let first = (2 * pair * length) * channels + block * lanes
        let second = 2 * pair + 1 < batch ? first + length * channels : nil
        FFTKernels.gatherChannels(
          first: input + first, second: second.map { input + $0 }, length: length, stride: channels,
          channels: width, size: n, into: data.pointer)
        FFTKernels.forward(data.pointer, size: n, roots: roots)
        FFTKernels.multiply(data.pointer, by: spectra + block * n * 2 * lanes, size: n, conjugate: conjugate)
        FFTKernels.inverse(data.pointer, size: n, roots: roots)
        FFTKernels.scatterChannels(
          data.pointer, length: length, stride: channels, channels: width, first: output + first,
          second: second.map { output + $0 })
      }
    }
  }

  /// The bit-reversed spectra of the circular kernels k_c[h, j] = (k0[h, j] + k1[h, n−1−j])/n,
  /// one complex blocked signal of n elements per channel block. (Dividing by n, a power of
  /// two, is exact; it makes the unscaled inverse transform the true inverse.)
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func kernelSpectra(_ kernel: Tensor<Scalar>, channels: Int) -> ScratchBuffer<Scalar> {
    let (n, lk, lanes) = (fftLength, kernelLength, FFTKernels.lanes(Scalar.self))
    let blocks = (channels + lanes - 1) / lanes
    let spectra = ScratchBuffer<Scalar>(count: blocks * n * 2 * lanes)
    let bidirectional = direction == .bidirectional
    kernel.withUnsafeBufferPointer { kernel in
      let shared = UncheckedSendable((kernel.baseAddress!, spectra.pointer))
      Parallel.forEachChunk(of: blocks) { range in
        let (k, spectra) = shared.value
        let rows = ScratchBuffer<Scalar>(count: lanes * n)
        withUnsafeTemporaryAllocation(of: UnsafePointer<Scalar>?.self, capacity: lanes) { pointers in
          for block in range {
            let width = min(lanes, channels - block * lanes)
            let scale = 1 / Scalar(n)
            for lane in 0..<width {
              let h = block * lanes + lane
              let row = rows.pointer + lane * n
              row.initialize(repeating: 0, count: n)
              for s in 0..<lk { row[s] = scale * k[h * lk + s] }
              if bidirectional {
                for s in 0..<lk { row[n - 1 - s] += scale * k[(channels + h) * lk + s] }
              }
              pointers[lane] = UnsafePointer(row)
            }
            let data = spectra + block * n * 2 * lanes
            data.initialize(repeating: 0, count: n * 2 * lanes)
            FFTKernels.gatherRows(pointers.baseAddress!, rowCount: width, count: n, stride: 2 * lanes, into: data)
            FFTKernels.forward(data, size: n, roots: roots)
          }
        }
      }
    }
    return spectra
  }
}
