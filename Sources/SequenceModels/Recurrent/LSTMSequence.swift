import StateSpace
import Training

// The LSTM over whole sequences as one tape op. Forward: the input projection a = x·W_ih + b
// (B, L, 4H′), then the time loop in C (s4rnn_lstm_forward in _FFTKernels/LSTMCells.h): each
// step adds h_{t−1}·W_hh to the rows of step t in place, panel by panel of hidden units, and
// applies the cell equations to each panel while it is in cache. The projection is cut into
// chunks of steps that a second thread computes while the loop runs (RecurrentPipeline).
// Backward (LSTMSequence+Backward.swift) walks the steps in reverse in C, and the weight and
// input gradient GEMMs of each finished chunk run beside it (RecurrentGradients.swift).

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
/// - Parameters:
///   - recording: Whether to keep the trace the backward pass needs; inference keeps
///   only the running cell state.
///   - packedRecurrentWeight: W_hh already packed (the step mode's cache), or `nil` to pack it.
/// - Returns: h_t of every step (B, L, H′), the last cell state c_{L−1} (B, H′), and the trace
///   when `recording`.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func lstmForward<Scalar: DifferentiableScalar>(
  input: Tensor<Scalar>, inputWeight: Tensor<Scalar>, recurrentWeight: Tensor<Scalar>,
  bias: Tensor<Scalar>?, initialHidden: Tensor<Scalar>?, initialCell: Tensor<Scalar>?,
  recording: Bool, packedRecurrentWeight: Tensor<Scalar>? = nil
) -> (output: Tensor<Scalar>, cell: Tensor<Scalar>, trace: LSTMTrace<Scalar>?) {
  let (batch, length, width) = (input.shape[0], input.shape[1], input.shape[2])
  let hidden = recurrentWeight.shape[0]
  var gates: Tensor<Scalar> = uninitializedTensor(shape: [batch, length, 4 * hidden])
  var cell = initialCell ?? Tensor(zeros: [batch, hidden])
  var cells: Tensor<Scalar>? = recording ? uninitializedTensor(shape: [batch, length, hidden]) : nil
  var cellTanh: Tensor<Scalar>? =
    recording ? uninitializedTensor(shape: [batch, length, hidden]) : nil
  var output: Tensor<Scalar> = uninitializedTensor(shape: [batch, length, hidden])
  // The step mode passes the panels its state keeps; a whole sequence packs them here.
  let packed = packedRecurrentWeight ?? RecurrentCells.packed(recurrentWeight, gates: 4, transposed: false)
  let chunks = RecurrentPipeline.chunks(length: length)
  let views = (input, inputWeight, bias ?? Tensor(zeros: [0]), recurrentWeight, packed, initialHidden ?? Tensor(zeros: [0]))
  views.0.withUnsafeBufferPointer { x in
  views.1.withUnsafeBufferPointer { inputWeight in
  views.2.withUnsafeBufferPointer { biasScalars in
  views.3.withUnsafeBufferPointer { weight in
  views.4.withUnsafeBufferPointer { packedScalars in
  views.5.withUnsafeBufferPointer { startHidden in
    cell.withUnsafeMutableBufferPointer { cell in
      gates.withUnsafeMutableBufferPointer { gates in
        withOptionalScalars(&cells) { cells in
          withOptionalScalars(&cellTanh) { cellTanh in
            output.withUnsafeMutableBufferPointer { output in
              // Each chunk's GEMMs are small, and the other core runs the time loop.
              OpenBLAS.withSingleThread {
                RecurrentPipeline.prepareThenStep(chunks: chunks.count) { chunk in
                  projectInput(
                    x.baseAddress!, weight: inputWeight.baseAddress!,
                    bias: bias == nil ? nil : biasScalars.baseAddress, into: gates.baseAddress!,
                    batch: batch, length: length, width: width, gateWidth: 4 * hidden,
                    steps: chunks[chunk])
                } step: { chunk in
                  RecurrentCells.lstmForward(
                    batch: batch, hidden: hidden, length: length, steps: chunks[chunk],
                    weight: weight.baseAddress!,
                    packed: packedScalars.baseAddress,
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
  }
  }
  }
  }
  }
  }
  let trace = recording ? LSTMTrace(gates: gates, cells: cells!, cellTanh: cellTanh!) : nil
  return (output, cell, trace)
}
