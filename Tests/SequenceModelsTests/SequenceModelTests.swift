import Foundation
import SequenceModels
import StateSpace
import Testing
import Training
import _TestSupport

/// Whole models built from a configuration: their two modes, causality, heads, generation,
/// gradients and checkpoints.
@Suite("Sequence model")
struct SequenceModelTests {
  static let vocabulary = 11

  /// A small mixed token model: every block kind the configuration offers.
  static func configuration(
    width: Int = 16, maximumLength: Int = 64, output: OutputHead = .perStep(size: vocabulary)
  ) -> ModelConfiguration {
    ModelConfiguration(
      input: .tokens(vocabularySize: vocabulary), width: width,
      blocks: [
        .s4(S4BlockOptions(stateSize: 8, maximumLength: maximumLength)),
        .attention(AttentionOptions(heads: 2, queryTileSize: 16)),
        .s4(S4BlockOptions(structure: .diagonal, stateSize: 8, maximumLength: maximumLength)),
        .lstm, .gru,
      ],
      output: output)
  }

  static func model<S: DifferentiableScalar & SSMScalar>(
    _: S.Type, _ configuration: ModelConfiguration = configuration(), seed: UInt64 = 1
  ) -> SequenceModel<S> {
    var generator = SeededGenerator(seed: seed)
    return try! SequenceModel<S>(configuration, generator: &generator)
  }

  static func tokens(batch: Int, length: Int, seed: UInt64) -> Tensor<Int> {
    var generator = SeededGenerator(seed: seed)
    return Tensor(shape: [batch, length]) { _ in Int(generator.next() % UInt64(vocabulary)) }
  }

  /// The logits of every step, from the step interface: (B, L, V) as a flat array.
  static func stepped<S>(_ model: SequenceModel<S>, _ tokens: Tensor<Int>) -> [S] {
    let (batch, length) = (tokens.shape[0], tokens.shape[1])
    var state = model.initialState(batchSize: batch)
    var rows = [S](repeating: 0, count: batch * length * vocabulary)
    for t in 0..<length {
      let column = Tensor<Int>(shape: [batch]) { b in tokens.scalars[b * length + t] }
      let logits = model.step(tokens: column, state: &state)
      for b in 0..<batch {
        for v in 0..<vocabulary {
          rows[(b * length + t) * vocabulary + v] = logits.scalars[b * vocabulary + v]
        }
      }
    }
    #expect(state.position == length)
    return rows
  }

  @Test("parameters: unique dotted names, one model per seed")
  func parameterNamesAndSeeds() {
    let model = Self.model(Float.self)
    let names = model.parameters.map(\.name)
    #expect(Set(names).count == names.count, "duplicate names in \(names)")
    for expected in [
      "encoder.table", "blocks.0.layer.log_dt", "blocks.0.norm.gain", "blocks.1.layer.qkv.weight",
      "blocks.2.layer.C", "blocks.3.layer.recurrent_weight", "blocks.4.layer.bias", "final_norm.gain", "decoder.weight",
    ] {
      #expect(names.contains(expected), "\(expected) missing from \(names)")
    }
    let again = Self.model(Float.self)
    let other = Self.model(Float.self, seed: 2)
    #expect(zip(model.parameters, again.parameters).allSatisfy { $0.value == $1.value })
    #expect(zip(model.parameters, other.parameters).contains { $0.value != $1.value })
  }

  @Test(
    "the whole sequence equals the step-by-step logits (Float32, L = 256; batch 1 decodes by matrix–vector products)",
    arguments: [2, 1])
  func wholeSequenceEqualsSteps(batch: Int) {
    let model = Self.model(Float.self, Self.configuration(maximumLength: 256))
    let tokens = Self.tokens(batch: batch, length: 256, seed: 3)
    let whole = model(tokens: tokens, on: Tape.inference()).value
    #expect(whole.shape == [batch, 256, Self.vocabulary])
    let error = relativeError(whole.scalars, reference: Self.stepped(model, tokens))
    #expect(error <= 1e-4, "relative error \(error)")
  }

  @Test("changing the token at t never changes earlier logits, and changes the logits at t")
  func causality() {
    let model = Self.model(Float.self)
    let length = 40
    let tokens = Self.tokens(batch: 1, length: length, seed: 4)
    let changedAt = 23
    var changed = tokens.scalars
    changed[changedAt] = (changed[changedAt] + 1) % Self.vocabulary
    let before = model(tokens: tokens, on: Tape.inference()).value.scalars
    let after = model(tokens: Tensor(shape: [1, length], scalars: changed), on: Tape.inference())
      .value.scalars
    // The FFT convolution mixes all positions in its rounding, so "unchanged" means within
    // Float32 rounding of the logits' scale, while the change at t is of the logits' order.
    let prefix = changedAt * Self.vocabulary
    let atT = prefix..<(prefix + Self.vocabulary)
    let earlier = relativeError(Array(after[..<prefix]), reference: Array(before[..<prefix]))
    let there = relativeError(Array(after[atT]), reference: Array(before[atT]))
    #expect(earlier <= 1e-5, "earlier logits moved by \(earlier)")
    #expect(there >= 1e-2, "the logits at t moved by only \(there)")
  }

  @Test("a mean-pooled head is the time average of the per-step head with the same weights")
  func meanPooledHead() {
    // Same seed and same shapes draw the same weights; the decoder is affine, so decoding the
    // mean equals the mean of the decoded steps.
    let perStep = Self.model(Double.self, Self.configuration(output: .perStep(size: 3)), seed: 9)
    let pooled = Self.model(Double.self, Self.configuration(output: .meanPooled(size: 3)), seed: 9)
    let (batch, length) = (2, 24)
    let tokens = Self.tokens(batch: batch, length: length, seed: 5)
    let steps = perStep(tokens: tokens, on: Tape.inference()).value
    let means = pooled(tokens: tokens, on: Tape.inference()).value
    #expect(means.shape == [batch, 3])
    var expected = [Double](repeating: 0, count: batch * 3)
    for b in 0..<batch {
      for t in 0..<length {
        for c in 0..<3 { expected[b * 3 + c] += steps.scalars[(b * length + t) * 3 + c] / Double(length) }
      }
    }
    #expect(relativeError(means.scalars, reference: expected) <= 1e-12)
  }

  @Test("greedy generation picks the argmax of the whole-sequence logits at every position")
  func greedyGenerationAgreesWithWholeSequence() {
    let model = Self.model(Float.self)
    let prompts = [[1, 2, 3, 4], [5, 6, 7, 8]]
    var generator = SeededGenerator(seed: 0)
    let generated = model.generate(
      prompts: prompts, count: 10, sampling: SamplingOptions(temperature: 0), generator: &generator)
    #expect(generated.map(\.count) == [10, 10])
    let full = zip(prompts, generated).map { $0 + $1 }
    let length = full[0].count
    let logits = model(tokens: Tensor(shape: [2, length], scalars: full.flatMap { $0 }), on: Tape.inference())
      .value.scalars
    for b in 0..<2 {
      for index in 0..<10 {
        let t = prompts[b].count + index - 1  // the position whose logits chose this token
        let row = Array(logits[((b * length + t) * Self.vocabulary)...].prefix(Self.vocabulary))
        let argmax = row.indices.max { row[$0] < row[$1] }!
        #expect(generated[b][index] == argmax, "sequence \(b), generated token \(index)")
      }
    }
  }

  @Test("top-k sampling draws only among the k most likely tokens, at their relative odds")
  func topKSampling() {
    let logits = Tensor<Float>(shape: [1, 5], scalars: [0, 2, 1, -1, 2 - Float(Foundation.log(3.0))])
    var generator = SeededGenerator(seed: 1)
    let sampling = SamplingOptions(temperature: 1, topK: 2)
    var counts = [Int](repeating: 0, count: 5)
    for _ in 0..<4000 { counts[sampling.sample(logits, using: &generator)[0]] += 1 }
    #expect(counts[0] == 0 && counts[3] == 0 && counts[4] == 0)
    // The two kept logits are 2 and 1: odds e : 1.
    let share = Double(counts[1]) / 4000
    let expected = Foundation.exp(1.0) / (Foundation.exp(1.0) + 1)
    #expect(abs(share - expected) < 0.03, "share \(share), expected \(expected)")
  }

  @Test("top-k keeps exactly the k largest logits, the earlier of equal ones first")
  func topKKeepsTheLargest() {
    // Largest three: 5 (token 0), 5 (token 2), then 4 — token 4 before the equal token 6.
    let logits = Tensor<Double>(shape: [1, 7], scalars: [5, 1, 5, 3, 4, 0, 4])
    var generator = SeededGenerator(seed: 2)
    // A huge temperature makes the draw uniform over the kept tokens.
    let sampling = SamplingOptions(temperature: 1e9, topK: 3)
    var drawn = Set<Int>()
    for _ in 0..<600 { drawn.insert(sampling.sample(logits, using: &generator)[0]) }
    #expect(drawn == [0, 2, 4])
    #expect(SamplingOptions(temperature: 0).sample(logits, using: &generator) == [0])
  }

  @Test("the model's gradients equal central differences (Float64)")
  func gradientCheck() {
    let configuration = ModelConfiguration(
      input: .features(size: 3), width: 4,
      blocks: [
        .s4(S4BlockOptions(stateSize: 4, maximumLength: 8)),
        .attention(AttentionOptions(heads: 2, queryTileSize: 3)),
        .gru, .lstm,
      ],
      placement: .postNorm, output: .meanPooled(size: 2))
    let model = Self.model(Double.self, configuration, seed: 4)
    var generator = SeededGenerator(seed: 8)
    let input = Tensor<Double>.randomNormal(shape: [2, 8, 3], using: &generator)
    let targets = Tensor<Double>.randomNormal(shape: [2, 2], using: &generator)
    let report = checkGradients(of: model.parameters, scalarsPerParameter: 6) { tape in
      meanSquaredError(model(features: Variable(input), on: tape), targets)
    }
    #expect(report.passes(tolerance: 1e-6), "\(report)")
  }

  @Test("a checkpoint restores a differently seeded model to the same outputs")
  func checkpointRoundTrip() throws {
    let saved = Self.model(Float.self, seed: 1)
    let restored = Self.model(Float.self, seed: 2)
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("sequence-model-\(UInt64.random(in: 0...UInt64.max)).safetensors").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Checkpoint.save(saved.parameters, to: path)
    try Checkpoint.load(into: restored.parameters, from: path)
    let tokens = Self.tokens(batch: 1, length: 16, seed: 6)
    #expect(
      saved(tokens: tokens, on: Tape.inference()).value == restored(tokens: tokens, on: Tape.inference()).value)
  }
}
