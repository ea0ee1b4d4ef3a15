import _FFTKernels

/// The convolution's C loops: channels-last signals (`lanes` consecutive channels at one time
/// step are one vector; each call takes the lane count its spectra were made with), two batch entries as the real and imaginary parts of one complex
/// signal, and the kernels' row layout.
extension FFTKernels {
  /// Where the samples of one convolution come from or go to: `first` (real parts) and
  /// `second` (imaginary parts, or none), `length` time steps `stride` scalars apart, the
  /// `channels` ≤ lanes channels of one block.
  struct ChannelSignals<Pointer> {
    var first: Pointer
    var second: Pointer?
    var length: Int
    var stride: Int
    var channels: Int
  }

  /// The work between the forward and the inverse transform of ``convolve``, on bit-reversed
  /// spectra of `size` elements: save the spectrum X, then correlation += X·conj
  /// correlateWith, then X ← X·factor (·conj factor when `conjugate`).
  struct PointwiseWork<Scalar> {
    var save: UnsafeMutablePointer<Scalar>? = nil
    var correlation: UnsafeMutablePointer<Scalar>? = nil
    var correlateWith: UnsafePointer<Scalar>? = nil
    var factor: UnsafePointer<Scalar>
    var conjugate: Bool
  }

  /// IFFT(work(FFT(input))) through the `size`-element scratch `data` (unscaled inverse), the
  /// first `output.length` samples written to `output`.
  @inline(__always)
  static func convolve<Scalar: FFTScalar>(
    _ input: ChannelSignals<UnsafePointer<Scalar>>, size: Int, twiddles: UnsafePointer<Scalar>,
    scratch data: UnsafeMutablePointer<Scalar>, work: PointwiseWork<Scalar>,
    output: ChannelSignals<UnsafeMutablePointer<Scalar>>, lanes: Int
  ) {
    let conjugate: Int32 = work.conjugate ? 1 : 0
    if Scalar.self == Float.self {
      let convolve = lanes == 8 ? s4fft_convolve_f32x8 : s4fft_convolve_f32
      convolve(
        asFloat(input.first), input.second.map { asFloat($0) }, input.length, input.stride, input.channels, size,
        asFloat(twiddles), asFloat(data), work.save.map { asFloat($0) }, work.correlation.map { asFloat($0) },
        work.correlateWith.map { asFloat($0) }, asFloat(work.factor), conjugate, output.length, asFloat(output.first),
        output.second.map { asFloat($0) })
    } else {
      s4fft_convolve_f64(
        asDouble(input.first), input.second.map { asDouble($0) }, input.length, input.stride, input.channels, size,
        asDouble(twiddles), asDouble(data), work.save.map { asDouble($0) }, work.correlation.map { asDouble($0) },
        work.correlateWith.map { asDouble($0) }, asDouble(work.factor), conjugate, output.length, asDouble(output.first),
        output.second.map { asDouble($0) })
    }
  }

  /// The bit-reversed spectrum of channels-last signals (zero-padded to `size`) into `data`.
  @inline(__always)
  static func spectrum<Scalar: FFTScalar>(
    of input: ChannelSignals<UnsafePointer<Scalar>>, size: Int, twiddles: UnsafePointer<Scalar>,
    into data: UnsafeMutablePointer<Scalar>, lanes: Int
  ) {
    if Scalar.self == Float.self {
      let spectrum = lanes == 8 ? s4fft_channels_spectrum_f32x8 : s4fft_channels_spectrum_f32
      spectrum(
        asFloat(input.first), input.second.map { asFloat($0) }, input.length, input.stride, input.channels, size,
        asFloat(twiddles), asFloat(data))
    } else {
      s4fft_channels_spectrum_f64(
        asDouble(input.first), input.second.map { asDouble($0) }, input.length, input.stride, input.channels, size,
        asDouble(twiddles), asDouble(data))
    }
  }

  /// `data` ← the circular kernels scale·(k0[c][j] + k1[c][n−1−j]) of `channels` ≤ lanes
  /// rows `rowStride` apart with `taps` values each, as a complex blocked signal.
  @inline(__always)
  static func loadKernels<Scalar: FFTScalar>(
    _ k0: UnsafePointer<Scalar>, _ k1: UnsafePointer<Scalar>?, rowStride: Int, taps: Int, channels: Int,
    scale: Scalar, size: Int, into data: UnsafeMutablePointer<Scalar>, lanes: Int
  ) {
    if Scalar.self == Float.self {
      let load = lanes == 8 ? s4fft_load_kernels_f32x8 : s4fft_load_kernels_f32
      load(
        asFloat(k0), k1.map { asFloat($0) }, rowStride, taps, channels, unsafeBitCast(scale, to: Float.self), size,
        asFloat(data))
    } else {
      s4fft_load_kernels_f64(
        asDouble(k0), k1.map { asDouble($0) }, rowStride, taps, channels, unsafeBitCast(scale, to: Double.self), size,
        asDouble(data))
    }
  }

  /// The reverse of ``loadKernels``: dk0[c][s] = scale·Re data[s], dk1[c][s] = scale·Re
  /// data[n−1−s].
  @inline(__always)
  static func storeKernels<Scalar: FFTScalar>(
    _ data: UnsafePointer<Scalar>, size: Int, scale: Scalar, taps: Int, channels: Int, rowStride: Int,
    into dk0: UnsafeMutablePointer<Scalar>, _ dk1: UnsafeMutablePointer<Scalar>?, lanes: Int
  ) {
    if Scalar.self == Float.self {
      let store = lanes == 8 ? s4fft_store_kernels_f32x8 : s4fft_store_kernels_f32
      store(
        asFloat(data), size, unsafeBitCast(scale, to: Float.self), taps, channels, rowStride, asFloat(dk0),
        dk1.map { asFloat($0) })
    } else {
      s4fft_store_kernels_f64(
        asDouble(data), size, unsafeBitCast(scale, to: Double.self), taps, channels, rowStride, asDouble(dk0),
        dk1.map { asDouble($0) })
    }
  }
}
