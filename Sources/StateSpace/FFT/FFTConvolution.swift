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
  let transform: RealFFT<Scalar>

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
    transform = RealFFT(length: n)
  }

  /// The shape a kernel must have: (H, Lk) causal, (2, H, Lk) bidirectional.
  func kernelShape(channels: Int) -> [Int] {
    direction == .causal ? [channels, kernelLength] : [2, channels, kernelLength]
  }

  /// Convolves every channel of `input` with its kernel.
  ///
  /// - Parameters:
  ///   - input: u, (B, L, H), channels last.
  ///   - kernel: k, (H, Lk) for `.causal`, (2, H, Lk) for `.bidirectional`.
  /// - Returns: y, (B, L, H).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func callAsFunction(_ input: Tensor<Scalar>, kernel: Tensor<Scalar>) -> Tensor<Scalar> {
    let (batch, channels) = checkShapes("FFTConvolution", input: input, kernel: kernel)
    let inputSpectra = transform.forward(paddedRows(input, batch: batch, channels: channels))
    let kernelSpectra = transform.forward(circularKernel(kernel, channels: channels))
    let bins = fftLength / 2 + 1
    var product = inputSpectra
    product.withUnsafeMutableBufferPointer { product in
      kernelSpectra.withUnsafeBufferPointer { kernel in
        for row in 0..<(batch * channels) {
          let k = kernel.baseAddress! + (row % channels) * bins
          for bin in 0..<bins { product[row * bins + bin] *= k[bin] }
        }
      }
    }
    return channelsLast(transform.inverse(product), batch: batch, channels: channels)
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

  /// (B, L, H) → (B·H, n) rows, zero-padded after L.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func paddedRows(_ signals: Tensor<Scalar>, batch: Int, channels: Int) -> Tensor<Scalar> {
    let n = fftLength
    var rows = Tensor<Scalar>(zeros: [batch * channels, n])
    signals.withUnsafeBufferPointer { u in
      rows.withUnsafeMutableBufferPointer { rows in
        for b in 0..<batch {
          for t in 0..<length {
            for h in 0..<channels {
              rows[(b * channels + h) * n + t] = u[(b * length + t) * channels + h]
            }
          }
        }
      }
    }
    return rows
  }

  /// (B·H, n) rows → (B, L, H), keeping t < L.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func channelsLast(_ rows: Tensor<Scalar>, batch: Int, channels: Int) -> Tensor<Scalar> {
    let n = fftLength
    var signals = Tensor<Scalar>(zeros: [batch, length, channels])
    rows.withUnsafeBufferPointer { rows in
      signals.withUnsafeMutableBufferPointer { y in
        for b in 0..<batch {
          for t in 0..<length {
            for h in 0..<channels {
              y[(b * length + t) * channels + h] = rows[(b * channels + h) * n + t]
            }
          }
        }
      }
    }
    return signals
  }

  /// The circular kernels k_c[h, j] = k0[h, j] + k1[h, n−1−j], (H, n).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func circularKernel(_ kernel: Tensor<Scalar>, channels: Int) -> Tensor<Scalar> {
    let (n, lk) = (fftLength, kernelLength)
    var circular = Tensor<Scalar>(zeros: [channels, n])
    kernel.withUnsafeBufferPointer { k in
      circular.withUnsafeMutableBufferPointer { c in
        for h in 0..<channels {
          for s in 0..<lk { c[h * n + s] += k[h * lk + s] }
          if direction == .bidirectional {
            for s in 0..<lk { c[h * n + n - 1 - s] += k[(channels + h) * lk + s] }
          }
        }
      }
    }
    return circular
  }
}
