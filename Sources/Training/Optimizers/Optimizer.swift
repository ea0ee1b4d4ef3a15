import StateSpace

/// Something that updates parameters from their gradients: SGD, Adam, AdamW.
///
/// An optimizer is a value. Its state (momentum buffers, moment estimates, step counts) is kept
/// per parameter identity, so the same optimizer serves a model whose parameter list it walks
/// each step; ``state(for:)`` and ``restore(_:for:)`` expose that state by parameter name for
/// checkpoints.
///
/// The learning rate of a parameter is its base rate — ``ParameterOptions/learningRate`` if
/// set, else ``learningRate`` — times ``learningRateScale``, the factor a schedule sets for every
/// parameter alike (PyTorch's semantics for parameter groups). Weight decay likewise comes from
/// ``ParameterOptions/weightDecay`` or the optimizer's default.
///
/// ```swift
/// var optimizer = AdamW<Float>(learningRate: 0.01, weightDecay: 0.05)
/// let schedule = WarmupCosineDecay(warmupSteps: 100, totalSteps: 10_000)
/// for batch in batches {
///   optimizer.apply(schedule)
///   try optimizer.minimize(model.parameters, on: Tape(seed: batch.seed)) { tape in
///     crossEntropy(logits: model(batch.input, on: tape), targets: batch.labels)
///   }
/// }
/// ```
public protocol Optimizer<Scalar> {
  /// The scalar type of the parameters.
  associatedtype Scalar: DifferentiableScalar

  /// The base learning rate of parameters whose options do not set one.
  var learningRate: Double { get set }

  /// The factor applied to every parameter's base learning rate (1 when no schedule is used).
  var learningRateScale: Double { get set }

  /// The number of ``update(_:with:)`` calls so far (restored from checkpoints).
  var stepCount: Int { get }

  /// The name checkpoints record for this kind of state, for example `adamw`.
  var stateKind: String { get }

  /// The names of the per-parameter state tensors, in the order of
  /// ``OptimizerState/Entry/slots``, for example `["m", "v"]`.
  var stateSlotNames: [String] { get }

  /// Applies one update to every parameter that has a gradient; parameters without one are
  /// skipped and their state is left as it is.
  ///
  /// - Parameters:
  ///   - parameters: The parameters to update, each listed once.
  ///   - gradients: The gradients the tape returned for a loss.
  mutating func update(_ parameters: [Parameter<Scalar>], with gradients: Gradients<Scalar>)

  /// The state kept for `parameters`, keyed by parameter name.
  ///
  /// - Parameter parameters: The parameters whose state is wanted; names must be unique.
  /// - Returns: One entry per parameter that has state (that has received a gradient).
  func state(for parameters: [Parameter<Scalar>]) -> OptimizerState<Scalar>

  /// Replaces the state of `parameters` by `state`: parameters named in it get its entry,
  /// the others start afresh. Nothing changes if an error is thrown.
  ///
  /// - Parameters:
  ///   - state: State read from a checkpoint, of this optimizer's kind.
  ///   - parameters: The parameters to restore, matched to entries by name.
  /// - Throws: ``CheckpointError/optimizerMismatch(expected:found:)`` for state of another
  ///   kind, ``CheckpointError/shapeMismatch(tensor:expected:found:)`` for a slot whose shape
  ///   differs from its parameter's.
  mutating func restore(
    _ state: OptimizerState<Scalar>, for parameters: [Parameter<Scalar>]
  ) throws(CheckpointError)
}

extension Optimizer {
  /// Sets ``learningRateScale`` to the schedule's factor for the next step
  /// (``stepCount``, counting from 0).
  ///
  /// - Parameter schedule: The learning-rate schedule.
  public mutating func apply(_ schedule: some LearningRateSchedule) {
    learningRateScale = schedule.factor(atStep: stepCount)
  }

  /// The learning rate `parameter` is updated with: its base rate times ``learningRateScale``.
  ///
  /// - Parameter parameter: A parameter of the model.
  /// - Returns: `(parameter.options.learningRate ?? learningRate) · learningRateScale`.
  public func effectiveLearningRate(for parameter: Parameter<Scalar>) -> Double {
    (parameter.options.learningRate ?? learningRate) * learningRateScale
  }
}

/// An optimizer's per-parameter state, by parameter name: what a checkpoint stores.
///
/// In a checkpoint, slot `s` of parameter `p` is the tensor `optimizer.s.p`, the step count of
/// `p` the metadata entry `optimizer.step.p`, ``kind`` the entry `optimizer` and ``stepCount``
/// the entry `optimizer.steps`.
public struct OptimizerState<Scalar: DifferentiableScalar>: Sendable {
  /// The state of one parameter.
  public struct Entry: Sendable, Equatable {
    /// How many updates this parameter has received (Adam's bias correction uses it).
    public var step: Int
    /// The state tensors, in the order of ``OptimizerState/slotNames``, each of the
    /// parameter's shape.
    public var slots: [Tensor<Scalar>]

    /// Creates an entry.
    ///
    /// - Parameters:
    ///   - step: The number of updates the parameter has received.
    ///   - slots: The state tensors in slot order.
    public init(step: Int, slots: [Tensor<Scalar>]) {
      self.step = step
      self.slots = slots
    }
  }

  /// The optimizer kind the state belongs to, for example `adamw`.
  public var kind: String
  /// The names of the state tensors of each entry, for example `["m", "v"]`.
  public var slotNames: [String]
  /// The number of updates the optimizer has made.
  public var stepCount: Int
  /// The state of each parameter that has any, keyed by parameter name.
  public var entries: [String: Entry]

  /// Creates a state.
  ///
  /// - Parameters:
  ///   - kind: The optimizer kind.
  ///   - slotNames: The names of the state tensors of each entry.
  ///   - stepCount: The number of updates made.
  ///   - entries: The per-parameter state keyed by parameter name.
  public init(kind: String, slotNames: [String], stepCount: Int, entries: [String: Entry]) {
    self.kind = kind
    self.slotNames = slotNames
    self.stepCount = stepCount
    self.entries = entries
  }
}
