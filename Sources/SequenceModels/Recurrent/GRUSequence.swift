import StateSpace
import Training

// The GRU over whole sequences as one tape op. The input projection of all B·L rows is one GEMM,
// x·W_ih + b (B, L, 3H′); then one C call runs the time loop (s4rnn_gru_forward in
// _FFTKernels/GRUCells.h): each step adds h_{t−1}·W_hr and h_{t−1}·W_hz onto the r and z
// columns in place, forms m = h_{t−1}·W_hn + b_hn apart (r multiplies only m), panel by panel
// of hidden units, and applies the cell equations to each panel while it is in cache.

/// What the forward pass keeps for the backward pass besides its output.
struct GRUTrace<Scalar: DifferentiableScalar> {
  /// (B, L, 3H′): r, z, n of every step.
  var gates: Tensor<Scalar>
  /// (B, L, H′): m = h_{t−1}·W_hn + b_hn.
  var recurrentNew: Tensor<Scalar>
}

/// Runs the GRU over (B, L, H) from h₋₁ (zeros when `nil`).
///
/// - Parameter recording: Whether to keep the trace the backward pass needs.
/// - Returns: h_t of every step (B, L, H′), and the trace when `recording`.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func gruForward<Scalar: DifferentiableScalar>(
  input: Tensor<Scalar>, inputWeight: Tensor<Scalar>, recurrentWeight: Tensor<Scalar>,
  bias: Tensor<Scalar>?, recurrentBias: Tensor<Scalar>?, initialHidden: Tensor<Scalar>?,
  recording: Bool
) -> (output: Tensor<Scalar>, trace: GRUTrace<Scalar>?) {
  let (batch, length) = (input.shape[0], input.shape[1])
  let hidden = recurrentWeight.shape[0]
  var gates = input.linear(weight: inputWeight, bias: bias)
  var recurrentNew: Tensor<Scalar>? =
    recording ? uninitializedTensor(shape: [batch, length, hidden]) : nil
  var output: Tensor<Scalar> = uninitializedTensor(shape: [batch, length, hidden])
  let views = (recurrentWeight, initialHidden ?? Tensor(zeros: [0]), recurrentBias ?? Tensor(zeros: [0]))
  views.0.withUnsafeBufferPointer { weight in
    views.1.withUnsafeBufferPointer { startHidden in
      views.2.withUnsafeBufferPointer { hiddenBias in
        gates.withUnsafeMutableBufferPointer { gates in
          withOptionalScalars(&recurrentNew) { recurrentNew in
            output.withUnsafeMutableBufferPointer { output in
              RecurrentCells.gruForward(
                batch: batch, hidden: hidden, length: length, weight: weight.baseAddress!,
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
  return (output, recording ? GRUTrace(gates: gates, recurrentNew: recurrentNew!) : nil)
}
