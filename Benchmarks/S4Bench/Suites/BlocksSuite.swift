import StateSpace
import Training
import SequenceModels

/// One block of each kind, forward and forward+backward, at B = 8, H = 256 and growing L:
/// time, tokens/s and peak memory side by side.
enum BlocksSuite {
  /// A block kind the suite measures: its JSON name and how to build one of width H.
  struct Entry {
    let kind: String
    let make: (_ width: Int, _ length: Int, _ generator: inout SeededGenerator) -> any SequenceLayer<
      Float
    >

    /// An entry for a configuration kind; `options(length)` gives its options for inputs of
    /// that length (S4's maximum length follows L).
    init(_ kind: @escaping (_ length: Int) -> BlockKind) {
      self.kind = kind(1).name
      make = { width, length, generator in
        do {
          return try kind(length).makeLayer(width: width, name: "block", generator: &generator)
        } catch {
          fatalError("blocks: building a \(kind(length).name) block failed: \(error)")
        }
      }
    }
  }

  /// The measured kinds, in table order: S4, S4D, 4-head causal attention, LSTM, GRU.
  static var entries: [Entry] {
    [
      Entry { .s4(S4BlockOptions(structure: .diagonalPlusLowRank, maximumLength: $0)) },
      Entry { .s4(S4BlockOptions(structure: .diagonal, maximumLength: $0)) },
      Entry { _ in .attention(AttentionOptions(heads: 4)) },
      Entry { _ in .lstm },
      Entry { _ in .gru },
    ]
  }

  static func run(_ context: inout BenchmarkContext) {
    let batch = context.quick ? 2 : 8
    let width = context.quick ? 64 : 256
    let lengths = context.quick ? [256] : [1024, 4096]
    for length in lengths {
      for entry in entries {
        var generator = SeededGenerator(seed: 42)
        let block = entry.make(width, length, &generator)
        measure(block, kind: entry.kind, batch: batch, length: length, context: &context)
      }
    }
  }

  /// Times inference and a training step of `block` on random input.
  static func measure(
    _ block: any SequenceLayer<Float>, kind: String, batch: Int, length: Int,
    context: inout BenchmarkContext
  ) {
    var generator = SeededGenerator(seed: 7)
    let input = Tensor<Float>.randomNormal(
      shape: [batch, length, block.inputSize], using: &generator)
    let outputGradient = Tensor<Float>.randomNormal(
      shape: [batch, length, block.outputSize], using: &generator)
    let params: [(String, ParameterValue)] = [
      ("batch", .int(batch)), ("length", .int(length)), ("width", .int(block.inputSize)),
    ]
    let tokens = Double(batch * length)
    let throughput: (Double) -> [(String, Double)] = { [("tokens_per_second", tokens / $0)] }
    var sink: Float = 0
    context.measure(
      "blocks.\(kind).forward", params: params, measureMemory: true, minimumRepetitions: 3,
      throughput: throughput
    ) {
      sink += block(input).scalars[0]
    }
    context.measure(
      "blocks.\(kind).forward_backward", params: params, measureMemory: true,
      minimumRepetitions: 3, throughput: throughput
    ) {
      let tape = Tape<Float>(training: true, seed: 1)
      let output = block(tape.watch(input), on: tape)
      let gradients = tape.gradients(of: output, seed: outputGradient)
      sink += gradients[block.parameters[0]]?.scalars[0] ?? 0
    }
    precondition(sink.isFinite, "blocks.\(kind): non-finite output")
  }
}
