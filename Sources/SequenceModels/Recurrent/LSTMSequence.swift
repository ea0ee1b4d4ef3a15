import StateSpace
import Training

// The LSTM over whole sequences as one tape op. Forward: the input projection of all B·L
// rows is one GEMM, a = x·W_ih + b (B, L, 4H′); then one C call runs the time loop
// (s4rnn_lstm_forward in _FFTKernels/LSTMCells.h): each step adds h_{t−1}·W_hh to the rows of
// step t in place, panel by panel of hidden units, and applies the cell equations to each
// panel while it is in cache. Backward (LSTMSequence+Backward.swift) walks the steps in
// reverse in C, then forms the weight and input gradients with a few large GEMMs
// (RecurrentGradients.swift).

/// What the forward pass keeps for the backward pass besides its output.
struct LSTMTrace<Scalar: DifferentiableScalar> {
  /// (B, L, 4H′): the activations i, f, g, o of every step.
  var gates: Tensor<Scalar>
  /// (B, L, H′): c_t.
  var cells: Tensor<Scalar>
  /// (B, L, H′): tanh c_t.
  var cellTanh: Tensor<Scalar>
}

/// Runs the LSTM over (B, L, H) from the state (h₋₁, c₋₁) (zeros when `nil`).
///
/// - Parameter recording: Whether to keep the trace the backward pass needs; inference keeps
///   only the running cell state.
/// - Returns: h_t of every step (B, L, H′), the last cell state c_{L−1} (B, H′), and the trace
///   when `recording`.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func lstmForward<Scalar: DifferentiableScalar>(
  input: Tensor<Scalar>, inputWeight: Tensor<Scalar>, recurrentWeight: Tensor<Scalar>,
  bias: Tensor<Scalar>?, initialHidden: Tensor<Scalar>?, initialCell: Tensor<Scalar>?,
  recording: Bool
) -> (output: Tensor<Scalar>, cell: Tensor<Scalar>, trace: LSTMTrace<Scalar>?) {
  let (batch, length) = (input.shape[0], input.shape[1])
  let hidden = recurrentWeight.shape[0]
  var gates = input.linear(weight: inputWeight, bias: bias)
  var cell = initialCell ?? Tensor(zeros: [batch, hidden])
  var cells: Tensor<Scalar>? = recording ? uninitializedTensor(shape: [batch, length, hidden]) : nil
  var cellTanh: Tensor<Scalar>? =
    recording ? uninitializedTensor(shape: [batch, length, hidden]) : nil
  var output: Tensor<Scalar> = uninitializedTensor(shape: [batch, length, hidden])
  let startHidden = initialHidden ?? Tensor(zeros: [0])
  recurrentWeight.withUnsafeBufferPointer { weight in
    startHidden.withUnsafeBufferPointer { startHidden in
      cell.withUnsafeMutableBufferPointer { cell in
        gates.withUnsafeMutableBufferPointer { gates in
          withOptionalScalars(&cells) { cells in
            withOptionalScalars(&cellTanh) { cellTanh in
              output.withUnsafeMutableBufferPointer { output in
                RecurrentCells.lstmForward(
                  batch: batch, hidden: hidden, length: length, weight: weight.baseAddress!,
                  initialHidden: initialHidden == nil ? nil : startHidden.baseAddress,
                  cellState: cell.baseAddress!, gates: gates.baseAddress!, cells: cells,
                  cellTanh: cellTanh, output: output.baseAddress!)
              }
            }
          }
        }
      }
    }
  }
  let trace = recording ? LSTMTrace(gates: gates, cells: cells!, cellTanh: cellTanh!) : nil
  return (output, cell, trace)
}
