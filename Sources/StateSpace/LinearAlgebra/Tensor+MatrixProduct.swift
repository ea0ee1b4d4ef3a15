/// Matrix products on OpenBLAS.
///
/// Shapes: a rank-2 tensor is an m×n matrix; a tensor of rank ≥ 3 is a batch of matrices over
/// its leading axes.
extension Tensor where Scalar: LinearAlgebraScalar {
  /// The matrix product `op(self)·op(other)`.
  ///
  /// Supported shapes:
  /// - rank 2 × rank 2: one GEMM;
  /// - rank ≥ 3 × rank 2 (the right matrix shared by the whole batch, `self` not transposed):
  ///   the leading axes of `self` are folded into its rows, so it is still one GEMM;
  /// - rank r × rank r with equal leading axes (r ≥ 3): one GEMM per batch element.
  ///
  /// - Parameters:
  ///   - other: The right operand.
  ///   - transposeSelf: How `self` enters the product.
  ///   - transposeOther: How `other` enters the product.
  /// - Returns: The product, with the batch axes of the operands.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func matmul(
    _ other: Tensor, transposeSelf: MatrixTranspose = .none,
    transposeOther: MatrixTranspose = .none
  ) -> Tensor {
    precondition(
      rank >= 2 && other.rank >= 2,
      "matmul: operands must have rank ≥ 2, got \(shape) and \(other.shape)")
    if other.rank == 2 && (rank == 2 || transposeSelf == .none) {
      // Fold the batch axes of `self` into its rows.
      let k = shape[rank - 1]
      let rows = scalarCount / Swift.max(k, 1)
      let (m, kA) = transposeSelf == .none ? (rows, k) : (shape[1], shape[0])
      let (kB, n) =
        transposeOther == .none ? (other.shape[0], other.shape[1]) : (other.shape[1], other.shape[0])
      precondition(
        kA == kB,
        "matmul: inner dimensions differ: \(shape)\(transposeSelf.suffix) · \(other.shape)\(transposeOther.suffix)"
      )
      let resultShape = transposeSelf == .none ? shape.dropLast() + [n] : [m, n]
      var result = Tensor.uninitializedProduct(shape: resultShape, innerDimension: kA)
      Tensor.gemm(
        transposeSelf, transposeOther, m: m, n: n, k: kA, a: self, aOffset: 0, lda: shape[rank - 1],
        b: other, bOffset: 0, ldb: other.shape[1], into: &result, cOffset: 0)
      return result
    }
    precondition(
      rank == other.rank && shape.dropLast(2) == other.shape.dropLast(2),
      "matmul: batch axes differ: \(shape) · \(other.shape)")
    let batchShape = Array(shape.dropLast(2))
    let batch = Tensor.scalarCount(of: batchShape)
    let (r0, c0) = (shape[rank - 2], shape[rank - 1])
    let (r1, c1) = (other.shape[rank - 2], other.shape[rank - 1])
    let (m, kA) = transposeSelf == .none ? (r0, c0) : (c0, r0)
    let (kB, n) = transposeOther == .none ? (r1, c1) : (c1, r1)
    precondition(
      kA == kB,
      "matmul: inner dimensions differ: \(shape)\(transposeSelf.suffix) · \(other.shape)\(transposeOther.suffix)"
    )
    var result = Tensor.uninitializedProduct(shape: batchShape + [m, n], innerDimension: kA)
    for index in 0..<batch {
      Tensor.gemm(
        transposeSelf, transposeOther, m: m, n: n, k: kA, a: self, aOffset: index * r0 * c0,
        lda: c0, b: other, bOffset: index * r1 * c1, ldb: c1, into: &result,
        cOffset: index * m * n)
    }
    return result
  }

  /// Storage for a GEMM result. GEMM with β = 0 writes every entry without reading it, so the
  /// zero fill is skipped, except for an empty inner dimension where GEMM is not called at all.
  private static func uninitializedProduct(shape: [Int], innerDimension: Int) -> Tensor {
    if innerDimension == 0 { return Tensor(shape: shape, repeating: .zero) }
    return Tensor(shape: shape, unsafeUninitializedScalars: { _ in })
  }

  private static func gemm(
    _ transA: MatrixTranspose, _ transB: MatrixTranspose, m: Int, n: Int, k: Int,
    a: Tensor, aOffset: Int, lda: Int, b: Tensor, bOffset: Int, ldb: Int,
    into c: inout Tensor, cOffset: Int
  ) {
    guard m > 0 && n > 0 && k > 0 else { return }
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        c.withUnsafeMutableBufferPointer { c in
          Scalar.gemm(
            transA, transB, m: m, n: n, k: k, alpha: .one, a: a.baseAddress! + aOffset,
            lda: Swift.max(lda, 1), b: b.baseAddress! + bOffset, ldb: Swift.max(ldb, 1),
            beta: .zero, c: c.baseAddress! + cOffset, ldc: Swift.max(n, 1))
        }
      }
    }
  }
}

extension MatrixTranspose {
  fileprivate var suffix: String {
    switch self {
    case .none: ""
    case .transpose: "ᵀ"
    case .conjugateTranspose: "ᴴ"
    }
  }
}
