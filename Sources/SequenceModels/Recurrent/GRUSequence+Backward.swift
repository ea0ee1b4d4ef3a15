import StateSpace
import Training

// Backpropagation through time for the GRU (equations (4)–(6) of _FFTKernels/GRUCells.h), from
// the zero initial state of the whole-sequence mode, and the tape op around it. The loop runs
// over chunks of steps from the last; the input and weight gradient GEMMs of each finished
// chunk run on the other core meanwhile (RecurrentPipeline, RecurrentGradients.swift).

/// The gradients of x (B, L, H), W_ih (H, 3H′), W_hh (H′, 3H′), b (3H′) and b_hn (H′) for the
/// output gradient `outputGradient` (B, L, H′), each only when asked for.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func gruBackward<Scalar: DifferentiableScalar>(
  outputGradient: Tensor<Scalar>, trace: GRUTrace<Scalar>, output: Tensor<Scalar>,
  input: Tensor<Scalar>, inputWeight: Tensor<Scalar>, recurrentWeight: Tensor<Scalar>,
  needs: (input: Bool, inputWeight: Bool, recurrentWeight: Bool, bias: Bool, recurrentBias: Bool)
) -> [Tensor<Scalar>?] {
  let (batch, length, width) = (input.shape[0], input.shape[1], input.shape[2])
  let hidden = recurrentWeight.shape[0]
  let gateWidth = 3 * hidden
  // The input-side and recurrent-side pre-activation gradients of every step, (B, L, 3H′);
  // ∂h of the current step, (B, H′); the GEMM outputs, the weight and bias gradients once per
  // thread.
  var inputSide: Tensor<Scalar> = uninitializedTensor(shape: [batch, length, gateWidth])
  var recurrentSide: Tensor<Scalar> = uninitializedTensor(shape: [batch, length, gateWidth])
  var hiddenGradient: Tensor<Scalar> = uninitializedTensor(shape: [batch, hidden])
  var inputGradient: Tensor<Scalar>? =
    needs.input ? uninitializedTensor(shape: [batch, length, width]) : nil
  var inputWeightGradient: Tensor<Scalar>? =
    needs.inputWeight ? Tensor(zeros: [2, width, gateWidth]) : nil
  var recurrentWeightGradient: Tensor<Scalar>? =
    needs.recurrentWeight ? Tensor(zeros: [2, hidden, gateWidth]) : nil
  var biasGradient: Tensor<Scalar>? = needs.bias ? Tensor(zeros: [2, gateWidth]) : nil
  var recurrentSums: Tensor<Scalar>? = needs.recurrentBias ? Tensor(zeros: [2, gateWidth]) : nil
  let packed = RecurrentCells.packed(recurrentWeight, gates: 3, transposed: true)
  // The loop walks the chunks from the last steps to the first.
  let chunks = Array(RecurrentPipeline.chunks(length: length).reversed())
  let ones = Tensor<Scalar>(shape: [chunks.map(\.count).max()!], repeating: 1)
  let views = (input, inputWeight, output, outputGradient, packed, ones)
  let saved = (trace.gates, trace.recurrentNew)
  views.0.withUnsafeBufferPointer { x in
  views.1.withUnsafeBufferPointer { inputWeight in
  views.2.withUnsafeBufferPointer { output in
  views.3.withUnsafeBufferPointer { outputGradient in
  views.4.withUnsafeBufferPointer { packed in
  views.5.withUnsafeBufferPointer { ones in
  saved.0.withUnsafeBufferPointer { gates in
  saved.1.withUnsafeBufferPointer { recurrentNew in
    inputSide.withUnsafeMutableBufferPointer { inputSide in
    recurrentSide.withUnsafeMutableBufferPointer { recurrentSide in
    hiddenGradient.withUnsafeMutableBufferPointer { hiddenGradient in
    withOptionalScalars(&inputGradient) { inputGradient in
    withOptionalScalars(&inputWeightGradient) { inputWeightGradient in
    withOptionalScalars(&recurrentWeightGradient) { recurrentWeightGradient in
    withOptionalScalars(&biasGradient) { biasGradient in
    withOptionalScalars(&recurrentSums) { recurrentSums in
      let gemms = ChunkGradients(
        batch: batch, length: length, width: width, hidden: hidden, gateWidth: gateWidth,
        input: x.baseAddress!, inputWeight: inputWeight.baseAddress!, output: output.baseAddress!,
        inputSide: UnsafePointer(inputSide.baseAddress!),
        recurrentSide: UnsafePointer(recurrentSide.baseAddress!), ones: ones.baseAddress!,
        inputGradient: inputGradient, inputWeightGradient: inputWeightGradient,
        recurrentWeightGradient: recurrentWeightGradient, inputSideSums: biasGradient,
        recurrentSideSums: recurrentSums)
      // Each chunk's GEMMs are small, and the other core runs the time loop.
      OpenBLAS.withSingleThread {
        RecurrentPipeline.stepThenComplete(chunks: chunks.count) { chunk in
          RecurrentCells.gruBackward(
            batch: batch, hidden: hidden, length: length, steps: chunks[chunk],
            packedTransposed: packed.baseAddress!, gates: gates.baseAddress!,
            recurrentNew: recurrentNew.baseAddress!, output: output.baseAddress!,
            outputGradient: outputGradient.baseAddress!, inputGradient: inputSide.baseAddress!,
            recurrentGradient: recurrentSide.baseAddress!,
            hiddenGradient: hiddenGradient.baseAddress!)
        } complete: { chunk, copy in
          gemms.accumulate(steps: chunks[chunk], copy: copy)
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
  }
  }
  }
  }
  }
  // ∂b_hn: the n columns of the recurrent side's column sums.
  return [
    inputGradient, inputWeightGradient.map { sumOfCopies($0, shape: [width, gateWidth]) },
    recurrentWeightGradient.map { sumOfCopies($0, shape: [hidden, gateWidth]) },
    biasGradient.map { sumOfCopies($0, shape: [gateWidth]) },
    recurrentSums.map {
      Tensor(shape: [hidden], scalars: Array(sumOfCopies($0, shape: [gateWidth]).scalars.suffix(hidden)))
    },
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
