import StateSpace
import Training

// Backward pass of attention by query tiles (FlashAttention-2, Dao 2023, Algorithm 2, with
// whole key rows per tile). With the scaled scores S = Q·Kᵀ/√d, weights P = exp(S − lse),
// dropped weights P̃ = P∘M and O = P̃·V, the output gradient dO gives, for each tile of T
// queries of one head:
//   S, P         recomputed from Q_T, K and the stored lse      (GEMM, T × n)
//   dP̃ = dO_T·Vᵀ                                                (GEMM, T × n)
//   dS = P∘(M∘dP̃ − D),  D = rowsum(dO∘O)                       (softmax Jacobian)
//   dV += P̃ᵀ·dO_T,  dK += dSᵀ·Q_T/√d                            (GEMMs, n × d, accumulated)
//   dQ_T = dS·K/√d                                               (GEMM, T × d, per tile)
// D replaces the row sums of P∘dP̃, so nothing but O and lse is kept from the forward pass.
// Accumulating dK and dV over tiles is why units, not tiles, are split between cores.

extension AttentionLayout {
  /// The gradient of the packed projections from the output gradient.
  ///
  /// - Parameters:
  ///   - packed: (B, L, 3H) projections [Q | K | V] of the forward pass.
  ///   - output: (B, L, H), the forward output O.
  ///   - outputGradient: (B, L, H), dO.
  ///   - logSumExp: (B·heads, L), from the forward pass.
  ///   - dropout: The forward pass's weight dropout, or `nil`.
  ///   - packedGradient: (B, L, 3H), overwritten with [dQ | dK | dV].
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func backward<Scalar: DifferentiableScalar>(
    packed: UnsafePointer<Scalar>, output: UnsafePointer<Scalar>,
    outputGradient: UnsafePointer<Scalar>, logSumExp: UnsafePointer<Scalar>,
    dropout: AttentionDropout?, packedGradient: UnsafeMutablePointer<Scalar>
  ) {
    let scale = scale(as: Scalar.self)
    forEachUnitRange { claim in
      let weights = UnsafeMutablePointer<Scalar>.allocate(capacity: tileSize * length)
      let gradients = UnsafeMutablePointer<Scalar>.allocate(capacity: tileSize * length)
      let mask = dropout.map { _ in UnsafeMutablePointer<Scalar>.allocate(capacity: length) }
      defer {
        weights.deallocate()
        gradients.deallocate()
        mask?.deallocate()
      }
      while let units = claim() {
        for unit in units {
          let queries = packed + packedOffset(unit: unit)
          let keys = queries + width
          let values = queries + 2 * width
          let queryGradient = packedGradient + packedOffset(unit: unit)
          let keyGradient = queryGradient + width
          let valueGradient = queryGradient + 2 * width
          let unitOutput = output + outputOffset(unit: unit)
          let unitOutputGradient = outputGradient + outputOffset(unit: unit)
          for position in 0..<length {
            (keyGradient + position * packedWidth).update(repeating: 0, count: headSize)
            (valueGradient + position * packedWidth).update(repeating: 0, count: headSize)
          }
          for tileStart in stride(from: 0, to: length, by: tileSize) {
            let rows = Swift.min(tileSize, length - tileStart)
            let keyCount = keyCount(tileEnd: tileStart + rows)
            let tileQueries = queries + tileStart * packedWidth
            let tileOutputGradient = unitOutputGradient + tileStart * width
            Scalar.gemm(
              .none, .transpose, m: rows, n: keyCount, k: headSize, alpha: scale, a: tileQueries,
              lda: packedWidth, b: keys, ldb: packedWidth, beta: 0, c: weights, ldc: keyCount)
            Scalar.gemm(
              .none, .transpose, m: rows, n: keyCount, k: headSize, alpha: 1,
              a: tileOutputGradient, lda: width, b: values, ldb: packedWidth, beta: 0,
              c: gradients, ldc: keyCount)
            for r in 0..<rows {
              let query = tileStart + r
              let visible = visibleKeys(row: query)
              if let dropout, let mask {
                dropout.fill(unit: unit, row: query, length: length, count: visible, into: mask)
              }
              weightsAndScoreGradients(
                weights: weights + r * keyCount, gradients: gradients + r * keyCount,
                mask: mask.map { UnsafePointer($0) }, visible: visible, count: keyCount,
                logSumExp: logSumExp[unit * length + query],
                outputDotGradient: dot(
                  tileOutputGradient + r * width, unitOutput + query * width, count: headSize))
            }
            Scalar.gemm(
              .transpose, .none, m: keyCount, n: headSize, k: rows, alpha: 1, a: weights,
              lda: keyCount, b: tileOutputGradient, ldb: width, beta: 1, c: valueGradient,
              ldc: packedWidth)
            Scalar.gemm(
              .none, .none, m: rows, n: headSize, k: keyCount, alpha: scale, a: gradients,
              lda: keyCount, b: keys, ldb: packedWidth, beta: 0,
              c: queryGradient + tileStart * packedWidth, ldc: packedWidth)
            Scalar.gemm(
              .transpose, .none, m: keyCount, n: headSize, k: rows, alpha: scale, a: gradients,
              lda: keyCount, b: tileQueries, ldb: packedWidth, beta: 1, c: keyGradient,
              ldc: packedWidth)
          }
        }
      }
    }
  }
}
