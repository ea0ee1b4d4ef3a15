/// A LAPACK routine could not complete for numerical reasons (LAPACK `info > 0`).
///
/// Invalid arguments (`info < 0`) are programmer errors and stop the program with a message that
/// names the routine and the argument instead.
public enum LinearAlgebraError: Error, Equatable, Sendable {
  /// The matrix of a linear solve is exactly singular: the LU factor `U[pivot, pivot]` is zero
  /// (one-based, as LAPACK reports it).
  case singularMatrix(routine: String, pivot: Int)
  /// An eigenvalue algorithm did not converge; `count` is LAPACK's count of failures.
  case eigendecompositionDidNotConverge(routine: String, count: Int)
}

/// Stops with a message naming the LAPACKE routine when `info` reports an invalid argument or a
/// failed workspace allocation. Positive `info` is left to the caller, which throws.
func checkLAPACKArguments(_ info: Int32, routine: String) {
  switch info {
  case -1010, -1011:
    preconditionFailure("\(routine): LAPACKE could not allocate its workspace (info \(info))")
  case ..<0:
    preconditionFailure("\(routine): argument \(-info) is invalid (LAPACK info \(info))")
  default:
    break
  }
}
