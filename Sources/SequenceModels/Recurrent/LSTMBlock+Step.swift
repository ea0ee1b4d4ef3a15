import StateSpace
import Training

/// The state of an ``LSTMBlock`` for a batch: the hidden state h and the cell state c.
///
/// Shape legend: B batch, H′ hidden size.
public struct LSTMState<Scalar: DifferentiableScalar> {
  /// h, (B, H′): the last output.
  public var hidden: Tensor<Scalar>
  /// c, (B, H′).
  public var cell: Tensor<Scalar>

  /// Creates a state from h and c.
  ///
  /// - Parameters:
  ///   - hidden: h, (B, H′).
  ///   - cell: c, (B, H′), the same shape.
  public init(hidden: Tensor<Scalar>, cell: Tensor<Scalar>) {
    precondition(
      hidden.rank == 2 && hidden.shape == cell.shape,
      "LSTMState: h \(hidden.shape) and c \(cell.shape) must both be (B, H′)")
    self.hidden = hidden
    self.cell = cell
  }

  /// W_hh packed for the step loop, from the first step on (``PackedRecurrentWeight``).
  var packedWeight: PackedRecurrentWeight<Scalar>?

  /// B.
  public var batchSize: Int { hidden.shape[0] }
}

extension LSTMBlock {
  /// h = c = 0 for `batchSize` sequences, the state the whole-sequence mode starts from.
  public func initialState(batchSize: Int) -> LSTMState<Scalar> {
    precondition(
      batchSize > 0, "LSTMBlock.initialState: batch size must be positive, got \(batchSize)")
    return LSTMState(
      hidden: Tensor(zeros: [batchSize, hiddenSize]), cell: Tensor(zeros: [batchSize, hiddenSize]))
  }

  /// One LSTM step: (B, H) → (B, H′), advancing (h, c) by the equations of ``LSTMBlock``.
  ///
  /// Runs the whole-sequence kernels on a sequence of length 1 from `state`, so the result is
  /// row t of the whole-sequence output.
  ///
  /// - Parameters:
  ///   - input: (B, H), x_t.
  ///   - state: (h_{t−1}, c_{t−1}); becomes (h_t, c_t).
  /// - Returns: h_t, (B, H′).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func step(_ input: Tensor<Scalar>, state: inout LSTMState<Scalar>) -> Tensor<Scalar> {
    precondition(
      input.shape == [state.batchSize, inputSize] && state.hidden.shape[1] == hiddenSize,
      "LSTMBlock.step: input must be (B = \(state.batchSize), H = \(inputSize)) for a state of hidden size \(state.hidden.shape[1]) (block H′ = \(hiddenSize)), got \(input.shape)"
    )
    let batch = state.batchSize
    let packed = PackedRecurrentWeight.panels(of: recurrentWeight.value, gates: 4, cache: &state.packedWeight)
    let step = lstmForward(
      input: input.reshaped(to: [batch, 1, inputSize]), inputWeight: inputWeight.value,
      recurrentWeight: recurrentWeight.value, bias: bias?.value, initialHidden: state.hidden,
      initialCell: state.cell, recording: false,
      packedRecurrentWeight: packed)
    state.hidden = step.output.reshaped(to: [batch, hiddenSize])
    state.cell = step.cell
    return state.hidden
  }
}
