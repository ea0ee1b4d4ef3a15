import StateSpace
import Training

/// The state of a ``GRUBlock`` for a batch: the hidden state h.
///
/// Shape legend: B batch, H′ hidden size.
public struct GRUState<Scalar: DifferentiableScalar> {
  /// h, (B, H′): the last output.
  public var hidden: Tensor<Scalar>

  /// Creates a state from h, (B, H′).
  public init(hidden: Tensor<Scalar>) {
    precondition(hidden.rank == 2, "GRUState: h must be (B, H′), got \(hidden.shape)")
    self.hidden = hidden
  }

  /// W_hh packed for the step loop, from the first step on (``PackedRecurrentWeight``).
  var packedWeight: PackedRecurrentWeight<Scalar>?

  /// B.
  public var batchSize: Int { hidden.shape[0] }
}

extension GRUBlock {
  /// h = 0 for `batchSize` sequences, the state the whole-sequence mode starts from.
  public func initialState(batchSize: Int) -> GRUState<Scalar> {
    precondition(
      batchSize > 0, "GRUBlock.initialState: batch size must be positive, got \(batchSize)")
    return GRUState(hidden: Tensor(zeros: [batchSize, hiddenSize]))
  }

  /// One GRU step: (B, H) → (B, H′), advancing h by the equations of ``GRUBlock``.
  ///
  /// Runs the whole-sequence kernels on a sequence of length 1 from `state`, so the result is
  /// row t of the whole-sequence output.
  ///
  /// - Parameters:
  ///   - input: (B, H), x_t.
  ///   - state: h_{t−1}; becomes h_t.
  /// - Returns: h_t, (B, H′).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func step(_ input: Tensor<Scalar>, state: inout GRUState<Scalar>) -> Tensor<Scalar> {
    precondition(
      input.shape == [state.batchSize, inputSize] && state.hidden.shape[1] == hiddenSize,
      "GRUBlock.step: input must be (B = \(state.batchSize), H = \(inputSize)) for a state of hidden size \(state.hidden.shape[1]) (block H′ = \(hiddenSize)), got \(input.shape)"
    )
    let batch = state.batchSize
    let packed = PackedRecurrentWeight.panels(of: recurrentWeight.value, gates: 3, cache: &state.packedWeight)
    let step = gruForward(
      input: input.reshaped(to: [batch, 1, inputSize]), inputWeight: inputWeight.value,
      recurrentWeight: recurrentWeight.value, bias: bias?.value,
      recurrentBias: recurrentBias?.value, initialHidden: state.hidden, recording: false,
      packedRecurrentWeight: packed)
    state.hidden = step.output.reshaped(to: [batch, hiddenSize])
    return state.hidden
  }
}
