import StateSpace
import Training

/// The recurrent state of a whole ``SequenceModel``: one state per block.
public struct SequenceModelState {
  var blockStates: [Any]
  /// The number of time steps consumed so far.
  public internal(set) var position: Int
}

extension SequenceModel {
  /// The state before the first time step, for `batchSize` independent sequences.
  public func initialState(batchSize: Int) -> SequenceModelState {
    precondition(batchSize > 0, "SequenceModel.initialState: batch size must be positive")
    precondition(
      isCausal, "SequenceModel.initialState: a model with bidirectional blocks cannot step")
    precondition(
      { if case .perStep = output { true } else { false } }(),
      "SequenceModel.initialState: a mean-pooled model has no per-step output")
    return SequenceModelState(
      blockStates: blocks.map { $0.initialState(batchSize: batchSize) }, position: 0)
  }

  /// Consumes one token per sequence and returns the decoder's output for it: (B) → (B, out).
  public func step(tokens: Tensor<Int>, state: inout SequenceModelState) -> Tensor<Scalar> {
    guard let tokenEncoder else {
      preconditionFailure("SequenceModel.step: this model reads features, not tokens (\(input))")
    }
    precondition(tokens.rank == 1, "SequenceModel.step: tokens must be (B), got shape \(tokens.shape)")
    return stepBody(tokenEncoder(tokens), state: &state)
  }

  /// Consumes one feature vector per sequence: (B, F) → (B, out).
  public func step(features: Tensor<Scalar>, state: inout SequenceModelState) -> Tensor<Scalar> {
    guard let featureEncoder else {
      preconditionFailure("SequenceModel.step: this model reads tokens, not features (\(input))")
    }
    precondition(
      features.rank == 2, "SequenceModel.step: features must be (B, F), got shape \(features.shape)")
    return stepBody(featureEncoder(features), state: &state)
  }

  private func stepBody(_ hidden: Tensor<Scalar>, state: inout SequenceModelState) -> Tensor<Scalar>
  {
    precondition(
      state.blockStates.count == blocks.count,
      "SequenceModel.step: the state holds \(state.blockStates.count) blocks, the model \(blocks.count)")
    var hidden = hidden
    for index in blocks.indices {
      hidden = blocks[index].step(hidden, state: &state.blockStates[index])
    }
    if let finalNorm { hidden = finalNorm(hidden) }
    state.position += 1
    return decoder(hidden)
  }
}
