import StateSpace
import Training

// The GRU over whole sequences as one tape op. The input projection x·W_ih + b (B, L, 3H′),
// then the time loop in C (s4rnn_gru_forward in _FFTKernels/GRUCells.h): each step adds
// h_{t−1}·W_hr and h_{t−1}·W_hz onto the r and z columns in place, forms m = h_{t−1}·W_hn + b_hn
// apart (r multiplies only m), panel by panel of hidden units, and applies the cell equations
// to each panel while it is in cache. The projection is cut into chunks of steps that a second
// thread computes while the loop runs (RecurrentPipeline).

/// What the forward pass keeps for the backward pass besides its output.
struct GRUTrace<Scalar: DifferentiableScalar> {
  /// (B, L, 3H′): r, z, n of every step.
  var gates: Tensor<Scalar>
  /// (B, L, H′): m = h_{t−1}·W_hn + b_hn.
  var recurrentNew: Tensor<Scalar>
}

/// Runs the GRU over (B, L, H) from h₋₁ (zeros when `nil`).
///
/// - Parameters:
///   - recording: Whether to keep the trace the backward pass needs.
///   - packedRecurrentWeight: W_hh already packed (the step mode's cache), or `nil` to pack it.
/// - Returns: h_t of every step (B, L, H′), and the trace when `recording`.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func gruForward<Scalar: DifferentiableScalar>(
  input: Tensor<Scalar>, inputWeight: Tensor<Scalar>, recurrentWeight: Tensor<Scalar>,
  bias: Tensor<Scalar>?, recurrentBias: Tensor<Scalar>?, initialHidden: Tensor<Scalar>?,
  recording: Bool, packedRecurrentWeight: Tensor<Scalar>? = nil
) -> (output: Tensor<Scalar>, trace: GRUTrace<Scalar>?) {
  let (batch, length, width) = (input.shape[0], input.shape[1], input.shape[2])
  let hidden = recurrentWeight.shape[0]
  var gates: Tensor<Scalar> = uninitializedTensor(shape: [batch, length, 3 * hidden])
  var recurrentNew: Tensor<Scalar>? =
    recording ? uninitializedTensor(shape: [batch, length, hidden]) : nil
  var output: Tensor<Scalar> = uninitializedTensor(shape: [batch, length, hidden])
  // The step mode passes the panels its state keeps; a whole sequence packs them here.
  let packed = packedRecurrentWeight ?? RecurrentCells.packed(recurrentWeight, gates: 3, transposed: false)
  let chunks = RecurrentPipeline.chunks(length: length)
  let empty = Tensor<Scalar>(zeros: [0])
  let views = (
    input, inputWeight, bias ?? empty, recurrentWeight, packed, initialHidden ?? empty,
    recurrentBias ?? empty
  )
  views.0.withUnsafeBufferPointer { x in
  views.1.withUnsafeBufferPointer { inputWeight in
  views.2.withUnsafeBufferPointer { biasScalars in
  views.3.withUnsafeBufferPointer { weight in
  views.4.withUnsafeBufferPointer { packedScalars in
  views.5.withUnsafeBufferPointer { startHidden in
  views.6.withUnsafeBufferPointer { hiddenBias in
    gates.withUnsafeMutableBufferPointer { gates in
      withOptionalScalars(&recurrentNew) { recurrentNew in
        output.withUnsafeMutableBufferPointer { output in
          // Each chunk's GEMMs are small, and the other core runs the time loop.
          OpenBLAS.withSingleThread {
            RecurrentPipeline.prepareThenStep(chunks: chunks.count) { chunk in
              projectInput(
                x.baseAddress!, weight: inputWeight.baseAddress!,
                bias: bias == nil ? nil : biasScalars.baseAddress, into: gates.baseAddress!,
                batch: batch, length: length, width: width, gateWidth: 3 * hidden,
                steps: chunks[chunk])
            } step: { chunk in
              RecurrentCells.gruForward(
                batch: batch, hidden: hidden, length: length, steps: chunks[chunk],
                weight: weight.baseAddress!,
                packed: packedScalars.baseAddress,
                recurrentBias: recurrentBias == nil ? nil : hiddenBias.baseAddress,
                initialHidden: initialHidden == nil ? nil : startHidden.baseAddress,
                gates: gates.baseAddress!, recurrentNew: recurrentNew,
                output: output.baseAddress!)
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
  return (output, recording ? GRUTrace(gates: gates, recurrentNew: recurrentNew!) : nil)
}
