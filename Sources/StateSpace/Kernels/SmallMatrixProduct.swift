import _FFTKernels

/// C = A·B for the small per-channel matrices of the S4D kernel, on one core.
///
/// The S4D kernel multiplies, per channel, an M×N by an N×T matrix with N = 2·(N/2) ≈ 64 and
/// M·T = L. Those products are far below what OpenBLAS splits well, and they run inside a
/// loop that already uses every core: OpenBLAS called from both workers at once starts its
/// own threads on top of them, and the spinning oversubscribes the cores (measured several
/// times slower than this kernel). This is a plain register-tiled kernel in C
/// (`s4small_multiply`, `_FFTKernels/SmallMatrixLoops.h`, with AVX-512, AVX2 + FMA and baseline
/// clones): 4 rows × 2 vectors of C stay in registers while the inner dimension streams by.
enum SmallMatrixProduct {
  /// C ← A·B for row-major A (m×k), B (k×n), C (m×n); n must be a multiple of
  /// ``columnMultiple(for:)``.
  @inline(__always)
  static func multiply<Scalar: SSMScalar>(
    _ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, into c: UnsafeMutablePointer<Scalar>,
    m: Int, n: Int, k: Int
  ) {
    precondition(
      n % columnMultiple(for: Scalar.self) == 0,
      "SmallMatrixProduct: n = \(n) is not a multiple of \(columnMultiple(for: Scalar.self))")
    if Scalar.self == Float.self {
      s4small_multiply_f32(asFloat(a), asFloat(b), asFloat(c), m, n, k)
    } else {
      s4small_multiply_f64(asDouble(a), asDouble(b), asDouble(c), m, n, k)
    }
  }

  /// The multiple the column count of B and C must have.
  static func columnMultiple<Scalar: SSMScalar>(for _: Scalar.Type) -> Int {
    Int(S4SMALL_COLUMN_MULTIPLE)
  }
}
