import StateSpace
import Training

// Backpropagation through time for the LSTM (equations (4)–(6) of LSTMCellKernels.swift),
// from the zero initial state of the whole-sequence mode, and the tape op around it.

/// The gradients of x (B, L, H), W_ih (H, 4H′), W_hh (H′, 4H′) and b (4H′) for the output
/// gradient `outputGradient` (B, L, H′), each only when asked for.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func lstmBackward<Scalar: DifferentiableScalar>(
  outputGradient: Tensor<Scalar>, trace: LSTMTrace<Scalar>, input: Tensor<Scalar>,
  inputWeight: Tensor<Scalar>, recurrentWeight: Tensor<Scalar>,
  needs: (input: Bool, inputWeight: Bool, recurrentWeight: Bool, bias: Bool)
) -> [Tensor<Scalar>?] {
  let (batch, length) = (input.shape[0], input.shape[1])
  let hidden = recurrentWeight.shape[0]
  let gateWidth = 4 * hidden
  // ∂a of every step, (B, L, 4H′); ∂h_{t−1} from the recurrent product and ∂c_{t−1}, (B, H′).
  var gateGradient: Tensor<Scalar> = uninitializedTensor(shape: [batch, length, gateWidth])
  var hiddenGradient = Tensor<Scalar>(zeros: [batch, hidden])
  var cellGradient = Tensor<Scalar>(zeros: [batch, hidden])
  let zeroCell = Tensor<Scalar>(zeros: [hidden])
  recurrentWeight.withUnsafeBufferPointer { weight in
    outputGradient.withUnsafeBufferPointer { outputGradient in
      trace.gates.withUnsafeBufferPointer { gates in
        trace.cells.withUnsafeBufferPointer { cells in
          trace.cellTanh.withUnsafeBufferPointer { cellTanh in
            zeroCell.withUnsafeBufferPointer { zeroCell in
              gateGradient.withUnsafeMutableBufferPointer { gateGradient in
                hiddenGradient.withUnsafeMutableBufferPointer { hiddenGradient in
                  cellGradient.withUnsafeMutableBufferPointer { cellGradient in
                    let (gates, cells) = (gates.baseAddress!, cells.baseAddress!)
                    let (cellTanh, outputGradient) = (cellTanh.baseAddress!, outputGradient.baseAddress!)
                    let (gateGradient, hiddenGradient) = (gateGradient.baseAddress!, hiddenGradient.baseAddress!)
                    let cellGradient = cellGradient.baseAddress!
                    // Each step's GEMM is small ((B, H′) × (H′, 4H′)): threads cost more than they save.
                    withSingleThreadedBLAS {
                    for t in (0..<length).reversed() {
                      for b in 0..<batch {
                        let row = b * length + t
                        forEachGateLanes(
                          count: hidden,
                          LSTMCellBackward(
                            hiddenSize: hidden, gates: gates + row * gateWidth,
                            previousCell: t > 0 ? cells + (row - 1) * hidden : zeroCell.baseAddress!,
                            cellTanh: cellTanh + row * hidden,
                            outputGradient: outputGradient + row * hidden,
                            hiddenGradient: hiddenGradient + b * hidden,
                            cellGradient: cellGradient + b * hidden,
                            gateGradient: gateGradient + row * gateWidth))
                      }
                      // ∂h_{t−1} = ∂a_t·W_hhᵀ (h₋₁ is a constant zero: nothing to propagate).
                      if t > 0 {
                        Scalar.gemm(
                          .none, .transpose, m: batch, n: hidden, k: gateWidth, alpha: 1,
                          a: gateGradient + t * gateWidth, lda: length * gateWidth,
                          b: weight.baseAddress!, ldb: gateWidth, beta: 0, c: hiddenGradient,
                          ldc: hidden)
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
  let projection = inputProjectionGradients(
    gateGradient: gateGradient, input: input, inputWeight: inputWeight, needsInput: needs.input,
    needsWeight: needs.inputWeight, needsBias: needs.bias)
  let recurrent =
    needs.recurrentWeight
    ? recurrentWeightGradient(output: trace.output, recurrentGradient: gateGradient) : nil
  return [projection.input, projection.weight, recurrent, projection.bias]
}

extension Variable {
  /// The LSTM over whole sequences from the zero state, as one tape op whose pullback is
  /// backpropagation through time: (B, L, H) → (B, L, H′).
  ///
  /// - Parameters:
  ///   - inputWeight: W_ih (H, 4H′), columns [i | f | g | o].
  ///   - recurrentWeight: W_hh (H′, 4H′).
  ///   - bias: b (4H′), or `nil`.
  /// - Returns: h_t of every step, (B, L, H′).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func lstm(inputWeight: Variable, recurrentWeight: Variable, bias: Variable?) -> Variable {
    let trace = lstmForward(
      input: value, inputWeight: inputWeight.value, recurrentWeight: recurrentWeight.value,
      bias: bias?.value, initialHidden: nil, initialCell: nil)
    let (input, weights) = (value, (inputWeight.value, recurrentWeight.value))
    let needs = (
      input: requiresGradient, inputWeight: inputWeight.requiresGradient,
      recurrentWeight: recurrentWeight.requiresGradient, bias: bias?.requiresGradient ?? false
    )
    let inputs = [self, inputWeight, recurrentWeight] + (bias.map { [$0] } ?? [])
    let inputCount = inputs.count
    return Variable.record(trace.output, inputs: inputs) { outputGradient in
      let gradients = lstmBackward(
        outputGradient: outputGradient, trace: trace, input: input, inputWeight: weights.0,
        recurrentWeight: weights.1, needs: needs)
      return Array(gradients.prefix(inputCount))
    }
  }
}
