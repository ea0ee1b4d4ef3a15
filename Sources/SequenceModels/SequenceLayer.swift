import StateSpace
import Training

/// A sequence block: maps a whole sequence (B, L, H) to (B, L, H′) for training and long-context
/// inference, and the same map one time step at a time for generation and streaming.
///
/// S4 and S4D blocks step through their discretized state space, attention through a key/value
/// cache, LSTM and GRU natively. For a causal block the two modes agree: running ``step(_:state:)``
/// over t = 0 … L−1 from ``initialState(batchSize:)`` gives the rows of the whole-sequence output.
///
/// Shape legend: B batch, L sequence length, H ``inputSize``, H′ ``outputSize``.
///
/// Heterogeneous stacks hold `[any SequenceLayer<Float>]`; their states travel as `Any` and are
/// opened back to each block's ``State`` (see ``SequenceLayerStack``).
public protocol SequenceLayer<Scalar>: Module {
  /// The recurrent state of a batch (for example the SSM state, a key/value cache, or `(h, c)`).
  associatedtype State

  /// The width H of the input features.
  var inputSize: Int { get }
  /// The width H′ of the output features.
  var outputSize: Int { get }
  /// Whether output t depends only on inputs 0 … t (then ``step(_:state:)`` is available).
  var isCausal: Bool { get }

  /// The whole-sequence map, recorded on `tape` when its inputs or parameters need gradients.
  ///
  /// - Parameters:
  ///   - input: (B, L, H).
  ///   - tape: Where to record; its `isTraining` switches dropout on. Use `Tape.inference()` for
  ///     inference without recording.
  /// - Returns: (B, L, H′).
  func callAsFunction(_ input: Variable<Scalar>, on tape: Tape<Scalar>) -> Variable<Scalar>

  /// The state before the first time step, for `batchSize` independent sequences.
  func initialState(batchSize: Int) -> State

  /// Consumes one time step and updates the state.
  ///
  /// - Parameters:
  ///   - input: (B, H), the inputs at the next time step.
  ///   - state: The state after the previous steps; advanced by one step.
  /// - Returns: (B, H′), the outputs at this time step (inference: no dropout, no tape).
  func step(_ input: Tensor<Scalar>, state: inout State) -> Tensor<Scalar>
}

extension SequenceLayer {
  /// Inference on a whole sequence: (B, L, H) → (B, L, H′), nothing recorded, dropout off.
  public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
    self(Variable(input), on: Tape.inference()).value
  }
}
