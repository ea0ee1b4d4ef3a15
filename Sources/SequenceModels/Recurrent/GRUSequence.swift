import StateSpace
import Training

// The GRU over whole sequences as one tape op. The input projection of all B·L rows is one GEMM,
// x·W_ih + b (B, L, 3H′); each step computes u = h_{t−1}·W_hh for the batch into a preallocated
// (B, 3H′) buffer (kept apart from the input part because r multiplies only u_n + b_hn) and
// runs the cell kernel on each row. The GEMM reads h_{t−1} straight from the output rows of
// step t − 1 (row b of step t lives at b·L + t, so lda = L·H′). Nothing is allocated in the loop.

/// What the forward pass leaves for the backward pass, and its output.
struct GRUTrace<Scalar: DifferentiableScalar> {
  /// (B, L, 3H′): r, z, n of every step.
  var gates: Tensor<Scalar>
  /// (B, L, H′): m = h_{t−1}·W_hn + b_hn.
  var recurrentNew: Tensor<Scalar>
  /// (B, L, H′): h_t, the output.
  var output: Tensor<Scalar>
}

/// Runs the GRU over (B, L, H) from h₋₁ (zeros when `nil`).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func gruForward<Scalar: DifferentiableScalar>(
  input: Tensor<Scalar>, inputWeight: Tensor<Scalar>, recurrentWeight: Tensor<Scalar>,
  bias: Tensor<Scalar>?, recurrentBias: Tensor<Scalar>?, initialHidden: Tensor<Scalar>?
) -> GRUTrace<Scalar> {
  let (batch, length) = (input.shape[0], input.shape[1])
  let hidden = recurrentWeight.shape[0]
  let gateWidth = 3 * hidden
  var trace = GRUTrace(
    gates: input.linear(weight: inputWeight, bias: bias),
    recurrentNew: uninitializedTensor(shape: [batch, length, hidden]),
    output: uninitializedTensor(shape: [batch, length, hidden]))
  // u of the current step; zero at t = 0 from h₋₁ = 0.
  var product = Tensor<Scalar>(zeros: [batch, gateWidth])
  let startHidden = initialHidden ?? Tensor(zeros: [batch, hidden])
  let hiddenBias = recurrentBias ?? Tensor(zeros: [hidden])
  let views = (recurrentWeight, startHidden, hiddenBias)
  views.0.withUnsafeBufferPointer { weight in
    views.1.withUnsafeBufferPointer { startHidden in
      views.2.withUnsafeBufferPointer { hiddenBias in
        trace.gates.withUnsafeMutableBufferPointer { gates in
          trace.recurrentNew.withUnsafeMutableBufferPointer { recurrentNew in
            trace.output.withUnsafeMutableBufferPointer { output in
              product.withUnsafeMutableBufferPointer { product in
                let (gates, recurrentNew) = (gates.baseAddress!, recurrentNew.baseAddress!)
                let (output, product) = (output.baseAddress!, product.baseAddress!)
                // Each step's GEMM is small ((B, H′) × (H′, 3H′)): threads cost more than
                // they save.
                withSingleThreadedBLAS {
                  for t in 0..<length {
                    if t > 0 || initialHidden != nil {
                      Scalar.gemm(
                        .none, .none, m: batch, n: gateWidth, k: hidden, alpha: 1,
                        a: t > 0 ? UnsafePointer(output + (t - 1) * hidden) : startHidden.baseAddress!,
                        lda: t > 0 ? length * hidden : hidden, b: weight.baseAddress!,
                        ldb: gateWidth, beta: 0, c: product, ldc: gateWidth)
                    }
                    for b in 0..<batch {
                      let row = b * length + t
                      forEachGateLanes(
                        count: hidden,
                        GRUCellForward(
                          hiddenSize: hidden, gates: gates + row * gateWidth,
                          recurrentProduct: product + b * gateWidth,
                          recurrentBias: hiddenBias.baseAddress!,
                          previousHidden: t > 0
                            ? UnsafePointer(output + (row - 1) * hidden)
                            : startHidden.baseAddress! + b * hidden,
                          recurrentNew: recurrentNew + row * hidden, hidden: output + row * hidden))
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  return trace
}
