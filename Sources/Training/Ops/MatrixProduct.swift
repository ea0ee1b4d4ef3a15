import StateSpace

// Matrix products on OpenBLAS. With C = op(A)·op(B) and the output gradient G, the pullback is
// two more GEMMs (op = identity or transpose):
//   C = A·B:    ∂A = G·Bᵀ,   ∂B = Aᵀ·G
//   C = A·Bᵀ:   ∂A = G·B,    ∂B = Gᵀ·A
//   C = Aᵀ·B:   ∂A = B·Gᵀ,   ∂B = A·G
//   C = Aᵀ·Bᵀ:  ∂A = Bᵀ·Gᵀ,  ∂B = Gᵀ·Aᵀ
// A batch of matrices times one shared matrix folds the batch into the rows of A, so ∂B is one
// GEMM over all rows rather than a sum of per-batch products.

extension Variable {
  /// The matrix product `op(self)·op(other)` on OpenBLAS, with a two-GEMM pullback.
  ///
  /// Supported shapes (as `Tensor.matmul`):
  /// - (m, k) × (k, n) → (m, n);
  /// - (…, m, k) × (k, n) → (…, m, n): one shared right matrix for a whole batch (`self` not
  ///   transposed), for example (B, L, H) × (H, H′);
  /// - (…, m, k) × (…, k, n) → (…, m, n): batches with equal leading axes, for example
  ///   attention scores (B, L, d) × (B, L, d)ᵀ.
  ///
  /// - Parameters:
  ///   - other: The right operand.
  ///   - transposeSelf: Whether `self` enters transposed (its last two axes swapped).
  ///   - transposeOther: Whether `other` enters transposed.
  /// - Returns: The product.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func matmul(
    _ other: Variable, transposeSelf: MatrixTranspose = .none,
    transposeOther: MatrixTranspose = .none
  ) -> Variable {
    let (a, b) = (value, other.value)
    let (tA, tB) = (transposeSelf != .none, transposeOther != .none)
    let product = a.matmul(
      b, transposeSelf: tA ? .transpose : .none, transposeOther: tB ? .transpose : .none)
    let (needsA, needsB) = (requiresGradient, other.requiresGradient)
    let folded = a.rank > 2 && b.rank == 2
    return Variable.record(product, inputs: [self, other]) { g in
      if folded {
        // op(A) = A here (a transposed batch cannot share B; `Tensor.matmul` checks).
        let k = a.shape[a.rank - 1]
        let rows = a.scalarCount / Swift.max(k, 1)
        let gRows = g.reshaped(to: [rows, g.shape[g.rank - 1]])
        let aRows = a.reshaped(to: [rows, k])
        return [
          needsA ? g.matmul(b, transposeOther: tB ? .none : .transpose) : nil,
          needsB
            ? (tB
              ? gRows.matmul(aRows, transposeSelf: .transpose)
              : aRows.matmul(gRows, transposeSelf: .transpose)) : nil,
        ]
      }
      switch (tA, tB) {
      case (false, false):
        return [
          needsA ? g.matmul(b, transposeOther: .transpose) : nil,
          needsB ? a.matmul(g, transposeSelf: .transpose) : nil,
        ]
      case (false, true):
        return [
          needsA ? g.matmul(b) : nil,
          needsB ? g.matmul(a, transposeSelf: .transpose) : nil,
        ]
      case (true, false):
        return [
          needsA ? b.matmul(g, transposeOther: .transpose) : nil,
          needsB ? a.matmul(g) : nil,
        ]
      case (true, true):
        return [
          needsA ? b.matmul(g, transposeSelf: .transpose, transposeOther: .transpose) : nil,
          needsB ? g.matmul(a, transposeSelf: .transpose, transposeOther: .transpose) : nil,
        ]
      }
    }
  }

  /// The affine map `x·W + b` over the last axis, as one GEMM onto rows pre-filled with the
  /// bias: (…, in) → (…, out). A single row (a generation step at batch 1) takes a
  /// matrix–vector product instead: OpenBLAS's GEMM would pack all of W for it.
  ///
  /// Pullback, with x and G folded to rows: ∂x = G·Wᵀ, ∂W = xᵀ·G, ∂b = Σ_rows G.
  ///
  /// - Parameters:
  ///   - weight: W, shape (in, out).
  ///   - bias: b, shape (out), or `nil` for none.
  /// - Returns: Shape (…, out).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func linear(weight: Variable, bias: Variable? = nil) -> Variable {
    let (x, w) = (value, weight.value)
    let output = x.linear(weight: w, bias: bias?.value)
    let (needsX, needsW) = (requiresGradient, weight.requiresGradient)
    let needsBias = bias?.requiresGradient ?? false
    let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
    return Variable.record(output, inputs: inputs) { g in
      let (fanIn, fanOut) = (w.shape[0], w.shape[1])
      let rows = x.scalarCount / Swift.max(fanIn, 1)
      let gRows = g.reshaped(to: [rows, fanOut])
      var gradients: [Tensor<Scalar>?] = [
        needsX ? g.matmul(w, transposeOther: .transpose) : nil,
        needsW ? x.reshaped(to: [rows, fanIn]).matmul(gRows, transposeSelf: .transpose) : nil,
      ]
      if inputs.count == 3 { gradients.append(needsBias ? gRows.summed(toShape: [fanOut]) : nil) }
      return gradients
    }
  }
}

extension Tensor where Scalar: DifferentiableScalar {
  /// The affine map `x·W + b` over the last axis, as one GEMM onto rows pre-filled with the
  /// bias: (…, in) → (…, out). A single row (a generation step at batch 1) takes a
  /// matrix–vector product instead: OpenBLAS's GEMM would pack all of W for it.
  ///
  /// - Parameters:
  ///   - weight: W, shape (in, out).
  ///   - bias: b, shape (out), or `nil` for none.
  /// - Returns: Shape (…, out).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func linear(weight: Tensor, bias: Tensor? = nil) -> Tensor {
    precondition(
      rank >= 1 && weight.rank == 2 && shape[rank - 1] == weight.shape[0],
      "linear: input \(shape) does not match weight \(weight.shape) (in, out)")
    let (fanIn, fanOut) = (weight.shape[0], weight.shape[1])
    if let bias {
      precondition(
        bias.shape == [fanOut],
        "linear: bias \(bias.shape) does not match weight \(weight.shape) (in, out)")
    }
    let rows = scalarCount / Swift.max(fanIn, 1)
    let resultShape = Array(shape.dropLast()) + [fanOut]
    return Tensor(shape: resultShape, unsafeUninitializedScalars: { out in
      guard let c = out.baseAddress, rows > 0, fanOut > 0 else { return }
      if let bias {
        bias.withUnsafeBufferPointer { b in
          for row in 0..<rows { (c + row * fanOut).initialize(from: b.baseAddress!, count: fanOut) }
        }
      } else {
        c.initialize(repeating: 0, count: out.count)
      }
      guard fanIn > 0 else { return }
      withUnsafeBufferPointer { x in
        weight.withUnsafeBufferPointer { w in
          Scalar.rowsTimesMatrix(
            rows: rows, n: fanOut, k: fanIn, a: x.baseAddress!, lda: fanIn, b: w.baseAddress!, ldb: fanOut,
            beta: bias == nil ? 0 : 1, c: c, ldc: fanOut)
        }
      }
    })
  }
}
