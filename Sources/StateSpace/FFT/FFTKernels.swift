import _FFTKernels

/// Typed entry points to the C loops of `_FFTKernels`, for `Float` (16 lanes) and `Double`
/// (8 lanes). Each call is one whole loop; the type test folds away in the specialised
/// callers.
///
/// Layouts, from the C header: a *real blocked* signal holds sample t of all lanes at offset
/// t·lanes; a *complex blocked* signal holds element m as lanes real parts then lanes
/// imaginary parts at offset m·2·lanes.
enum FFTKernels {
  /// The number of signals processed side by side: one 64-byte vector of scalars.
  @inline(__always)
  static func lanes<Scalar: FFTScalar>(_: Scalar.Type) -> Int {
    64 / MemoryLayout<Scalar>.stride
  }

  /// In-place complex FFT of `size` blocked elements, natural order in, bit-reversed out.
  @inline(__always)
  static func forward<Scalar: FFTScalar>(_ data: UnsafeMutablePointer<Scalar>, size: Int, roots: FFTRoots<Scalar>) {
    roots.values.withUnsafeBufferPointer { w in
      if Scalar.self == Float.self {
        s4fft_forward_f32(float(data), size, float(w.baseAddress!), roots.count)
      } else {
        s4fft_forward_f64(double(data), size, double(w.baseAddress!), roots.count)
      }
    }
  }

  /// The unscaled inverse of ``forward(_:size:roots:)``: bit-reversed in, natural order out.
  @inline(__always)
  static func inverse<Scalar: FFTScalar>(_ data: UnsafeMutablePointer<Scalar>, size: Int, roots: FFTRoots<Scalar>) {
    roots.values.withUnsafeBufferPointer { w in
      if Scalar.self == Float.self {
        s4fft_inverse_f32(float(data), size, float(w.baseAddress!), roots.count)
      } else {
        s4fft_inverse_f64(double(data), size, double(w.baseAddress!), roots.count)
      }
    }
  }

  /// blocked[t·stride + lane] = rows[lane][t] for t < count; lanes ≥ rowCount are zero.
  @inline(__always)
  static func gatherRows<Scalar: FFTScalar>(
    _ rows: UnsafePointer<UnsafePointer<Scalar>?>, rowCount: Int, count: Int, stride: Int,
    into blocked: UnsafeMutablePointer<Scalar>
  ) {
    if Scalar.self == Float.self {
      rows.withMemoryRebound(to: UnsafePointer<Float>?.self, capacity: rowCount) {
        s4fft_gather_rows_f32($0, rowCount, count, stride, float(blocked))
      }
    } else {
      rows.withMemoryRebound(to: UnsafePointer<Double>?.self, capacity: rowCount) {
        s4fft_gather_rows_f64($0, rowCount, count, stride, double(blocked))
      }
    }
  }

  /// rows[lane][t] = scale·blocked[t·stride + lane] for t < count, lane < rowCount.
  @inline(__always)
  static func scatterRows<Scalar: FFTScalar>(
    _ blocked: UnsafePointer<Scalar>, count: Int, stride: Int, scale: Scalar,
    into rows: UnsafePointer<UnsafeMutablePointer<Scalar>?>, rowCount: Int
  ) {
    if Scalar.self == Float.self {
      rows.withMemoryRebound(to: UnsafeMutablePointer<Float>?.self, capacity: rowCount) {
        s4fft_scatter_rows_f32(float(blocked), count, stride, unsafeBitCast(scale, to: Float.self), $0, rowCount)
      }
    } else {
      rows.withMemoryRebound(to: UnsafeMutablePointer<Double>?.self, capacity: rowCount) {
        s4fft_scatter_rows_f64(double(blocked), count, stride, unsafeBitCast(scale, to: Double.self), $0, rowCount)
      }
    }
  }

  /// Half spectra (interleaved complex rows of M + 1 bins) from the bit-reversed transform
  /// of z_m = x_{2m} + i·x_{2m+1}.
  @inline(__always)
  static func realSpectra<Scalar: FFTScalar>(
    from z: UnsafePointer<Scalar>, half: Int, roots: FFTRoots<Scalar>,
    into rows: UnsafePointer<UnsafeMutablePointer<Scalar>?>, rowCount: Int
  ) {
    roots.values.withUnsafeBufferPointer { w in
      if Scalar.self == Float.self {
        rows.withMemoryRebound(to: UnsafeMutablePointer<Float>?.self, capacity: rowCount) {
          s4fft_real_spectra_f32(float(z), half, float(w.baseAddress!), $0, rowCount)
        }
      } else {
        rows.withMemoryRebound(to: UnsafeMutablePointer<Double>?.self, capacity: rowCount) {
          s4fft_real_spectra_f64(double(z), half, double(w.baseAddress!), $0, rowCount)
        }
      }
    }
  }

  /// The bit-reversed Z whose inverse transform is z_m = x_{2m} + i·x_{2m+1}, from
  /// interleaved complex rows of M + 1 bins (lanes ≥ rowCount read `zeroRow`).
  @inline(__always)
  static func realSpectraInverse<Scalar: FFTScalar>(
    from rows: UnsafePointer<UnsafePointer<Scalar>?>, rowCount: Int, zeroRow: UnsafePointer<Scalar>,
    half: Int, roots: FFTRoots<Scalar>, into z: UnsafeMutablePointer<Scalar>
  ) {
    roots.values.withUnsafeBufferPointer { w in
      if Scalar.self == Float.self {
        rows.withMemoryRebound(to: UnsafePointer<Float>?.self, capacity: rowCount) {
          s4fft_real_spectra_inverse_f32($0, rowCount, float(zeroRow), half, float(w.baseAddress!), float(z))
        }
      } else {
        rows.withMemoryRebound(to: UnsafePointer<Double>?.self, capacity: rowCount) {
          s4fft_real_spectra_inverse_f64($0, rowCount, double(zeroRow), half, double(w.baseAddress!), double(z))
        }
      }
    }
  }

  /// Channels-last signals `first` (real part) and `second` (imaginary part, or zero) into
  /// `size` complex blocked elements, zero-padded after `length`.
  @inline(__always)
  static func gatherChannels<Scalar: FFTScalar>(
    first: UnsafePointer<Scalar>, second: UnsafePointer<Scalar>?, length: Int, stride: Int,
    channels: Int, size: Int, into data: UnsafeMutablePointer<Scalar>
  ) {
    if Scalar.self == Float.self {
      s4fft_gather_channels_f32(
        float(first), second.map { float($0) }, length, stride, channels, size, float(data))
    } else {
      s4fft_gather_channels_f64(
        double(first), second.map { double($0) }, length, stride, channels, size, double(data))
    }
  }

  /// The first `length` complex blocked elements back to channels-last `first` (real parts)
  /// and `second` (imaginary parts, when given).
  @inline(__always)
  static func scatterChannels<Scalar: FFTScalar>(
    _ data: UnsafePointer<Scalar>, length: Int, stride: Int, channels: Int,
    first: UnsafeMutablePointer<Scalar>, second: UnsafeMutablePointer<Scalar>?
  ) {
    if Scalar.self == Float.self {
      s4fft_scatter_channels_f32(float(data), length, stride, channels, float(first), second.map { float($0) })
    } else {
      s4fft_scatter_channels_f64(double(data), length, stride, channels, double(first), second.map { double($0) })
    }
  }

  /// data ← data·spectrum (or data·conj spectrum), elementwise over `size` complex elements.
  @inline(__always)
  static func multiply<Scalar: FFTScalar>(
    _ data: UnsafeMutablePointer<Scalar>, by spectrum: UnsafePointer<Scalar>, size: Int, conjugate: Bool
  ) {
    if Scalar.self == Float.self {
      s4fft_multiply_f32(float(data), float(spectrum), size, conjugate ? 1 : 0)
    } else {
      s4fft_multiply_f64(double(data), double(spectrum), size, conjugate ? 1 : 0)
    }
  }

  /// sum ← sum + a·conj b, elementwise over `size` complex elements.
  @inline(__always)
  static func accumulateCorrelation<Scalar: FFTScalar>(
    _ sum: UnsafeMutablePointer<Scalar>, _ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, size: Int
  ) {
    if Scalar.self == Float.self {
      s4fft_accumulate_correlation_f32(float(sum), float(a), float(b), size)
    } else {
      s4fft_accumulate_correlation_f64(double(sum), double(a), double(b), size)
    }
  }

  @inline(__always)
  private static func float<Scalar>(_ p: UnsafePointer<Scalar>) -> UnsafePointer<Float> {
    UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
  }
  @inline(__always)
  private static func float<Scalar>(_ p: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
  }
  @inline(__always)
  private static func double<Scalar>(_ p: UnsafePointer<Scalar>) -> UnsafePointer<Double> {
    UnsafeRawPointer(p).assumingMemoryBound(to: Double.self)
  }
  @inline(__always)
  private static func double<Scalar>(_ p: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Double> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Double.self)
  }
}
