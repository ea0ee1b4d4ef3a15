import StateSpace
import Training

// Backpropagation through time for the GRU (equations (4)–(6) of _FFTKernels/GRUCells.h), from
// the zero initial state of the whole-sequence mode, and the tape op around it.

/// The gradients of x (B, L, H), W_ih (H, 3H′), W_hh (H′, 3H′), b (3H′) and b_hn (H′) for the
/// output gradient `outputGradient` (B, L, H′), each only when asked for.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func gruBackward<Scalar: DifferentiableScalar>(
  outputGradient: Tensor<Scalar>, trace: GRUTrace<Scalar>, output: Tensor<Scalar>,
  input: Tensor<Scalar>, inputWeight: Tensor<Scalar>, recurrentWeight: Tensor<Scalar>,
  needs: (input: Bool, inputWeight: Bool, recurrentWeight: Bool, bias: Bool, recurrentBias: Bool)
) -> [Tensor<Scalar>?] {
  let (batch, length) = (input.shape[0], input.shape[1])
  let hidden = recurrentWeight.shape[0]
  // The input-side and recurrent-side pre-activation gradients of every step, (B, L, 3H′),
  // and ∂h of the current step, (B, H′).
  var inputGradient: Tensor<Scalar> = uninitializedTensor(shape: [batch, length, 3 * hidden])
  var recurrentGradient: Tensor<Scalar> = uninitializedTensor(shape: [batch, length, 3 * hidden])
  var hiddenGradient: Tensor<Scalar> = uninitializedTensor(shape: [batch, hidden])
  let saved = (trace.gates, trace.recurrentNew, output)
  recurrentWeight.withUnsafeBufferPointer { weight in
    outputGradient.withUnsafeBufferPointer { outputGradient in
      saved.0.withUnsafeBufferPointer { gates in
        saved.1.withUnsafeBufferPointer { recurrentNew in
          saved.2.withUnsafeBufferPointer { output in
            inputGradient.withUnsafeMutableBufferPointer { inputGradient in
              recurrentGradient.withUnsafeMutableBufferPointer { recurrentGradient in
                hiddenGradient.withUnsafeMutableBufferPointer { hiddenGradient in
                  RecurrentCells.gruBackward(
                    batch: batch, hidden: hidden, length: length, weight: weight.baseAddress!,
                    gates: gates.baseAddress!, recurrentNew: recurrentNew.baseAddress!,
                    output: output.baseAddress!, outputGradient: outputGradient.baseAddress!,
                    inputGradient: inputGradient.baseAddress!,
                    recurrentGradient: recurrentGradient.baseAddress!,
                    hiddenGradient: hiddenGradient.baseAddress!)
                }
              }
            }
          }
        }
      }
    }
  }
  let projection = inputProjectionGradients(
    gateGradient: inputGradient, input: input, inputWeight: inputWeight, needsInput: needs.input,
    needsWeight: needs.inputWeight, needsBias: needs.bias)
  let recurrent =
    needs.recurrentWeight
    ? recurrentWeightGradient(output: output, recurrentGradient: recurrentGradient) : nil
  // ∂b_hn = Σ over every (b, t) of ∂m, the last H′ columns of the recurrent side.
  let recurrentBias =
    needs.recurrentBias
    ? recurrentGradient.reshaped(to: [batch * length, 3, hidden]).summed(toShape: [3, hidden])
      .scalars.suffix(hidden) : nil
  return [
    projection.input, projection.weight, recurrent, projection.bias,
    recurrentBias.map { Tensor(shape: [hidden], scalars: Array($0)) },
  ]
}

extension Variable {
  /// The GRU over whole sequences from the zero state, as one tape op whose pullback is
  /// backpropagation through time: (B, L, H) → (B, L, H′). Without a gradient to any operand
  /// nothing is recorded and the forward pass keeps no trace.
  ///
  /// - Parameters:
  ///   - inputWeight: W_ih (H, 3H′), columns [r | z | n].
  ///   - recurrentWeight: W_hh (H′, 3H′).
  ///   - bias: b (3H′) on the input side, or `nil`.
  ///   - recurrentBias: b_hn (H′) inside the reset gate's product, or `nil`; given exactly
  ///     when `bias` is.
  /// - Returns: h_t of every step, (B, L, H′).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func gru(
    inputWeight: Variable, recurrentWeight: Variable, bias: Variable?, recurrentBias: Variable?
  ) -> Variable {
    let needs = (
      input: requiresGradient, inputWeight: inputWeight.requiresGradient,
      recurrentWeight: recurrentWeight.requiresGradient, bias: bias?.requiresGradient ?? false,
      recurrentBias: recurrentBias?.requiresGradient ?? false
    )
    let forward = gruForward(
      input: value, inputWeight: inputWeight.value, recurrentWeight: recurrentWeight.value,
      bias: bias?.value, recurrentBias: recurrentBias?.value, initialHidden: nil,
      recording: needs.input || needs.inputWeight || needs.recurrentWeight || needs.bias
        || needs.recurrentBias)
    guard let trace = forward.trace else { return Variable(forward.output) }
    let (input, output, weights) = (value, forward.output, (inputWeight.value, recurrentWeight.value))
    var inputs = [self, inputWeight, recurrentWeight]
    if let bias, let recurrentBias { inputs += [bias, recurrentBias] }
    let inputCount = inputs.count
    return Variable.record(output, inputs: inputs) { outputGradient in
      let gradients = gruBackward(
        outputGradient: outputGradient, trace: trace, output: output, input: input,
        inputWeight: weights.0, recurrentWeight: weights.1, needs: needs)
      return Array(gradients.prefix(inputCount))
    }
  }
}
