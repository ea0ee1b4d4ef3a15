import RealModule
import _FFTKernels

/// The twiddle factors of the complex transforms of one size: every pass's table, computed
/// once in Float64 and rounded (see `s4fft_twiddles` in the C header for the layout).
struct FFTTwiddles<Scalar: FFTScalar>: Sendable {
  /// M, the number of complex elements per transform.
  let size: Int
  let table: SharedScalars<Scalar>

  init(size: Int) {
    self.size = size
    table = SharedScalars(count: 2 * size) { table in
      if Scalar.self == Float.self {
        s4fft_twiddles_f32(asFloat(table), size)
      } else {
        s4fft_twiddles_f64(asDouble(table), size)
      }
    }
  }

  var pointer: UnsafePointer<Scalar> { UnsafePointer(table.pointer) }
}

/// e^{−2πi·j/n} for the real transform's split and merge steps.
enum FFTRoots {
  /// (cos, sin) of 2π·j/n, reduced to an angle in [0, π/4] first so that the quarter turns
  /// are exact and conjugate-symmetric values agree to the last bit.
  static func cosineSine(_ j: Int, _ n: Int) -> (Double, Double) {
    // Work in units of n/8 so that the octant reflections are exact integer operations.
    let eighth = 8 * (j % n)
    let octant = eighth / n
    let remainder = eighth % n  // angle within the octant = 2π·remainder/(8n)
    // φ ∈ [0, π/4], measured from the octant's nearer edge.
    let phi = 2 * Double.pi * Double(octant % 2 == 0 ? remainder : n - remainder) / Double(8 * n)
    let (c, s) = (Double.cos(phi), Double.sin(phi))
    switch octant {
    case 0: return (c, s)
    case 1: return (s, c)
    case 2: return (-s, c)
    case 3: return (-c, s)
    case 4: return (-c, -s)
    case 5: return (-s, -c)
    case 6: return (s, -c)
    default: return (c, -s)
    }
  }

  /// factor·W_n^k as interleaved (re, im) scalars for k ≤ count − 1, conjugated when asked.
  static func table<Scalar: FFTScalar>(
    _: Scalar.Type, n: Int, count: Int, factor: Double, conjugate: Bool
  ) -> SharedScalars<Scalar> {
    SharedScalars(count: 2 * count) { table in
      for k in 0..<count {
        let (c, s) = cosineSine(k, n)
        table[2 * k] = Scalar(factor * c)
        table[2 * k + 1] = Scalar(factor * (conjugate ? s : -s))
      }
    }
  }
}
