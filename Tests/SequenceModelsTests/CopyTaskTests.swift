import SequenceModels
import StateSpace
import Testing
import Training
import _TestSupport

/// A mixed stack learns to copy: it reads k data tokens and a separator, then must emit the k
/// tokens in order. Only the k answer positions are scored; a model that has learned nothing
/// scores ln(symbols) nats there.
@Suite("Copying task")
struct CopyTaskTests {
  static let symbols = 6  // data tokens 1…6; 0 is the blank, 7 the separator
  static let vocabulary = symbols + 2
  static let separator = symbols + 1
  static let copied = 6  // k

  /// A batch of copying problems: inputs (B, 2k + 1) and targets (B, 2k + 1), −1 where unscored.
  static func batch(_ size: Int, using generator: inout SeededGenerator) -> (Tensor<Int>, Tensor<Int>) {
    let length = 2 * copied + 1
    var inputs = [Int](repeating: 0, count: size * length)
    var targets = [Int](repeating: -1, count: size * length)
    for b in 0..<size {
      for index in 0..<copied {
        let token = 1 + Int(generator.next() % UInt64(symbols))
        inputs[b * length + index] = token
        // After the separator at position k, position k + index emits data token index.
        targets[b * length + copied + index] = token
      }
      inputs[b * length + copied] = separator
    }
    return (Tensor(shape: [size, length], scalars: inputs), Tensor(shape: [size, length], scalars: targets))
  }

  @Test("S4 + attention + GRU stack: answer loss below 0.05 nats within 400 Adam steps")
  func mixedStackLearnsToCopy() throws {
    var generator = SeededGenerator(seed: 11)
    let configuration = ModelConfiguration(
      input: .tokens(vocabularySize: Self.vocabulary), width: 32,
      blocks: [
        .s4(S4BlockOptions(stateSize: 16, maximumLength: 16)),
        .attention(AttentionOptions(heads: 2)),
        .gru,
      ],
      output: .perStep(size: Self.vocabulary))
    let model = try SequenceModel<Float>(configuration, generator: &generator)
    var optimizer = Adam<Float>(learningRate: 0.005)
    var data = SeededGenerator(seed: 12)
    var losses: [Double] = []
    for step in 0..<400 {
      let (inputs, targets) = Self.batch(32, using: &data)
      let result = try optimizer.minimize(
        model.parameters, on: Tape(seed: UInt64(step)), clippingNormTo: 1
      ) { tape in
        crossEntropy(logits: model(tokens: inputs, on: tape), targets: targets, ignoreIndex: -1)
      }
      losses.append(result.loss)
      if losses.suffix(5).count == 5, losses.suffix(5).allSatisfy({ $0 < 0.05 }) { break }
    }
    print("copy task: \(losses.count) steps, loss \(losses.first!) → \(losses.last!)")
    #expect(losses.suffix(5).allSatisfy { $0 < 0.05 }, "losses \(losses.suffix(10))")
  }
}
