import _FFTKernels

/// Typed entry points to the C loops of `_FFTKernels`, for `Float` (16 lanes on CPUs with
/// AVX-512, else 8) and `Double` (8 lanes). Each call is one whole loop; the type test folds
/// away in the specialised callers, the lane test is one predictable branch per call.
///
/// Layouts, from the C header: a *real blocked* signal holds sample t of all lanes at offset
/// t·lanes; a *complex blocked* signal holds element m as lanes real parts then lanes
/// imaginary parts at offset m·2·lanes. Spectra are in bit-reversed order.
///
/// Every entry point takes the lane count of its data; plans store theirs
/// (``lanes(_:)`` by default), so that tests can run both Float widths on any machine.
enum FFTKernels {
  /// The number of signals processed side by side, one vector of scalars: for `Float`, 16
  /// (64-byte vectors) where the AVX-512 loops run, else 8 (32-byte vectors: the AVX2 loops
  /// keep one vector in one register); 8 for `Double`. Chosen once per process: the
  /// environment variable S4_FFT_FLOAT_LANES = 8 or 16 overrides the CPU's choice (to compare
  /// or test both widths on one machine).
  @inline(__always)
  static func lanes<Scalar: FFTScalar>(_: Scalar.Type) -> Int {
    Scalar.self == Float.self ? floatLanes : 8
  }

  private static let floatLanes: Int = {
    let setting = floatLanes(
      forced: ProcessEnvironment.value("S4_FFT_FLOAT_LANES"), cpuChoice: Int(s4fft_float_lanes()))
    if let warning = setting.warning { ProcessEnvironment.warn(warning) }
    return setting.lanes
  }()

  /// The Float lane count for the value of S4_FFT_FLOAT_LANES (`nil` when unset) on a CPU
  /// that would choose `cpuChoice`: any value other than 8 or 16 keeps the CPU's choice, with
  /// a warning that names it.
  static func floatLanes(forced: String?, cpuChoice: Int) -> (lanes: Int, warning: String?) {
    guard let forced else { return (cpuChoice, nil) }
    if let lanes = Int(forced), supportedLanes(Float.self).contains(lanes) { return (lanes, nil) }
    return (
      cpuChoice,
      "swift-s4: S4_FFT_FLOAT_LANES must be 8 or 16, got \"\(forced)\"; using the CPU's choice, \(cpuChoice)"
    )
  }

  /// The lane counts the loops of `Scalar` exist for.
  static func supportedLanes<Scalar: FFTScalar>(_: Scalar.Type) -> [Int] {
    Scalar.self == Float.self ? [8, 16] : [8]
  }

  /// In-place complex FFT of `size` blocked elements, natural order in, bit-reversed out.
  @inline(__always)
  static func forward<Scalar: FFTScalar>(
    _ data: UnsafeMutablePointer<Scalar>, size: Int, twiddles: UnsafePointer<Scalar>, lanes: Int
  ) {
    if Scalar.self == Float.self {
      if lanes == 8 {
        s4fft_forward_f32x8(asFloat(data), size, asFloat(twiddles))
      } else {
        s4fft_forward_f32(asFloat(data), size, asFloat(twiddles))
      }
    } else {
      s4fft_forward_f64(asDouble(data), size, asDouble(twiddles))
    }
  }

  /// The unscaled inverse of ``forward(_:size:twiddles:)``: bit-reversed in, natural order out.
  @inline(__always)
  static func inverse<Scalar: FFTScalar>(
    _ data: UnsafeMutablePointer<Scalar>, size: Int, twiddles: UnsafePointer<Scalar>, lanes: Int
  ) {
    if Scalar.self == Float.self {
      if lanes == 8 {
        s4fft_inverse_f32x8(asFloat(data), size, asFloat(twiddles))
      } else {
        s4fft_inverse_f32(asFloat(data), size, asFloat(twiddles))
      }
    } else {
      s4fft_inverse_f64(asDouble(data), size, asDouble(twiddles))
    }
  }

  /// Scalars of scratch for one block of ``realForward``: the blocked transform (half
  /// elements of 2·lanes scalars) and the stage of `lanes` rows of S4FFT_STAGE_BINS bins and
  /// as many mirror bins, each part padded by one vector.
  @inline(__always)
  static func realForwardScratchCount(half: Int, lanes: Int) -> Int {
    2 * half * lanes + 2 * lanes * (2 * Int(S4FFT_STAGE_BINS) + lanes)
  }

  /// Scalars of scratch for one block of ``realInverse``: the blocked transform and the
  /// stage of `lanes` spectrum rows (2·half + 2 + lanes scalars each).
  @inline(__always)
  static func realInverseScratchCount(half: Int, lanes: Int) -> Int {
    2 * half * lanes + lanes * (2 * half + 2 + lanes)
  }

  /// The half spectra of up to `lanes` real rows of 2·half samples (interleaved complex rows
  /// of half + 1 bins), through `scratch` (``realForwardScratchCount(half:lanes:)`` scalars);
  /// `roots` holds W_n^k/2, k ≤ half/2. `permutedLines`: whether the 16-lane Float loops
  /// may form the output lines with AVX-512 permutes and stream them out (where the CPU has
  /// them) instead of going through their stage; the spectra are the same bit for bit.
  @inline(__always)
  static func realForward<Scalar: FFTScalar>(
    rows: UnsafePointer<UnsafePointer<Scalar>?>, rowCount: Int, half: Int, twiddles: UnsafePointer<Scalar>,
    roots: UnsafePointer<Scalar>, scratch: UnsafeMutablePointer<Scalar>,
    spectra: UnsafePointer<UnsafeMutablePointer<Scalar>?>, lanes: Int, permutedLines: Bool
  ) {
    let stage = scratch + 2 * half * lanes
    let permuted: Int32 = permutedLines ? 1 : 0
    if Scalar.self == Float.self {
      rows.withMemoryRebound(to: UnsafePointer<Float>?.self, capacity: rowCount) { rows in
        spectra.withMemoryRebound(to: UnsafeMutablePointer<Float>?.self, capacity: rowCount) {
          if lanes == 8 {
            s4fft_rfft_rows_f32x8(
              rows, rowCount, half, asFloat(twiddles), asFloat(roots), asFloat(scratch), asFloat(stage), $0, permuted)
          } else {
            s4fft_rfft_rows_f32(
              rows, rowCount, half, asFloat(twiddles), asFloat(roots), asFloat(scratch), asFloat(stage), $0, permuted)
          }
        }
      }
    } else {
      rows.withMemoryRebound(to: UnsafePointer<Double>?.self, capacity: rowCount) { rows in
        spectra.withMemoryRebound(to: UnsafeMutablePointer<Double>?.self, capacity: rowCount) {
          s4fft_rfft_rows_f64(
            rows, rowCount, half, asDouble(twiddles), asDouble(roots), asDouble(scratch), asDouble(stage), $0, permuted)
        }
      }
    }
  }

  /// Up to `lanes` real rows of 2·half samples, scaled by 1/(2·half), from their half spectra
  /// (lanes ≥ rowCount read `zeroRow`, 2·half + 2 zeros), through `scratch`
  /// (``realInverseScratchCount(half:lanes:)`` scalars); `roots` holds conj W_n^k/n, k ≤ half/2.
  /// `permutedLines`: whether the 16-lane Float loops may form the rows' lines with AVX-512
  /// permutes and stream them out instead of storing the transposed vectors as they are.
  @inline(__always)
  static func realInverse<Scalar: FFTScalar>(
    spectra: UnsafePointer<UnsafePointer<Scalar>?>, rowCount: Int, zeroRow: UnsafePointer<Scalar>, half: Int,
    twiddles: UnsafePointer<Scalar>, roots: UnsafePointer<Scalar>, scratch: UnsafeMutablePointer<Scalar>,
    rows: UnsafePointer<UnsafeMutablePointer<Scalar>?>, lanes: Int, permutedLines: Bool
  ) {
    let stage = scratch + 2 * half * lanes
    let permuted: Int32 = permutedLines ? 1 : 0
    if Scalar.self == Float.self {
      spectra.withMemoryRebound(to: UnsafePointer<Float>?.self, capacity: rowCount) { spectra in
        rows.withMemoryRebound(to: UnsafeMutablePointer<Float>?.self, capacity: rowCount) {
          if lanes == 8 {
            s4fft_irfft_rows_f32x8(
              spectra, rowCount, asFloat(zeroRow), half, asFloat(twiddles), asFloat(roots), asFloat(scratch),
              asFloat(stage), $0, permuted)
          } else {
            s4fft_irfft_rows_f32(
              spectra, rowCount, asFloat(zeroRow), half, asFloat(twiddles), asFloat(roots), asFloat(scratch),
              asFloat(stage), $0, permuted)
          }
        }
      }
    } else {
      spectra.withMemoryRebound(to: UnsafePointer<Double>?.self, capacity: rowCount) { spectra in
        rows.withMemoryRebound(to: UnsafeMutablePointer<Double>?.self, capacity: rowCount) {
          s4fft_irfft_rows_f64(
            spectra, rowCount, asDouble(zeroRow), half, asDouble(twiddles), asDouble(roots), asDouble(scratch),
            asDouble(stage), $0, permuted)
        }
      }
    }
  }
}
