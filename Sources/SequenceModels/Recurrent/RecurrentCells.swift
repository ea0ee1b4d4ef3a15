import StateSpace
import Training
import _FFTKernels

/// Typed entry points to the C time loops of the LSTM and GRU (`RecurrentCells.h` in
/// `_FFTKernels`), for `Float` and `Double`. Each call runs a range of time steps of a
/// sequence; the type test folds away in the specialised callers.
///
/// Every (B, L, ·) buffer is batch-major (row (b, t) at b·L + t); a `nil` pointer means what
/// the C header says (a zero initial state, or no trace kept for the backward pass).
enum RecurrentCells {
  /// W_hh (H′, G·H′) packed for the forward loops, or W_hhᵀ for the backward loops
  /// (`transposed`): panels of hidden units the steps stream in order.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func packed<Scalar: DifferentiableScalar>(
    _ weight: Tensor<Scalar>, gates: Int, transposed: Bool
  ) -> Tensor<Scalar> {
    let hidden = weight.shape[0]
    let count =
      Scalar.self == Float.self
      ? s4rnn_packed_count_f32(hidden, gates) : s4rnn_packed_count_f64(hidden, gates)
    return Tensor(shape: [count], unsafeUninitializedScalars: { packed in
      weight.withUnsafeBufferPointer { weight in
        if Scalar.self == Float.self {
          s4rnn_pack_weight_f32(
            hidden, gates, asFloat(weight.baseAddress!), transposed ? 1 : 0,
            asFloat(packed.baseAddress!))
        } else {
          s4rnn_pack_weight_f64(
            hidden, gates, asDouble(weight.baseAddress!), transposed ? 1 : 0,
            asDouble(packed.baseAddress!))
        }
      }
    })
  }

  /// The LSTM forward loop over the steps `steps`: `gates` holds x·W_ih + b on entry and
  /// i, f, g, o on return; `cellState` holds c before the first step and after the last.
  @inline(__always)
  static func lstmForward<Scalar: DifferentiableScalar>(
    batch: Int, hidden: Int, length: Int, steps: Range<Int>, weight: UnsafePointer<Scalar>,
    packed: UnsafePointer<Scalar>?, initialHidden: UnsafePointer<Scalar>?,
    cellState: UnsafeMutablePointer<Scalar>, gates: UnsafeMutablePointer<Scalar>,
    cells: UnsafeMutablePointer<Scalar>?, cellTanh: UnsafeMutablePointer<Scalar>?,
    output: UnsafeMutablePointer<Scalar>
  ) {
    if Scalar.self == Float.self {
      s4rnn_lstm_forward_f32(
        batch, hidden, length, steps.lowerBound, steps.upperBound, asFloat(weight), asFloat(packed),
        asFloat(initialHidden), asFloat(cellState), asFloat(gates), asFloat(cells), asFloat(cellTanh),
        asFloat(output))
    } else {
      s4rnn_lstm_forward_f64(
        batch, hidden, length, steps.lowerBound, steps.upperBound, asDouble(weight),
        asDouble(packed), asDouble(initialHidden), asDouble(cellState), asDouble(gates), asDouble(cells),
        asDouble(cellTanh), asDouble(output))
    }
  }

  /// The LSTM backward loop from the zero state over the steps `steps` (the call whose range
  /// ends at L first): their pre-activation gradients into `gateGradient`; `hiddenGradient`
  /// and `cellGradient` (B·H′) carry ∂h and ∂c from one call to the next.
  @inline(__always)
  static func lstmBackward<Scalar: DifferentiableScalar>(
    batch: Int, hidden: Int, length: Int, steps: Range<Int>,
    packedTransposed: UnsafePointer<Scalar>, gates: UnsafePointer<Scalar>,
    cells: UnsafePointer<Scalar>, cellTanh: UnsafePointer<Scalar>,
    outputGradient: UnsafePointer<Scalar>, gateGradient: UnsafeMutablePointer<Scalar>,
    hiddenGradient: UnsafeMutablePointer<Scalar>, cellGradient: UnsafeMutablePointer<Scalar>
  ) {
    if Scalar.self == Float.self {
      s4rnn_lstm_backward_f32(
        batch, hidden, length, steps.lowerBound, steps.upperBound, asFloat(packedTransposed),
        asFloat(gates), asFloat(cells), asFloat(cellTanh), asFloat(outputGradient), asFloat(gateGradient),
        asFloat(hiddenGradient), asFloat(cellGradient))
    } else {
      s4rnn_lstm_backward_f64(
        batch, hidden, length, steps.lowerBound, steps.upperBound, asDouble(packedTransposed),
        asDouble(gates), asDouble(cells), asDouble(cellTanh), asDouble(outputGradient),
        asDouble(gateGradient), asDouble(hiddenGradient), asDouble(cellGradient))
    }
  }

  /// The GRU forward loop over the steps `steps`: `gates` holds x·W_ih + b on entry and
  /// r, z, n on return.
  @inline(__always)
  static func gruForward<Scalar: DifferentiableScalar>(
    batch: Int, hidden: Int, length: Int, steps: Range<Int>, weight: UnsafePointer<Scalar>,
    packed: UnsafePointer<Scalar>?, recurrentBias: UnsafePointer<Scalar>?,
    initialHidden: UnsafePointer<Scalar>?, gates: UnsafeMutablePointer<Scalar>,
    recurrentNew: UnsafeMutablePointer<Scalar>?, output: UnsafeMutablePointer<Scalar>
  ) {
    if Scalar.self == Float.self {
      s4rnn_gru_forward_f32(
        batch, hidden, length, steps.lowerBound, steps.upperBound, asFloat(weight), asFloat(packed),
        asFloat(recurrentBias), asFloat(initialHidden), asFloat(gates), asFloat(recurrentNew),
        asFloat(output))
    } else {
      s4rnn_gru_forward_f64(
        batch, hidden, length, steps.lowerBound, steps.upperBound, asDouble(weight),
        asDouble(packed), asDouble(recurrentBias), asDouble(initialHidden), asDouble(gates),
        asDouble(recurrentNew), asDouble(output))
    }
  }

  /// The GRU backward loop from the zero state over the steps `steps` (the call whose range
  /// ends at L first): their input-side and recurrent-side pre-activation gradients;
  /// `hiddenGradient` (B·H′) carries ∂h from one call to the next.
  @inline(__always)
  static func gruBackward<Scalar: DifferentiableScalar>(
    batch: Int, hidden: Int, length: Int, steps: Range<Int>,
    packedTransposed: UnsafePointer<Scalar>, gates: UnsafePointer<Scalar>,
    recurrentNew: UnsafePointer<Scalar>, output: UnsafePointer<Scalar>,
    outputGradient: UnsafePointer<Scalar>, inputGradient: UnsafeMutablePointer<Scalar>,
    recurrentGradient: UnsafeMutablePointer<Scalar>, hiddenGradient: UnsafeMutablePointer<Scalar>
  ) {
    if Scalar.self == Float.self {
      s4rnn_gru_backward_f32(
        batch, hidden, length, steps.lowerBound, steps.upperBound, asFloat(packedTransposed),
        asFloat(gates), asFloat(recurrentNew), asFloat(output), asFloat(outputGradient),
        asFloat(inputGradient), asFloat(recurrentGradient), asFloat(hiddenGradient))
    } else {
      s4rnn_gru_backward_f64(
        batch, hidden, length, steps.lowerBound, steps.upperBound, asDouble(packedTransposed),
        asDouble(gates), asDouble(recurrentNew), asDouble(output), asDouble(outputGradient),
        asDouble(inputGradient), asDouble(recurrentGradient), asDouble(hiddenGradient))
    }
  }
}

/// Calls `body` with the scalars of `tensor`, or with `nil` when there is no tensor (a trace
/// the inference pass does not keep).
@inline(__always)
func withOptionalScalars<Scalar: DifferentiableScalar, Result>(
  _ tensor: inout Tensor<Scalar>?, _ body: (UnsafeMutablePointer<Scalar>?) -> Result
) -> Result {
  guard var value = tensor else { return body(nil) }
  tensor = nil  // so that `value` is the only reference and is written in place
  defer { tensor = value }
  return value.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}
