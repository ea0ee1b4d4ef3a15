import SequenceModels
import StateSpace
import Testing
import Training

/// A step state packs W_hh once and keeps it: after the weight changes (an optimizer update in
/// place, or an assignment), the next step must use the new weight, exactly as a state that
/// never packed does.
@Suite("Recurrent step states follow weight updates")
struct RecurrentStepCacheTests {
  /// Perturbs every scalar of `parameter` in place, as an optimizer update does.
  func update(_ parameter: Parameter<Float>) {
    parameter.value.withUnsafeMutableBufferPointer { values in
      for i in values.indices { values[i] += 0.05 * Float(i % 7 - 3) }
    }
  }

  /// Steps `state` once, changes W_hh with `change`, and checks that the next step equals that
  /// of a state with the same (h, c) that has packed nothing, and differs from the step with the
  /// old weight.
  func check<State>(
    change: () -> Void, initial: State, fresh: (State) -> State,
    step: (inout State) -> Tensor<Float>
  ) {
    var cached = initial
    _ = step(&cached)
    var beforeChange = cached
    let oldWeightOutput = step(&beforeChange)
    change()
    var unpacked = fresh(cached)
    let expected = step(&unpacked)
    #expect(step(&cached).scalars == expected.scalars)
    #expect(expected.scalars != oldWeightOutput.scalars)
  }

  @Test func lstmStepUsesTheUpdatedWeight() {
    var generator = SeededGenerator(seed: 5)
    let block = LSTMBlock<Float>(width: 40, name: "lstm", generator: &generator)
    let x = Tensor<Float>.randomNormal(shape: [16, 40], using: &generator)
    for change in [{ self.update(block.recurrentWeight) }, {
      block.recurrentWeight.value = Tensor(zeros: block.recurrentWeight.shape)
    }] {
      check(
        change: change, initial: block.initialState(batchSize: 16),
        fresh: { LSTMState(hidden: $0.hidden, cell: $0.cell) }, step: { block.step(x, state: &$0) })
    }
  }

  @Test func gruStepUsesTheUpdatedWeight() {
    var generator = SeededGenerator(seed: 6)
    let block = GRUBlock<Float>(width: 40, name: "gru", generator: &generator)
    let x = Tensor<Float>.randomNormal(shape: [16, 40], using: &generator)
    for change in [{ self.update(block.recurrentWeight) }, {
      block.recurrentWeight.value = Tensor(zeros: block.recurrentWeight.shape)
    }] {
      check(
        change: change, initial: block.initialState(batchSize: 16),
        fresh: { GRUState(hidden: $0.hidden) }, step: { block.step(x, state: &$0) })
    }
  }
}
