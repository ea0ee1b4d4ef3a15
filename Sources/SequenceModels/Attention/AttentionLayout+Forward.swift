import RealModule
import StateSpace
import Training

// Forward pass of multi-head attention by query tiles (Vaswani et al. 2017, eq. 1, with the
// memory schedule of FlashAttention, Dao et al. 2022): for a tile of T queries of one head,
//   S = Q_T·Kᵀ/√d            one GEMM, T × n (n = L, or the keys before the tile's end
//                            with the causal mask: later key tiles are skipped)
//   P = exp(S − rowmax S)     stable softmax numerators, masked entries 0
//   O_T = diag(1/rowsum P)·P·V   one GEMM, then a T × d rescaling (cheaper than T × n)
// and per query the log-sum-exp lse = rowmax + log rowsum, the only softmax statistic the
// backward pass needs to rebuild P = exp(S − lse) tile by tile. The working memory is one
// T × L score tile per core; the L × L matrix of a head never exists. Tiles do not depend on
// each other, so the cores share (sequence, head, tile) items rather than whole heads.

extension AttentionLayout {
  /// Computes the attention output of every head and, if requested, each query's
  /// log-sum-exp.
  ///
  /// - Parameters:
  ///   - packed: (B, L, 3H) projections [Q | K | V].
  ///   - output: (B, L, H), overwritten.
  ///   - logSumExp: (B·heads, L), overwritten, or `nil` for inference.
  ///   - dropout: The weight dropout, or `nil`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func forward<Scalar: DifferentiableScalar>(
    packed: UnsafePointer<Scalar>, output: UnsafeMutablePointer<Scalar>,
    logSumExp: UnsafeMutablePointer<Scalar>?, dropout: AttentionDropout?
  ) {
    let scale = scale(as: Scalar.self)
    forEachTileRange { claim in
      let scores = UnsafeMutablePointer<Scalar>.allocate(capacity: tileSize * length)
      let reciprocalSums = UnsafeMutablePointer<Scalar>.allocate(capacity: tileSize)
      let mask = dropout.map { _ in UnsafeMutablePointer<Scalar>.allocate(capacity: length) }
      defer {
        scores.deallocate()
        reciprocalSums.deallocate()
        mask?.deallocate()
      }
      while let items = claim() {
        for item in items {
          let (unit, tileStart) = tile(item: item)
          let queries = packed + packedOffset(unit: unit)
          let keys = queries + width
          let values = queries + 2 * width
          let unitOutput = output + outputOffset(unit: unit)
          let rows = Swift.min(tileSize, length - tileStart)
          let keyCount = keyCount(tileEnd: tileStart + rows)
          Scalar.gemm(
            .none, .transpose, m: rows, n: keyCount, k: headSize, alpha: scale,
            a: queries + tileStart * packedWidth, lda: packedWidth, b: keys, ldb: packedWidth,
            beta: 0, c: scores, ldc: keyCount)
          for r in 0..<rows {
            let query = tileStart + r
            let visible = visibleKeys(row: query)
            let row = scores + r * keyCount
            let (maximum, sum) = softmaxNumerators(row, visible: visible, count: keyCount)
            reciprocalSums[r] = 1 / sum
            logSumExp?[unit * length + query] = maximum + Scalar.log(sum)
            if let dropout, let mask {
              dropout.fill(unit: unit, row: query, length: length, count: visible, into: mask)
              multiply(row, by: mask, count: visible)
            }
          }
          let tileOutput = unitOutput + tileStart * width
          Scalar.gemm(
            .none, .none, m: rows, n: headSize, k: keyCount, alpha: 1, a: scores, lda: keyCount,
            b: values, ldb: packedWidth, beta: 0, c: tileOutput, ldc: width)
          for r in 0..<rows {
            rescale(tileOutput + r * width, by: reciprocalSums[r], count: headSize)
          }
        }
      }
    }
  }
}
