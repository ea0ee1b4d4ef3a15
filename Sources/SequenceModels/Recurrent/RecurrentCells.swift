import StateSpace
import Training
import _FFTKernels

/// Typed entry points to the C time loops of the LSTM and GRU (`RecurrentCells.h` in
/// `_FFTKernels`), for `Float` and `Double`. Each call runs a whole sequence; the type test
/// folds away in the specialised callers.
///
/// Every (B, L, ·) buffer is batch-major (row (b, t) at b·L + t); a `nil` pointer means what
/// the C header says (a zero initial state, or no trace kept for the backward pass).
enum RecurrentCells {
  /// The LSTM forward loop: `gates` holds x·W_ih + b on entry and i, f, g, o on return;
  /// `cellState` holds c₋₁ on entry and c_{L−1} on return.
  @inline(__always)
  static func lstmForward<Scalar: DifferentiableScalar>(
    batch: Int, hidden: Int, length: Int, weight: UnsafePointer<Scalar>,
    initialHidden: UnsafePointer<Scalar>?, cellState: UnsafeMutablePointer<Scalar>,
    gates: UnsafeMutablePointer<Scalar>, cells: UnsafeMutablePointer<Scalar>?,
    cellTanh: UnsafeMutablePointer<Scalar>?, output: UnsafeMutablePointer<Scalar>
  ) {
    if Scalar.self == Float.self {
      s4rnn_lstm_forward_f32(
        batch, hidden, length, float(weight), float(initialHidden), float(cellState),
        float(gates), float(cells), float(cellTanh), float(output))
    } else {
      s4rnn_lstm_forward_f64(
        batch, hidden, length, double(weight), double(initialHidden), double(cellState),
        double(gates), double(cells), double(cellTanh), double(output))
    }
  }

  /// The LSTM backward loop from the zero state: the pre-activation gradients of every step
  /// into `gateGradient`; `hiddenGradient` and `cellGradient` (B·H) are scratch.
  @inline(__always)
  static func lstmBackward<Scalar: DifferentiableScalar>(
    batch: Int, hidden: Int, length: Int, weight: UnsafePointer<Scalar>,
    gates: UnsafePointer<Scalar>, cells: UnsafePointer<Scalar>, cellTanh: UnsafePointer<Scalar>,
    outputGradient: UnsafePointer<Scalar>, gateGradient: UnsafeMutablePointer<Scalar>,
    hiddenGradient: UnsafeMutablePointer<Scalar>, cellGradient: UnsafeMutablePointer<Scalar>
  ) {
    if Scalar.self == Float.self {
      s4rnn_lstm_backward_f32(
        batch, hidden, length, float(weight), float(gates), float(cells), float(cellTanh),
        float(outputGradient), float(gateGradient), float(hiddenGradient), float(cellGradient))
    } else {
      s4rnn_lstm_backward_f64(
        batch, hidden, length, double(weight), double(gates), double(cells), double(cellTanh),
        double(outputGradient), double(gateGradient), double(hiddenGradient),
        double(cellGradient))
    }
  }

  /// The GRU forward loop: `gates` holds x·W_ih + b on entry and r, z, n on return.
  @inline(__always)
  static func gruForward<Scalar: DifferentiableScalar>(
    batch: Int, hidden: Int, length: Int, weight: UnsafePointer<Scalar>,
    recurrentBias: UnsafePointer<Scalar>?, initialHidden: UnsafePointer<Scalar>?,
    gates: UnsafeMutablePointer<Scalar>, recurrentNew: UnsafeMutablePointer<Scalar>?,
    output: UnsafeMutablePointer<Scalar>
  ) {
    if Scalar.self == Float.self {
      s4rnn_gru_forward_f32(
        batch, hidden, length, float(weight), float(recurrentBias), float(initialHidden),
        float(gates), float(recurrentNew), float(output))
    } else {
      s4rnn_gru_forward_f64(
        batch, hidden, length, double(weight), double(recurrentBias), double(initialHidden),
        double(gates), double(recurrentNew), double(output))
    }
  }

  /// The GRU backward loop from the zero state: the input-side and recurrent-side
  /// pre-activation gradients of every step; `hiddenGradient` (B·H) is scratch.
  @inline(__always)
  static func gruBackward<Scalar: DifferentiableScalar>(
    batch: Int, hidden: Int, length: Int, weight: UnsafePointer<Scalar>,
    gates: UnsafePointer<Scalar>, recurrentNew: UnsafePointer<Scalar>,
    output: UnsafePointer<Scalar>, outputGradient: UnsafePointer<Scalar>,
    inputGradient: UnsafeMutablePointer<Scalar>, recurrentGradient: UnsafeMutablePointer<Scalar>,
    hiddenGradient: UnsafeMutablePointer<Scalar>
  ) {
    if Scalar.self == Float.self {
      s4rnn_gru_backward_f32(
        batch, hidden, length, float(weight), float(gates), float(recurrentNew), float(output),
        float(outputGradient), float(inputGradient), float(recurrentGradient),
        float(hiddenGradient))
    } else {
      s4rnn_gru_backward_f64(
        batch, hidden, length, double(weight), double(gates), double(recurrentNew),
        double(output), double(outputGradient), double(inputGradient),
        double(recurrentGradient), double(hiddenGradient))
    }
  }

  // The same addresses as Float or Double pointers (only called when Scalar is that type).
  @inline(__always)
  private static func float<S>(_ p: UnsafePointer<S>) -> UnsafePointer<Float> {
    UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
  }
  @inline(__always)
  private static func float<S>(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
  }
  @inline(__always)
  private static func float<S>(_ p: UnsafePointer<S>?) -> UnsafePointer<Float>? { p.map(float) }
  @inline(__always)
  private static func float<S>(_ p: UnsafeMutablePointer<S>?) -> UnsafeMutablePointer<Float>? {
    p.map(float)
  }
  @inline(__always)
  private static func double<S>(_ p: UnsafePointer<S>) -> UnsafePointer<Double> {
    UnsafeRawPointer(p).assumingMemoryBound(to: Double.self)
  }
  @inline(__always)
  private static func double<S>(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Double> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Double.self)
  }
  @inline(__always)
  private static func double<S>(_ p: UnsafePointer<S>?) -> UnsafePointer<Double>? {
    p.map(double)
  }
  @inline(__always)
  private static func double<S>(_ p: UnsafeMutablePointer<S>?) -> UnsafeMutablePointer<Double>? {
    p.map(double)
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
