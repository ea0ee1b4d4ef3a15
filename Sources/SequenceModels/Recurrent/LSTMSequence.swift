import StateSpace
import Training

// The LSTM over whole sequences as one tape op. Forward: the input projection of all B·L
// rows is one GEMM, a = x·W_ih + b (B, L, 4H′); then each step adds h_{t−1}·W_hh to the rows
// of step t in place (one (B, H′) × (H′, 4H′) GEMM whose A and C are strided views: row b of
// step t lives at (b·L + t), so lda = L·H′ and ldc = L·4H′) and runs the cell kernel on each
// row. Nothing is allocated in the time loop. Backward walks the steps in reverse with the cell
// kernel and one (B, 4H′) × (4H′, H′) GEMM per step, then forms the weight and input gradients
// with a few large GEMMs (RecurrentGradients.swift).

/// What the forward pass leaves for the backward pass, and its output.
struct LSTMTrace<Scalar: DifferentiableScalar> {
  /// (B, L, 4H′): the activations i, f, g, o of every step.
  var gates: Tensor<Scalar>
  /// (B, L, H′): c_t.
  var cells: Tensor<Scalar>
  /// (B, L, H′): tanh c_t.
  var cellTanh: Tensor<Scalar>
  /// (B, L, H′): h_t, the output.
  var output: Tensor<Scalar>
}

/// Runs the LSTM over (B, L, H) from the state (h₋₁, c₋₁) (zeros when `nil`).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func lstmForward<Scalar: DifferentiableScalar>(
  input: Tensor<Scalar>, inputWeight: Tensor<Scalar>, recurrentWeight: Tensor<Scalar>,
  bias: Tensor<Scalar>?, initialHidden: Tensor<Scalar>?, initialCell: Tensor<Scalar>?
) -> LSTMTrace<Scalar> {
  let (batch, length) = (input.shape[0], input.shape[1])
  let hidden = recurrentWeight.shape[0]
  let gateWidth = 4 * hidden
  var trace = LSTMTrace(
    gates: input.linear(weight: inputWeight, bias: bias),
    cells: uninitializedTensor(shape: [batch, length, hidden]),
    cellTanh: uninitializedTensor(shape: [batch, length, hidden]),
    output: uninitializedTensor(shape: [batch, length, hidden]))
  let startCell = initialCell ?? Tensor(zeros: [batch, hidden])
  let startHidden = initialHidden ?? Tensor(zeros: [0])
  recurrentWeight.withUnsafeBufferPointer { weight in
    startHidden.withUnsafeBufferPointer { startHidden in
    startCell.withUnsafeBufferPointer { startCell in
      trace.gates.withUnsafeMutableBufferPointer { gates in
        trace.cells.withUnsafeMutableBufferPointer { cells in
          trace.cellTanh.withUnsafeMutableBufferPointer { cellTanh in
            trace.output.withUnsafeMutableBufferPointer { output in
              let (gates, cells) = (gates.baseAddress!, cells.baseAddress!)
              let (cellTanh, output) = (cellTanh.baseAddress!, output.baseAddress!)
              // Each step's GEMM is small ((B, H′) × (H′, 4H′)): threads cost more than they save.
              withSingleThreadedBLAS {
              for t in 0..<length {
                // a_t += h_{t−1}·W_hh for the whole batch (nothing to add from h₋₁ = 0).
                if t > 0 || initialHidden != nil {
                  Scalar.gemm(
                    .none, .none, m: batch, n: gateWidth, k: hidden, alpha: 1,
                    a: t > 0 ? UnsafePointer(output + (t - 1) * hidden) : startHidden.baseAddress!,
                    lda: t > 0 ? length * hidden : hidden, b: weight.baseAddress!,
                    ldb: gateWidth, beta: 1, c: gates + t * gateWidth, ldc: length * gateWidth)
                }
                for b in 0..<batch {
                  let row = b * length + t
                  forEachGateLanes(
                    count: hidden,
                    LSTMCellForward(
                      hiddenSize: hidden, gates: gates + row * gateWidth,
                      previousCell: t > 0
                        ? UnsafePointer(cells + (row - 1) * hidden)
                        : startCell.baseAddress! + b * hidden,
                      cell: cells + row * hidden, cellTanh: cellTanh + row * hidden,
                      hidden: output + row * hidden))
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
