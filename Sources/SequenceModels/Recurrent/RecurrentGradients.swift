import StateSpace
import Training

// The parts of backpropagation through time that LSTM and GRU share. With the pre-activation
// gradients of every step stacked as D (B, L, G) (G = 4H′ or 3H′), the input projection
// a = x·W_ih + b is one GEMM over all B·L rows, and so are its gradients:
//
//   (1) ∂x = D·W_ihᵀ,   ∂W_ih = xᵀ·D,   ∂b = Σ_rows D
//
// The recurrent product h_{t−1}·W_hh at t ≥ 1 takes h_{t−1} from the output row t − 1 (h₋₁ = 0
// contributes nothing), so per sequence b:
//
//   (2) ∂W_hh = Σ_b Y[b, 0 ..< L−1]ᵀ · D_hh[b, 1 ..< L]
//
// B GEMMs of depth L − 1 over contiguous rows, rather than L thin ones.

/// A tensor whose scalars the caller writes before reading any (only for trivial scalars).
func uninitializedTensor<Scalar: DifferentiableScalar>(shape: [Int]) -> Tensor<Scalar> {
  Tensor(shape: shape, unsafeUninitializedScalars: { _ in })
}

/// Equation (1): the gradients of x, W_ih and b from the stacked pre-activation gradients
/// `gateGradient` (B, L, G), each only when `needs` asks for it.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func inputProjectionGradients<Scalar: DifferentiableScalar>(
  gateGradient: Tensor<Scalar>, input: Tensor<Scalar>, inputWeight: Tensor<Scalar>,
  needsInput: Bool, needsWeight: Bool, needsBias: Bool
) -> (input: Tensor<Scalar>?, weight: Tensor<Scalar>?, bias: Tensor<Scalar>?) {
  let (batch, length, width) = (input.shape[0], input.shape[1], input.shape[2])
  let gateWidth = inputWeight.shape[1]
  let rows = gateGradient.reshaped(to: [batch * length, gateWidth])
  return (
    needsInput ? gateGradient.matmul(inputWeight, transposeOther: .transpose) : nil,
    needsWeight
      ? input.reshaped(to: [batch * length, width]).matmul(rows, transposeSelf: .transpose) : nil,
    needsBias ? rows.summed(toShape: [gateWidth]) : nil
  )
}

/// Equation (2): ∂W_hh (H′, G) from the outputs `output` (B, L, H′) and the gradients of the
/// recurrent pre-activations `recurrentGradient` (B, L, G).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func recurrentWeightGradient<Scalar: DifferentiableScalar>(
  output: Tensor<Scalar>, recurrentGradient: Tensor<Scalar>
) -> Tensor<Scalar> {
  let (batch, length, hidden) = (output.shape[0], output.shape[1], output.shape[2])
  let gateWidth = recurrentGradient.shape[2]
  guard length > 1 else { return Tensor(zeros: [hidden, gateWidth]) }
  return Tensor(shape: [hidden, gateWidth], unsafeUninitializedScalars: { gradient in
    output.withUnsafeBufferPointer { output in
      recurrentGradient.withUnsafeBufferPointer { recurrentGradient in
        for b in 0..<batch {
          Scalar.gemm(
            .transpose, .none, m: hidden, n: gateWidth, k: length - 1, alpha: 1,
            a: output.baseAddress! + b * length * hidden, lda: hidden,
            b: recurrentGradient.baseAddress! + (b * length + 1) * gateWidth, ldb: gateWidth,
            beta: b == 0 ? 0 : 1, c: gradient.baseAddress!, ldc: gateWidth)
        }
      }
    }
  })
}
