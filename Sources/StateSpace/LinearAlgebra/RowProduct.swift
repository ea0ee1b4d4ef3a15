extension LinearAlgebraScalar {
  /// `C ← A·B + β·C` for row-major A (`rows`×k) and B (k×n): one GEMM, or one GEMV when A is
  /// a single row (a generation step at batch 1), for which OpenBLAS's GEMM would pack all of
  /// B on every call.
  ///
  /// - Parameters:
  ///   - rows: The rows of A and C (≥ 1).
  ///   - n: The columns of B and C.
  ///   - k: The columns of A, the rows of B.
  ///   - a: A, `lda` scalars between rows.
  ///   - b: B, `ldb` scalars between rows.
  ///   - beta: β; 0 ignores C's prior contents.
  ///   - c: C, `ldc` scalars between rows.
  public static func rowsTimesMatrix(
    rows: Int, n: Int, k: Int, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
  ) {
    if rows == 1 {
      gemv(.transpose, m: k, n: n, alpha: one, a: b, lda: ldb, x: a, incx: 1, beta: beta, y: c, incy: 1)
    } else {
      gemm(.none, .none, m: rows, n: n, k: k, alpha: one, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
  }
}
