extension Tensor where Scalar: LinearAlgebraScalar {
  /// The solution X of `self·X = rhs` by LU factorisation with partial pivoting (LAPACK `?gesv`).
  ///
  /// - Parameter rhs: An n-vector or an n×k matrix of right-hand sides.
  /// - Returns: X, with the shape of `rhs`.
  /// - Throws: ``LinearAlgebraError/singularMatrix(routine:pivot:)`` when `self` is singular.
  /// - Precondition: `self` is n×n and `rhs` has n rows.
  public func solve(_ rhs: Tensor) throws -> Tensor {
    precondition(
      rank == 2 && shape[0] == shape[1],
      "solve: the matrix must be square, got shape \(shape)")
    let n = shape[0]
    precondition(
      (rhs.rank == 1 || rhs.rank == 2) && rhs.shape[0] == n,
      "solve: right-hand side of shape \(rhs.shape) does not match matrix of shape \(shape)")
    let columns = rhs.rank == 1 ? 1 : rhs.shape[1]
    var factors = self
    var solution = rhs
    guard n > 0 && columns > 0 else { return solution }
    var pivots = [Int32](repeating: 0, count: n)
    let info = factors.withUnsafeMutableBufferPointer { a in
      solution.withUnsafeMutableBufferPointer { b in
        Scalar.gesv(
          n: n, nrhs: columns, a: a.baseAddress!, lda: n, pivots: &pivots, b: b.baseAddress!,
          ldb: columns)
      }
    }
    let routine = "LAPACKE_?gesv(\(Scalar.self))"
    checkLAPACKArguments(info, routine: routine)
    if info > 0 { throw LinearAlgebraError.singularMatrix(routine: routine, pivot: Int(info)) }
    return solution
  }
}
