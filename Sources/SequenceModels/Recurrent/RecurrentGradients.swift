import StateSpace
import Training

// The GEMMs around the LSTM and GRU time loops, per chunk of time steps (RecurrentPipeline
// overlaps them with the loop). Forward, the input projection a = x·W_ih + b of the rows of the
// chunk. Backward, with the pre-activation gradients of every step stacked as D (B, L, G)
// (G = 4H′ or 3H′; the GRU's recurrent side D_hh differs from its input side D in the n
// columns) and the rows of a chunk T:
//
//   (1) ∂x[T] = D[T]·W_ihᵀ,   ∂W_ih += x[T]ᵀ·D[T],   ∂b += Σ_{rows of T} D
//
// and, since the recurrent product h_{t−1}·W_hh at t ≥ 1 takes h_{t−1} from output row t − 1
// (h₋₁ = 0 contributes nothing),
//
//   (2) ∂W_hh += Σ_b Y[b, T − 1]ᵀ · D_hh[b, T]   over the steps of T from t = 1,
//
// one GEMM per sequence b over the chunk's contiguous rows.

/// A tensor whose scalars the caller writes before reading any (only for trivial scalars).
func uninitializedTensor<Scalar: DifferentiableScalar>(shape: [Int]) -> Tensor<Scalar> {
  Tensor(shape: shape, unsafeUninitializedScalars: { _ in })
}

/// The input projection of the steps `steps` of every sequence: rows (b, t) of `gates`
/// (B, L, G) = x (B, L, H) · W_ih (H, G) + b.
@inline(__always)
func projectInput<Scalar: DifferentiableScalar>(
  _ input: UnsafePointer<Scalar>, weight: UnsafePointer<Scalar>, bias: UnsafePointer<Scalar>?,
  into gates: UnsafeMutablePointer<Scalar>, batch: Int, length: Int, width: Int, gateWidth: Int,
  steps: Range<Int>
) {
  // The rows of all sequences are contiguous when the steps span the whole length (the step
  // mode, L = 1, in particular): one GEMM of B·L rows instead of B thin ones that each stream W_ih.
  let (sequences, rows) = steps.count == length ? (1, batch * length) : (batch, steps.count)
  for b in 0..<sequences {
    let first = b * length + steps.lowerBound
    if let bias {
      for row in 0..<rows { (gates + (first + row) * gateWidth).update(from: bias, count: gateWidth) }
    }
    Scalar.rowsTimesMatrix(
      rows: rows, n: gateWidth, k: width, a: input + first * width, lda: width, b: weight, ldb: gateWidth,
      beta: bias == nil ? 0 : 1, c: gates + first * gateWidth, ldc: gateWidth)
  }
}

/// What equations (1) and (2) read and write for one backward pass. The weight and bias
/// gradients have two copies (RecurrentPipeline's accumulators, for the even and the odd
/// chunks), each (·) scalars apart; a `nil` output is not computed.
struct ChunkGradients<Scalar: DifferentiableScalar> {
  /// B, L, H, H′ and G.
  let batch: Int, length: Int, width: Int, hidden: Int, gateWidth: Int
  /// x (B, L, H), W_ih (H, G), Y (B, L, H′).
  let input: UnsafePointer<Scalar>, inputWeight: UnsafePointer<Scalar>
  let output: UnsafePointer<Scalar>
  /// D and D_hh, (B, L, G) each (the same for the LSTM).
  let inputSide: UnsafePointer<Scalar>, recurrentSide: UnsafePointer<Scalar>
  /// At least the longest chunk of ones.
  let ones: UnsafePointer<Scalar>
  /// ∂x (B, L, H).
  let inputGradient: UnsafeMutablePointer<Scalar>?
  /// 2 × ∂W_ih (H, G), 2 × ∂W_hh (H′, G).
  let inputWeightGradient: UnsafeMutablePointer<Scalar>?
  let recurrentWeightGradient: UnsafeMutablePointer<Scalar>?
  /// 2 × the column sums of D and of D_hh, (G) each.
  let inputSideSums: UnsafeMutablePointer<Scalar>?
  let recurrentSideSums: UnsafeMutablePointer<Scalar>?

  /// Equations (1) and (2) for the steps `steps`, into copy `copy` (0 or 1).
  @inline(__always)
  func accumulate(steps: Range<Int>, copy: Int) {
    let (g, count) = (gateWidth, steps.count)
    for b in 0..<batch {
      let first = b * length + steps.lowerBound
      let d = inputSide + first * g
      if let inputGradient {
        Scalar.gemm(
          .none, .transpose, m: count, n: width, k: g, alpha: 1, a: d, lda: g, b: inputWeight,
          ldb: g, beta: 0, c: inputGradient + first * width, ldc: width)
      }
      if let inputWeightGradient {
        Scalar.gemm(
          .transpose, .none, m: width, n: g, k: count, alpha: 1, a: input + first * width,
          lda: width, b: d, ldb: g, beta: 1, c: inputWeightGradient + copy * width * g, ldc: g)
      }
      if let inputSideSums {
        Scalar.gemm(
          .none, .none, m: 1, n: g, k: count, alpha: 1, a: ones, lda: count, b: d, ldb: g,
          beta: 1, c: inputSideSums + copy * g, ldc: g)
      }
      if let recurrentSideSums {
        Scalar.gemm(
          .none, .none, m: 1, n: g, k: count, alpha: 1, a: ones, lda: count,
          b: recurrentSide + first * g, ldb: g, beta: 1, c: recurrentSideSums + copy * g, ldc: g)
      }
      // Equation (2) from t = max(1, start): rows t − 1 of Y against rows t of D_hh.
      let start = max(1, steps.lowerBound)
      if let recurrentWeightGradient, start < steps.upperBound {
        let row = b * length + start
        Scalar.gemm(
          .transpose, .none, m: hidden, n: g, k: steps.upperBound - start, alpha: 1,
          a: output + (row - 1) * hidden, lda: hidden, b: recurrentSide + row * g, ldb: g,
          beta: 1, c: recurrentWeightGradient + copy * hidden * g, ldc: g)
      }
    }
  }
}

/// The sum of the two copies in `pair` (2, ·…) as one tensor of shape `shape`.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func sumOfCopies<Scalar: DifferentiableScalar>(_ pair: Tensor<Scalar>, shape: [Int])
  -> Tensor<Scalar>
{
  let count = pair.scalarCount / 2
  return Tensor(shape: shape, unsafeUninitializedScalars: { sum in
    pair.withUnsafeBufferPointer { pair in
      for i in 0..<count { sum[i] = pair[i] + pair[count + i] }
    }
  })
}
