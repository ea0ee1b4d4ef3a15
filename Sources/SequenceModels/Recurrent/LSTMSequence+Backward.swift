import StateSpace
import Training

// Backpropagation through time for the LSTM (equations (4)–(6) of _FFTKernels/LSTMCells.h),
// from the zero initial state of the whole-sequence mode, and the tape op around it.

/// The gradients of x (B, L, H), W_ih (H, 4H′), W_hh (H′, 4H′) and b (4H′) for the output
/// gradient `outputGradient` (B, L, H′), each only when asked for.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func lstmBackward<Scalar: DifferentiableScalar>(
  outputGradient: Tensor<Scalar>, trace: LSTMTrace<Scalar>, output: Tensor<Scalar>,
  input: Tensor<Scalar>, inputWeight: Tensor<Scalar>, recurrentWeight: Tensor<Scalar>,
  needs: (input: Bool, inputWeight: Bool, recurrentWeight: Bool, bias: Bool)
) -> [Tensor<Scalar>?] {
  let (batch, length) = (input.shape[0], input.shape[1])
  let hidden = recurrentWeight.shape[0]
  // ∂a of every step, (B, L, 4H′); ∂h and ∂c of the current step, (B, H′) each.
  var gateGradient: Tensor<Scalar> = uninitializedTensor(shape: [batch, length, 4 * hidden])
  var scratch: Tensor<Scalar> = uninitializedTensor(shape: [2, batch, hidden])
  recurrentWeight.withUnsafeBufferPointer { weight in
    outputGradient.withUnsafeBufferPointer { outputGradient in
      trace.gates.withUnsafeBufferPointer { gates in
        trace.cells.withUnsafeBufferPointer { cells in
          trace.cellTanh.withUnsafeBufferPointer { cellTanh in
            gateGradient.withUnsafeMutableBufferPointer { gateGradient in
              scratch.withUnsafeMutableBufferPointer { scratch in
                RecurrentCells.lstmBackward(
                  batch: batch, hidden: hidden, length: length, weight: weight.baseAddress!,
                  gates: gates.baseAddress!, cells: cells.baseAddress!,
                  cellTanh: cellTanh.baseAddress!, outputGradient: outputGradient.baseAddress!,
                  gateGradient: gateGradient.baseAddress!, hiddenGradient: scratch.baseAddress!,
                  cellGradient: scratch.baseAddress! + batch * hidden)
              }
            }
          }
        }
      }
    }
  }
  let projection = inputProjectionGradients(
    gateGradient: gateGradient, input: input, inputWeight: inputWeight, needsInput: needs.input,
    needsWeight: needs.inputWeight, needsBias: needs.bias)
  let recurrent =
    needs.recurrentWeight
    ? recurrentWeightGradient(output: output, recurrentGradient: gateGradient) : nil
  return [projection.input, projection.weight, recurrent, projection.bias]
}

extension Variable {
  /// The LSTM over whole sequences from the zero state, as one tape op whose pullback is
  /// backpropagation through time: (B, L, H) → (B, L, H′). Without a gradient to any operand
  /// nothing is recorded and the forward pass keeps no trace.
  ///
  /// - Parameters:
  ///   - inputWeight: W_ih (H, 4H′), columns [i | f | g | o].
  ///   - recurrentWeight: W_hh (H′, 4H′).
  ///   - bias: b (4H′), or `nil`.
  /// - Returns: h_t of every step, (B, L, H′).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func lstm(inputWeight: Variable, recurrentWeight: Variable, bias: Variable?) -> Variable {
    let needs = (
      input: requiresGradient, inputWeight: inputWeight.requiresGradient,
      recurrentWeight: recurrentWeight.requiresGradient, bias: bias?.requiresGradient ?? false
    )
    let forward = lstmForward(
      input: value, inputWeight: inputWeight.value, recurrentWeight: recurrentWeight.value,
      bias: bias?.value, initialHidden: nil, initialCell: nil,
      recording: needs.input || needs.inputWeight || needs.recurrentWeight || needs.bias)
    guard let trace = forward.trace else { return Variable(forward.output) }
    let (input, output, weights) = (value, forward.output, (inputWeight.value, recurrentWeight.value))
    let inputs = [self, inputWeight, recurrentWeight] + (bias.map { [$0] } ?? [])
    let inputCount = inputs.count
    return Variable.record(output, inputs: inputs) { outputGradient in
      let gradients = lstmBackward(
        outputGradient: outputGradient, trace: trace, output: output, input: input,
        inputWeight: weights.0, recurrentWeight: weights.1, needs: needs)
      return Array(gradients.prefix(inputCount))
    }
  }
}
