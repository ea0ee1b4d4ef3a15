import StateSpace
import Training

// Backpropagation through time for the LSTM (equations (4)–(6) of _FFTKernels/LSTMCells.h),
// from the zero initial state of the whole-sequence mode, and the tape op around it. The loop
// runs over chunks of steps from the last; the input and weight gradient GEMMs of each finished
// chunk run on the other core meanwhile (RecurrentPipeline, RecurrentGradients.swift).

/// The gradients of x (B, L, H), W_ih (H, 4H′), W_hh (H′, 4H′) and b (4H′) for the output
/// gradient `outputGradient` (B, L, H′), each only when asked for.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func lstmBackward<Scalar: DifferentiableScalar>(
  outputGradient: Tensor<Scalar>, trace: LSTMTrace<Scalar>, output: Tensor<Scalar>,
  input: Tensor<Scalar>, inputWeight: Tensor<Scalar>, recurrentWeight: Tensor<Scalar>,
  needs: (input: Bool, inputWeight: Bool, recurrentWeight: Bool, bias: Bool)
) -> [Tensor<Scalar>?] {
  let (batch, length, width) = (input.shape[0], input.shape[1], input.shape[2])
  let hidden = recurrentWeight.shape[0]
  let gateWidth = 4 * hidden
  // ∂a of every step, (B, L, 4H′); ∂h and ∂c of the current step, (B, H′) each; the GEMM
  // outputs, the weight and bias gradients in two copies (even and odd chunks).
  var gateGradient: Tensor<Scalar> = uninitializedTensor(shape: [batch, length, gateWidth])
  var state: Tensor<Scalar> = uninitializedTensor(shape: [2, batch, hidden])
  var inputGradient: Tensor<Scalar>? =
    needs.input ? uninitializedTensor(shape: [batch, length, width]) : nil
  var inputWeightGradient: Tensor<Scalar>? =
    needs.inputWeight ? Tensor(zeros: [2, width, gateWidth]) : nil
  var recurrentWeightGradient: Tensor<Scalar>? =
    needs.recurrentWeight ? Tensor(zeros: [2, hidden, gateWidth]) : nil
  var biasGradient: Tensor<Scalar>? = needs.bias ? Tensor(zeros: [2, gateWidth]) : nil
  let packed = RecurrentCells.packed(recurrentWeight, gates: 4, transposed: true)
  // The loop walks the chunks from the last steps to the first.
  let chunks = Array(RecurrentPipeline.chunks(length: length).reversed())
  let ones = Tensor<Scalar>(shape: [chunks.map(\.count).max()!], repeating: 1)
  let views = (input, inputWeight, output, outputGradient, packed, ones)
  let saved = (trace.gates, trace.cells, trace.cellTanh)
  views.0.withUnsafeBufferPointer { x in
  views.1.withUnsafeBufferPointer { inputWeight in
  views.2.withUnsafeBufferPointer { output in
  views.3.withUnsafeBufferPointer { outputGradient in
  views.4.withUnsafeBufferPointer { packed in
  views.5.withUnsafeBufferPointer { ones in
  saved.0.withUnsafeBufferPointer { gates in
  saved.1.withUnsafeBufferPointer { cells in
  saved.2.withUnsafeBufferPointer { cellTanh in
    gateGradient.withUnsafeMutableBufferPointer { gateGradient in
    state.withUnsafeMutableBufferPointer { state in
    withOptionalScalars(&inputGradient) { inputGradient in
    withOptionalScalars(&inputWeightGradient) { inputWeightGradient in
    withOptionalScalars(&recurrentWeightGradient) { recurrentWeightGradient in
    withOptionalScalars(&biasGradient) { biasGradient in
      let gemms = ChunkGradients(
        batch: batch, length: length, width: width, hidden: hidden, gateWidth: gateWidth,
        input: x.baseAddress!, inputWeight: inputWeight.baseAddress!, output: output.baseAddress!,
        inputSide: UnsafePointer(gateGradient.baseAddress!),
        recurrentSide: UnsafePointer(gateGradient.baseAddress!), ones: ones.baseAddress!,
        inputGradient: inputGradient, inputWeightGradient: inputWeightGradient,
        recurrentWeightGradient: recurrentWeightGradient, inputSideSums: biasGradient,
        recurrentSideSums: nil)
      // Each chunk's GEMMs are small, and the other core runs the time loop.
      OpenBLAS.withSingleThread {
        RecurrentPipeline.stepThenComplete(chunks: chunks.count) { chunk in
          RecurrentCells.lstmBackward(
            batch: batch, hidden: hidden, length: length, steps: chunks[chunk],
            packedTransposed: packed.baseAddress!, gates: gates.baseAddress!,
            cells: cells.baseAddress!, cellTanh: cellTanh.baseAddress!,
            outputGradient: outputGradient.baseAddress!, gateGradient: gateGradient.baseAddress!,
            hiddenGradient: state.baseAddress!, cellGradient: state.baseAddress! + batch * hidden)
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
  return [
    inputGradient, inputWeightGradient.map { sumOfCopies($0, shape: [width, gateWidth]) },
    recurrentWeightGradient.map { sumOfCopies($0, shape: [hidden, gateWidth]) },
    biasGradient.map { sumOfCopies($0, shape: [gateWidth]) },
  ]
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
