import CLinearAlgebra
import ComplexModule
import RealModule

/// How a matrix operand enters a product: as stored, transposed, or conjugate-transposed.
public enum MatrixTranspose: Sendable, Equatable {
  /// op(A) = A.
  case none
  /// op(A) = Aᵀ.
  case transpose
  /// op(A) = Aᴴ (the same as `transpose` for real scalars).
  case conjugateTranspose

  var cblas: CBLAS_TRANSPOSE {
    switch self {
    case .none: CblasNoTrans
    case .transpose: CblasTrans
    case .conjugateTranspose: CblasConjTrans
    }
  }
}

/// A scalar type that OpenBLAS and LAPACK compute with: `Float`, `Double`, `Complex<Float>`,
/// `Complex<Double>`.
///
/// The requirements are the raw row-major BLAS/LAPACK calls; generic code reaches the right
/// precision (`s`, `d`, `c`, `z`) through them. Callers validate sizes before calling, so these
/// never see invalid dimensions.
public protocol LinearAlgebraScalar: Sendable, Equatable {
  /// The additive identity.
  static var zero: Self { get }
  /// The multiplicative identity.
  static var one: Self { get }

  /// General matrix product `C ← α·op(A)·op(B) + β·C` (row-major `?gemm`), with op(A) of size
  /// m×k, op(B) of size k×n and C of size m×n.
  static func gemm(
    _ transA: MatrixTranspose, _ transB: MatrixTranspose, m: Int, n: Int, k: Int,
    alpha: Self, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

  /// Matrix–vector product `y ← α·op(A)·x + β·y` (row-major `?gemv`), A of size m×n.
  static func gemv(
    _ trans: MatrixTranspose, m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
    x: UnsafePointer<Self>, incx: Int, beta: Self, y: UnsafeMutablePointer<Self>, incy: Int)

  /// Solves `A·X = B` in place (row-major `?gesv`): on return `b` holds X and `a` its LU
  /// factors. Returns LAPACK's `info`.
  static func gesv(
    n: Int, nrhs: Int, a: UnsafeMutablePointer<Self>, lda: Int, pivots: UnsafeMutablePointer<Int32>,
    b: UnsafeMutablePointer<Self>, ldb: Int) -> Int32
}

extension Float: LinearAlgebraScalar {
  /// 1.
  public static var one: Float { 1 }

  public static func gemm(
    _ transA: MatrixTranspose, _ transB: MatrixTranspose, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    cblas_sgemm(
      CblasRowMajor, transA.cblas, transB.cblas, blasInt(m), blasInt(n), blasInt(k), alpha, a,
      blasInt(lda), b, blasInt(ldb), beta, c, blasInt(ldc))
  }

  public static func gemv(
    _ trans: MatrixTranspose, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
    x: UnsafePointer<Float>, incx: Int, beta: Float, y: UnsafeMutablePointer<Float>, incy: Int
  ) {
    cblas_sgemv(
      CblasRowMajor, trans.cblas, blasInt(m), blasInt(n), alpha, a, blasInt(lda), x,
      blasInt(incx), beta, y, blasInt(incy))
  }

  public static func gesv(
    n: Int, nrhs: Int, a: UnsafeMutablePointer<Float>, lda: Int,
    pivots: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Float>, ldb: Int
  ) -> Int32 {
    LAPACKE_sgesv(
      LAPACK_ROW_MAJOR, Int32(n), Int32(nrhs), a, Int32(lda), pivots, b, Int32(ldb))
  }
}

extension Double: LinearAlgebraScalar {
  /// 1.
  public static var one: Double { 1 }

  public static func gemm(
    _ transA: MatrixTranspose, _ transB: MatrixTranspose, m: Int, n: Int, k: Int,
    alpha: Double, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
    beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    cblas_dgemm(
      CblasRowMajor, transA.cblas, transB.cblas, blasInt(m), blasInt(n), blasInt(k), alpha, a,
      blasInt(lda), b, blasInt(ldb), beta, c, blasInt(ldc))
  }

  public static func gemv(
    _ trans: MatrixTranspose, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
    x: UnsafePointer<Double>, incx: Int, beta: Double, y: UnsafeMutablePointer<Double>, incy: Int
  ) {
    cblas_dgemv(
      CblasRowMajor, trans.cblas, blasInt(m), blasInt(n), alpha, a, blasInt(lda), x,
      blasInt(incx), beta, y, blasInt(incy))
  }

  public static func gesv(
    n: Int, nrhs: Int, a: UnsafeMutablePointer<Double>, lda: Int,
    pivots: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Double>, ldb: Int
  ) -> Int32 {
    LAPACKE_dgesv(
      LAPACK_ROW_MAJOR, Int32(n), Int32(nrhs), a, Int32(lda), pivots, b, Int32(ldb))
  }
}

extension Complex: LinearAlgebraScalar where RealType: ComplexBLASRealType {
  public static func gemm(
    _ transA: MatrixTranspose, _ transB: MatrixTranspose, m: Int, n: Int, k: Int,
    alpha: Complex, a: UnsafePointer<Complex>, lda: Int, b: UnsafePointer<Complex>, ldb: Int,
    beta: Complex, c: UnsafeMutablePointer<Complex>, ldc: Int
  ) {
    RealType.complexGEMM(
      transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta,
      c: c, ldc: ldc)
  }

  public static func gemv(
    _ trans: MatrixTranspose, m: Int, n: Int, alpha: Complex, a: UnsafePointer<Complex>, lda: Int,
    x: UnsafePointer<Complex>, incx: Int, beta: Complex, y: UnsafeMutablePointer<Complex>,
    incy: Int
  ) {
    RealType.complexGEMV(
      trans, m: m, n: n, alpha: alpha, a: a, lda: lda, x: x, incx: incx, beta: beta, y: y,
      incy: incy)
  }

  public static func gesv(
    n: Int, nrhs: Int, a: UnsafeMutablePointer<Complex>, lda: Int,
    pivots: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Complex>, ldb: Int
  ) -> Int32 {
    RealType.complexGESV(n: n, nrhs: nrhs, a: a, lda: lda, pivots: pivots, b: b, ldb: ldb)
  }
}

/// The real types whose complex numbers BLAS supports (`Float` → `c`, `Double` → `z`).
///
/// `Complex<T>` stores its real part then its imaginary part, which is the layout BLAS and
/// LAPACKE expect, so buffers are passed by pointer rebinding with no copy.
public protocol ComplexBLASRealType: Real & BinaryFloatingPoint & Sendable {
  /// Complex `?gemm` (`cgemm` or `zgemm`), row-major.
  static func complexGEMM(
    _ transA: MatrixTranspose, _ transB: MatrixTranspose, m: Int, n: Int, k: Int,
    alpha: Complex<Self>, a: UnsafePointer<Complex<Self>>, lda: Int,
    b: UnsafePointer<Complex<Self>>, ldb: Int, beta: Complex<Self>,
    c: UnsafeMutablePointer<Complex<Self>>, ldc: Int)
  /// Complex `?gemv` (`cgemv` or `zgemv`), row-major.
  static func complexGEMV(
    _ trans: MatrixTranspose, m: Int, n: Int, alpha: Complex<Self>,
    a: UnsafePointer<Complex<Self>>, lda: Int, x: UnsafePointer<Complex<Self>>, incx: Int,
    beta: Complex<Self>, y: UnsafeMutablePointer<Complex<Self>>, incy: Int)
  /// Complex `?gesv` (`cgesv` or `zgesv`), row-major; returns `info`.
  static func complexGESV(
    n: Int, nrhs: Int, a: UnsafeMutablePointer<Complex<Self>>, lda: Int,
    pivots: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Complex<Self>>, ldb: Int
  ) -> Int32
}

extension Float: ComplexBLASRealType {
  public static func complexGEMM(
    _ transA: MatrixTranspose, _ transB: MatrixTranspose, m: Int, n: Int, k: Int,
    alpha: Complex<Float>, a: UnsafePointer<Complex<Float>>, lda: Int,
    b: UnsafePointer<Complex<Float>>, ldb: Int, beta: Complex<Float>,
    c: UnsafeMutablePointer<Complex<Float>>, ldc: Int
  ) {
    withUnsafePointer(to: alpha) { alpha in
      withUnsafePointer(to: beta) { beta in
        cblas_cgemm(
          CblasRowMajor, transA.cblas, transB.cblas, blasInt(m), blasInt(n), blasInt(k), alpha,
          a, blasInt(lda), b, blasInt(ldb), beta, c, blasInt(ldc))
      }
    }
  }

  public static func complexGEMV(
    _ trans: MatrixTranspose, m: Int, n: Int, alpha: Complex<Float>,
    a: UnsafePointer<Complex<Float>>, lda: Int, x: UnsafePointer<Complex<Float>>, incx: Int,
    beta: Complex<Float>, y: UnsafeMutablePointer<Complex<Float>>, incy: Int
  ) {
    withUnsafePointer(to: alpha) { alpha in
      withUnsafePointer(to: beta) { beta in
        cblas_cgemv(
          CblasRowMajor, trans.cblas, blasInt(m), blasInt(n), alpha, a, blasInt(lda), x,
          blasInt(incx), beta, y, blasInt(incy))
      }
    }
  }

  public static func complexGESV(
    n: Int, nrhs: Int, a: UnsafeMutablePointer<Complex<Float>>, lda: Int,
    pivots: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Complex<Float>>, ldb: Int
  ) -> Int32 {
    a.withMemoryRebound(to: s4_lapack_complex_float.self, capacity: n * lda) { a in
      b.withMemoryRebound(to: s4_lapack_complex_float.self, capacity: n * ldb) { b in
        LAPACKE_cgesv(
          LAPACK_ROW_MAJOR, Int32(n), Int32(nrhs), a, Int32(lda), pivots, b, Int32(ldb))
      }
    }
  }
}

extension Double: ComplexBLASRealType {
  public static func complexGEMM(
    _ transA: MatrixTranspose, _ transB: MatrixTranspose, m: Int, n: Int, k: Int,
    alpha: Complex<Double>, a: UnsafePointer<Complex<Double>>, lda: Int,
    b: UnsafePointer<Complex<Double>>, ldb: Int, beta: Complex<Double>,
    c: UnsafeMutablePointer<Complex<Double>>, ldc: Int
  ) {
    withUnsafePointer(to: alpha) { alpha in
      withUnsafePointer(to: beta) { beta in
        cblas_zgemm(
          CblasRowMajor, transA.cblas, transB.cblas, blasInt(m), blasInt(n), blasInt(k), alpha,
          a, blasInt(lda), b, blasInt(ldb), beta, c, blasInt(ldc))
      }
    }
  }

  public static func complexGEMV(
    _ trans: MatrixTranspose, m: Int, n: Int, alpha: Complex<Double>,
    a: UnsafePointer<Complex<Double>>, lda: Int, x: UnsafePointer<Complex<Double>>, incx: Int,
    beta: Complex<Double>, y: UnsafeMutablePointer<Complex<Double>>, incy: Int
  ) {
    withUnsafePointer(to: alpha) { alpha in
      withUnsafePointer(to: beta) { beta in
        cblas_zgemv(
          CblasRowMajor, trans.cblas, blasInt(m), blasInt(n), alpha, a, blasInt(lda), x,
          blasInt(incx), beta, y, blasInt(incy))
      }
    }
  }

  public static func complexGESV(
    n: Int, nrhs: Int, a: UnsafeMutablePointer<Complex<Double>>, lda: Int,
    pivots: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Complex<Double>>, ldb: Int
  ) -> Int32 {
    a.withMemoryRebound(to: s4_lapack_complex_double.self, capacity: n * lda) { a in
      b.withMemoryRebound(to: s4_lapack_complex_double.self, capacity: n * ldb) { b in
        LAPACKE_zgesv(
          LAPACK_ROW_MAJOR, Int32(n), Int32(nrhs), a, Int32(lda), pivots, b, Int32(ldb))
      }
    }
  }
}

/// Narrows a validated dimension to BLAS's 32-bit integer.
@inline(__always)
func blasInt(_ value: Int) -> Int32 {
  precondition(value >= 0 && value <= Int(Int32.max), "BLAS dimension \(value) is out of range")
  return Int32(value)
}
