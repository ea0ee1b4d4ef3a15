import _FFTKernels

/// Typed entry points to the C loops of `_FFTKernels`, for `Float` (16 lanes) and `Double`
/// (8 lanes). Each call is one whole loop; the type test folds away in the specialised
/// callers.
///
/// Layouts, from the C header: a *real blocked* signal holds sample t of all lanes at offset
/// t·lanes; a *complex blocked* signal holds element m as lanes real parts then lanes
/// imaginary parts at offset m·2·lanes. Spectra are in bit-reversed order.
enum FFTKernels {
  /// The number of signals processed side by side: one 64-byte vector of scalars.
  @inline(__always)
  static func lanes<Scalar: FFTScalar>(_: Scalar.Type) -> Int {
    64 / MemoryLayout<Scalar>.stride
  }

  /// In-place complex FFT of `size` blocked elements, natural order in, bit-reversed out.
  @inline(__always)
  static func forward<Scalar: FFTScalar>(
    _ data: UnsafeMutablePointer<Scalar>, size: Int, twiddles: UnsafePointer<Scalar>
  ) {
    if Scalar.self == Float.self {
      s4fft_forward_f32(float(data), size, float(twiddles))
    } else {
      s4fft_forward_f64(double(data), size, double(twiddles))
    }
  }

  /// The unscaled inverse of ``forward(_:size:twiddles:)``: bit-reversed in, natural order out.
  @inline(__always)
  static func inverse<Scalar: FFTScalar>(
    _ data: UnsafeMutablePointer<Scalar>, size: Int, twiddles: UnsafePointer<Scalar>
  ) {
    if Scalar.self == Float.self {
      s4fft_inverse_f32(float(data), size, float(twiddles))
    } else {
      s4fft_inverse_f64(double(data), size, double(twiddles))
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
  /// of z_m = x_{2m} + i·x_{2m+1}; `roots` holds W_n^k/2, k ≤ M/2.
  @inline(__always)
  static func realSpectra<Scalar: FFTScalar>(
    from z: UnsafePointer<Scalar>, half: Int, roots: UnsafePointer<Scalar>,
    into rows: UnsafePointer<UnsafeMutablePointer<Scalar>?>, rowCount: Int
  ) {
    if Scalar.self == Float.self {
      rows.withMemoryRebound(to: UnsafeMutablePointer<Float>?.self, capacity: rowCount) {
        s4fft_real_spectra_f32(float(z), half, float(roots), $0, rowCount)
      }
    } else {
      rows.withMemoryRebound(to: UnsafeMutablePointer<Double>?.self, capacity: rowCount) {
        s4fft_real_spectra_f64(double(z), half, double(roots), $0, rowCount)
      }
    }
  }

  /// scale·Z (bit-reversed), whose inverse transform is z_m = x_{2m} + i·x_{2m+1} times
  /// M·scale, from interleaved complex rows of M + 1 bins (lanes ≥ rowCount read `zeroRow`);
  /// `roots` holds conj W_n^k·scale/2, k ≤ M/2.
  @inline(__always)
  static func realSpectraInverse<Scalar: FFTScalar>(
    from rows: UnsafePointer<UnsafePointer<Scalar>?>, rowCount: Int, zeroRow: UnsafePointer<Scalar>,
    half: Int, roots: UnsafePointer<Scalar>, scale: Scalar, into z: UnsafeMutablePointer<Scalar>
  ) {
    if Scalar.self == Float.self {
      rows.withMemoryRebound(to: UnsafePointer<Float>?.self, capacity: rowCount) {
        s4fft_real_spectra_inverse_f32(
          $0, rowCount, float(zeroRow), half, float(roots), unsafeBitCast(scale, to: Float.self), float(z))
      }
    } else {
      rows.withMemoryRebound(to: UnsafePointer<Double>?.self, capacity: rowCount) {
        s4fft_real_spectra_inverse_f64(
          $0, rowCount, double(zeroRow), half, double(roots), unsafeBitCast(scale, to: Double.self), double(z))
      }
    }
  }

  @inline(__always)
  static func float<Scalar>(_ p: UnsafePointer<Scalar>) -> UnsafePointer<Float> {
    UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
  }
  @inline(__always)
  static func float<Scalar>(_ p: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
  }
  @inline(__always)
  static func double<Scalar>(_ p: UnsafePointer<Scalar>) -> UnsafePointer<Double> {
    UnsafeRawPointer(p).assumingMemoryBound(to: Double.self)
  }
  @inline(__always)
  static func double<Scalar>(_ p: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Double> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Double.self)
  }
}
