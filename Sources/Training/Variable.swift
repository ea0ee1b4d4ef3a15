import StateSpace

/// A tensor flowing through a computation, together with where it came from on a ``Tape``.
///
/// A variable that does not depend on any watched parameter or input carries no tape: the ops
/// it enters compute their value and record nothing, so inference and constant inputs cost no
/// bookkeeping.
public struct Variable<Scalar: DifferentiableScalar> {
  /// The computed value.
  public let value: Tensor<Scalar>
  /// The tape and node this value is recorded at, when it needs a gradient.
  let recording: (tape: Tape<Scalar>, node: Int)?

  /// A constant: a value that needs no gradient.
  public init(_ value: Tensor<Scalar>) {
    self.value = value
    self.recording = nil
  }

  init(_ value: Tensor<Scalar>, tape: Tape<Scalar>, node: Int) {
    self.value = value
    self.recording = (tape, node)
  }

  /// The shape of the value.
  public var shape: [Int] { value.shape }

  /// The number of axes of the value.
  public var rank: Int { value.rank }

  /// Whether a gradient flows back through this value.
  public var requiresGradient: Bool { recording != nil }

  /// The tape this value is recorded on, if any.
  public var tape: Tape<Scalar>? { recording?.tape }
}

extension Variable {
  /// Records an op whose output `value` was computed from `inputs`, with the pullback that maps
  /// the gradient of the output to the gradient of each input (in the order of `inputs`; `nil`
  /// for an input that receives none).
  ///
  /// This is the one entry point every differentiable op uses, including wrappers around
  /// external forward/backward pairs: when no input requires a gradient, nothing is recorded
  /// and the result is a constant.
  ///
  /// - Parameters:
  ///   - value: The op's output.
  ///   - inputs: The op's differentiable operands.
  ///   - pullback: The vector–Jacobian product; it receives the output's gradient (the shape
  ///     of `value`) and returns one gradient per input, each of that input's shape.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func record(
    _ value: Tensor<Scalar>, inputs: [Variable], pullback: @escaping (Tensor<Scalar>) -> [Tensor<Scalar>?]
  ) -> Variable {
    var tape: Tape<Scalar>?
    for input in inputs {
      guard let recorded = input.recording else { continue }
      if let existing = tape {
        precondition(existing === recorded.tape, "Variable.record: inputs come from different tapes")
      } else {
        tape = recorded.tape
      }
    }
    guard let tape else { return Variable(value) }
    let node = tape.appendNode(
      inputs: inputs.map { $0.recording?.node }, shape: value.shape, pullback: pullback)
    return Variable(value, tape: tape, node: node)
  }
}
