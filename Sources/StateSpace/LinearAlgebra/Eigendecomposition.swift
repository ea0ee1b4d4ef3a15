import CLinearAlgebra
import ComplexModule
import RealModule

/// Eigendecompositions on LAPACKE, in Float64.
public enum Eigendecomposition {
  /// The eigendecomposition `A = V·diag(λ)·Vᴴ` of a Hermitian matrix (LAPACK `zheevd`).
  ///
  /// Only the lower triangle of `matrix` is read, as LAPACK does: the strict upper triangle and
  /// the imaginary part of the diagonal are ignored.
  ///
  /// - Parameter matrix: An n×n complex matrix.
  /// - Returns: The eigenvalues in ascending order and the unit-norm eigenvectors as the columns
  ///   of an n×n matrix. Each column's phase is whatever LAPACK chose.
  /// - Throws: ``LinearAlgebraError/eigendecompositionDidNotConverge(routine:count:)``.
  public static func hermitian(_ matrix: Tensor<Complex<Double>>) throws -> (
    eigenvalues: [Double], eigenvectors: Tensor<Complex<Double>>
  ) {
    let n = try squareSize(of: matrix, routine: "LAPACKE_zheevd")
    var vectors = matrix
    var values = [Double](repeating: 0, count: n)
    guard n > 0 else { return (values, vectors) }
    let info = vectors.withUnsafeMutableBufferPointer { a in
      a.withMemoryRebound(to: s4_lapack_complex_double.self) { a in
        LAPACKE_zheevd(
          LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "L")), Int32(n),
          a.baseAddress, Int32(n), &values)
      }
    }
    checkLAPACKArguments(info, routine: "LAPACKE_zheevd")
    if info > 0 {
      throw LinearAlgebraError.eigendecompositionDidNotConverge(
        routine: "LAPACKE_zheevd", count: Int(info))
    }
    return (values, vectors)
  }

  /// The eigendecomposition `A·V = V·diag(λ)` of a general complex matrix (LAPACK `zgeev`).
  ///
  /// - Parameter matrix: An n×n complex matrix.
  /// - Returns: The eigenvalues in LAPACK's order and the right eigenvectors (unit Euclidean
  ///   norm, largest component real) as the columns of an n×n matrix.
  /// - Throws: ``LinearAlgebraError/eigendecompositionDidNotConverge(routine:count:)``.
  public static func general(_ matrix: Tensor<Complex<Double>>) throws -> (
    eigenvalues: [Complex<Double>], eigenvectors: Tensor<Complex<Double>>
  ) {
    let n = try squareSize(of: matrix, routine: "LAPACKE_zgeev")
    var a = matrix
    var values = [Complex<Double>](repeating: .zero, count: n)
    var vectors = Tensor<Complex<Double>>(shape: [n, n], repeating: .zero)
    guard n > 0 else { return (values, vectors) }
    var unusedLeft = [Complex<Double>](repeating: .zero, count: 1)
    let info = a.withUnsafeMutableBufferPointer { a in
      vectors.withUnsafeMutableBufferPointer { v in
        values.withUnsafeMutableBufferPointer { w in
          unusedLeft.withUnsafeMutableBufferPointer { vl in
            a.withMemoryRebound(to: s4_lapack_complex_double.self) { a in
              v.withMemoryRebound(to: s4_lapack_complex_double.self) { v in
                w.withMemoryRebound(to: s4_lapack_complex_double.self) { w in
                  vl.withMemoryRebound(to: s4_lapack_complex_double.self) { vl in
                    LAPACKE_zgeev(
                      LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: "V")),
                      Int32(n), a.baseAddress, Int32(n), w.baseAddress, vl.baseAddress, 1,
                      v.baseAddress, Int32(n))
                  }
                }
              }
            }
          }
        }
      }
    }
    checkLAPACKArguments(info, routine: "LAPACKE_zgeev")
    if info > 0 {
      throw LinearAlgebraError.eigendecompositionDidNotConverge(
        routine: "LAPACKE_zgeev", count: Int(info))
    }
    return (values, vectors)
  }

  private static func squareSize(of matrix: Tensor<Complex<Double>>, routine: String) throws -> Int
  {
    precondition(
      matrix.rank == 2 && matrix.shape[0] == matrix.shape[1],
      "\(routine): the matrix must be square, got shape \(matrix.shape)")
    return matrix.shape[0]
  }
}
