import SequenceModels
import StateSpace
import Testing
import Training

/// The README's example, verbatim inside the function body, so the documented code keeps
/// compiling and keeps doing what the README says.
@Suite("README example")
struct ReadmeExampleTests {
  @Test("builds a mixed model, trains it a few steps and generates from it")
  func readmeExample() throws {
    // --- README example begins ---
    // A character model: S4, attention and GRU blocks in one residual stack.
    let configuration = ModelConfiguration(
      input: .tokens(vocabularySize: 128), width: 64,
      blocks: [.s4, .attention(AttentionOptions(heads: 4)), .gru],
      output: .perStep(size: 128))
    var generator = SeededGenerator(seed: 0)
    let model = try SequenceModel<Float>(configuration, generator: &generator)

    // Next-character prediction on a toy text, with AdamW.
    let text = Array("the quick brown fox jumps over the lazy dog. ".utf8).map(Int.init)
    let inputs = Tensor<Int>(shape: [1, text.count - 1], scalars: Array(text.dropLast()))
    let targets = Tensor<Int>(shape: [1, text.count - 1], scalars: Array(text.dropFirst()))
    var optimizer = AdamW<Float>(learningRate: 0.003, weightDecay: 0.01)
    var losses: [Double] = []
    for step in 0..<30 {
      let result = try optimizer.minimize(model.parameters, on: Tape(seed: UInt64(step))) { tape in
        crossEntropy(logits: model(tokens: inputs, on: tape), targets: targets)
      }
      losses.append(result.loss)
    }

    // Generation steps every block through its recurrent form (SSM state, KV cache, GRU state).
    let continuation = model.generate(
      prompts: [Array(text.prefix(4))], count: 40,
      sampling: SamplingOptions(temperature: 0.8, topK: 10), generator: &generator)
    print(String(decoding: continuation[0].map(UInt8.init), as: UTF8.self))
    // --- README example ends ---

    #expect(losses.last! < losses.first! / 2, "losses \(losses)")
    #expect(continuation.count == 1 && continuation[0].count == 40)
    #expect(continuation[0].allSatisfy { (0..<128).contains($0) })
  }
}
