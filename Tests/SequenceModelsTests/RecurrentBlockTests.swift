import Numerics
import SequenceModels
import StateSpace
import Testing
import Training
import _TestSupport

/// The LSTM and GRU blocks: the Float64 definitions (NaiveRecurrent.swift), step mode against
/// the whole sequence, causality and the preconditions. Gradients: RecurrentGradientTests.swift.
@Suite("Recurrent blocks")
struct RecurrentBlockTests {
  enum Kind: String, CaseIterable, Sendable { case lstm, gru }

  static func lstm<S: DifferentiableScalar>(
    _: S.Type, width: Int, options: RecurrentOptions = RecurrentOptions(), seed: UInt64 = 1
  ) -> LSTMBlock<S> {
    var generator = SeededGenerator(seed: seed)
    return LSTMBlock<S>(width: width, options: options, name: "lstm", generator: &generator)
  }

  static func gru<S: DifferentiableScalar>(
    _: S.Type, width: Int, options: RecurrentOptions = RecurrentOptions(), seed: UInt64 = 1
  ) -> GRUBlock<S> {
    var generator = SeededGenerator(seed: seed)
    return GRUBlock<S>(width: width, options: options, name: "gru", generator: &generator)
  }

  static func block<S: DifferentiableScalar>(
    _ kind: Kind, _ type: S.Type, width: Int, options: RecurrentOptions = RecurrentOptions(),
    seed: UInt64 = 1
  ) -> any SequenceLayer<S> {
    switch kind {
    case .lstm: lstm(type, width: width, options: options, seed: seed)
    case .gru: gru(type, width: width, options: options, seed: seed)
    }
  }

  static func input(batch: Int, length: Int, width: Int, seed: UInt64) -> Tensor<Double> {
    var generator = SeededGenerator(seed: seed)
    return .randomNormal(shape: [batch, length, width], using: &generator)
  }

  /// The outputs of `block.step` over t = 0 ..< L from the initial state, as (B, L, H′).
  static func stepped<Layer: SequenceLayer>(_ block: Layer, _ input: Tensor<Layer.Scalar>)
    -> Tensor<Layer.Scalar>
  {
    let (batch, length, width) = (input.shape[0], input.shape[1], input.shape[2])
    let hidden = block.outputSize
    var state = block.initialState(batchSize: batch)
    var output = Tensor<Layer.Scalar>(zeros: [batch, length, hidden])
    for t in 0..<length {
      let row = Tensor<Layer.Scalar>(shape: [batch, width]) { index in
        let (b, h) = index.quotientAndRemainder(dividingBy: width)
        return input.scalars[(b * length + t) * width + h]
      }
      let y = block.step(row, state: &state)
      for b in 0..<batch {
        for j in 0..<hidden { output.scalars[(b * length + t) * hidden + j] = y.scalars[b * hidden + j] }
      }
    }
    return output
  }

  /// The GRU block's parameters in PyTorch's form: b_ih = the block's bias, b_hh = (0, 0, b_hn).
  static func naive(_ block: GRUBlock<Double>, _ input: Tensor<Double>) -> Tensor<Double> {
    let hidden = block.hiddenSize
    let recurrentBias = block.recurrentBias.map { b in
      Tensor<Double>(shape: [3 * hidden]) { $0 < 2 * hidden ? 0 : b.value.scalars[$0 - 2 * hidden] }
    }
    return naiveGRU(
      input, inputWeight: block.inputWeight.value, recurrentWeight: block.recurrentWeight.value,
      inputBias: block.bias?.value, recurrentBias: recurrentBias)
  }

  static func naive(_ block: LSTMBlock<Double>, _ input: Tensor<Double>) -> Tensor<Double> {
    naiveLSTM(
      input, inputWeight: block.inputWeight.value, recurrentWeight: block.recurrentWeight.value,
      bias: block.bias?.value)
  }

  // MARK: - Definition

  struct DefinitionCase: Sendable, CustomTestStringConvertible {
    let kind: Kind
    let width: Int
    let hidden: Int
    let hasBias: Bool
    var testDescription: String { "\(kind) H=\(width) H′=\(hidden) bias=\(hasBias)" }
  }

  /// In the C time loops' Double panels of 16 units, H′ = 16 is one full panel, 19 adds a tail
  /// of three units and 5 is a tail only (full Float panels: RecurrentPanelTests.swift).
  static let definitionCases: [DefinitionCase] = Kind.allCases.flatMap { kind in
    [
      DefinitionCase(kind: kind, width: 6, hidden: 5, hasBias: true),
      DefinitionCase(kind: kind, width: 9, hidden: 16, hasBias: false),
      DefinitionCase(kind: kind, width: 4, hidden: 19, hasBias: true),
    ]
  }

  @Test(arguments: definitionCases)
  func blockEqualsTheFloat64Definition(_ c: DefinitionCase) {
    let options = RecurrentOptions(hiddenSize: c.hidden, hasBias: c.hasBias)
    let input = Self.input(batch: 3, length: 13, width: c.width, seed: 2)
    let block = Self.block(c.kind, Double.self, width: c.width, options: options, seed: 3)
    let reference =
      switch block {
      case let lstm as LSTMBlock<Double>: Self.naive(lstm, input)
      case let gru as GRUBlock<Double>: Self.naive(gru, input)
      default: Tensor<Double>(zeros: [0])
      }
    #expect(reference.shape == [3, 13, c.hidden])
    #expect(block.parameters.count == (c.hasBias ? (c.kind == .lstm ? 3 : 4) : 2))
    let output = block(input)
    #expect(output.shape == reference.shape)
    #expect(relativeError(output.scalars, reference: reference.scalars) < 1e-13)

    // The Float32 block with the same parameters, rounded.
    let single = Self.block(c.kind, Float.self, width: c.width, options: options, seed: 3)
    for (p, q) in zip(single.parameters, block.parameters) { p.value = q.value.map { Float($0) } }
    let singleOutput = single(input.map { Float($0) })
    #expect(relativeError(singleOutput.scalars, reference: reference.scalars) < 1e-5)
  }

  // MARK: - Two modes

  /// L = 256 steps of Float32 rounding: the step mode runs the same kernels on length-1
  /// sequences, so the two agree to accumulated rounding only.
  @Test(arguments: Kind.allCases)
  func float32StepsEqualTheWholeSequence(kind: Kind) {
    let block = Self.block(
      kind, Float.self, width: 32, options: RecurrentOptions(hiddenSize: 24), seed: 4)
    let input = Self.input(batch: 2, length: 256, width: 32, seed: 5).map { Float($0) }
    let whole = block(input)
    let steps = Self.stepped(block, input)
    #expect(relativeError(steps.scalars, reference: whole.scalars) <= 1e-4)
  }

  /// Batch 3 and batch 1 (whose input projection is a matrix–vector product).
  @Test(arguments: Kind.allCases, [3, 1])
  func float64StepsEqualTheWholeSequence(kind: Kind, batch: Int) {
    let block = Self.block(
      kind, Double.self, width: 5, options: RecurrentOptions(hiddenSize: 7, hasBias: true), seed: 6)
    let input = Self.input(batch: batch, length: 29, width: 5, seed: 7)
    #expect(relativeError(Self.stepped(block, input).scalars, reference: block(input).scalars) < 1e-13)
  }

  // MARK: - Causality

  /// A change of every channel at t = 6 leaves rows 0 ..< 6 exactly unchanged and changes
  /// every later row.
  @Test(arguments: Kind.allCases)
  func outputsDoNotSeeTheFuture(kind: Kind) {
    let block = Self.block(kind, Double.self, width: 4, options: RecurrentOptions(hiddenSize: 6))
    #expect(block.isCausal)
    let (length, hidden) = (12, 6)
    let input = Self.input(batch: 2, length: length, width: 4, seed: 8)
    var changed = input
    for b in 0..<2 {
      for h in 0..<4 { changed.scalars[(b * length + 6) * 4 + h] += 1 + Double(h) / 5 }
    }
    let (before, after) = (block(input), block(changed))
    for t in 0..<length {
      var worst = 0.0
      for b in 0..<2 {
        for j in 0..<hidden {
          let i = (b * length + t) * hidden + j
          worst = max(worst, abs(before.scalars[i] - after.scalars[i]))
        }
      }
      if t < 6 { #expect(worst == 0, "row \(t)") } else { #expect(worst > 1e-6, "row \(t)") }
    }
  }

  // MARK: - Preconditions

  /// The misuses the blocks refuse: a zero hidden size; whole sequences of the wrong width,
  /// without a batch axis, or empty; steps with a batch other than the state's, a wrong
  /// width, or a non-positive batch.
  enum Misuse: CaseIterable {
    case zeroHiddenSize, wrongWidth, missingBatchAxis, emptySequence
    case wrongStepBatch, wrongStepWidth, emptyBatch
  }

  /// Performs `misuse` on a block of `kind` (exit tests capture no values, so each passes
  /// literals).
  static func perform(_ misuse: Misuse, on kind: Kind) {
    let block = Self.block(kind, Float.self, width: 4)
    switch misuse {
    case .zeroHiddenSize:
      _ = Self.block(kind, Float.self, width: 4, options: RecurrentOptions(hiddenSize: 0))
    case .wrongWidth: _ = block(Tensor<Float>(zeros: [2, 5, 3]))
    case .missingBatchAxis: _ = block(Tensor<Float>(zeros: [5, 4]))
    case .emptySequence: _ = block(Tensor<Float>(zeros: [2, 0, 4]))
    case .wrongStepBatch: _ = Self.stepOnce(block, batch: 2, input: Tensor<Float>(zeros: [3, 4]))
    case .wrongStepWidth: _ = Self.stepOnce(block, batch: 2, input: Tensor<Float>(zeros: [2, 5]))
    case .emptyBatch: _ = block.initialState(batchSize: 0)
    }
  }

  @Test func lstmMisusesTrap() async {
    await #expect(processExitsWith: .failure) { Self.perform(.zeroHiddenSize, on: .lstm) }
    await #expect(processExitsWith: .failure) { Self.perform(.wrongWidth, on: .lstm) }
    await #expect(processExitsWith: .failure) { Self.perform(.missingBatchAxis, on: .lstm) }
    await #expect(processExitsWith: .failure) { Self.perform(.emptySequence, on: .lstm) }
    await #expect(processExitsWith: .failure) { Self.perform(.wrongStepBatch, on: .lstm) }
    await #expect(processExitsWith: .failure) { Self.perform(.wrongStepWidth, on: .lstm) }
    await #expect(processExitsWith: .failure) { Self.perform(.emptyBatch, on: .lstm) }
  }

  @Test func gruMisusesTrap() async {
    await #expect(processExitsWith: .failure) { Self.perform(.zeroHiddenSize, on: .gru) }
    await #expect(processExitsWith: .failure) { Self.perform(.wrongWidth, on: .gru) }
    await #expect(processExitsWith: .failure) { Self.perform(.missingBatchAxis, on: .gru) }
    await #expect(processExitsWith: .failure) { Self.perform(.emptySequence, on: .gru) }
    await #expect(processExitsWith: .failure) { Self.perform(.wrongStepBatch, on: .gru) }
    await #expect(processExitsWith: .failure) { Self.perform(.wrongStepWidth, on: .gru) }
    await #expect(processExitsWith: .failure) { Self.perform(.emptyBatch, on: .gru) }
  }

  /// A well-formed use of every misuse's entry point runs (so the traps above come from the
  /// misuse, not from the set-up).
  @Test(arguments: Kind.allCases)
  func wellFormedUsesRun(kind: Kind) {
    let block = Self.block(kind, Float.self, width: 4)
    #expect(block(Tensor<Float>(zeros: [2, 5, 4])).shape == [2, 5, 4])
    #expect(Self.stepOnce(block, batch: 2, input: Tensor<Float>(zeros: [2, 4])).shape == [2, 4])
  }

  /// One step of `block` from the initial state of `batch` sequences.
  static func stepOnce<Layer: SequenceLayer>(
    _ block: Layer, batch: Int, input: Tensor<Layer.Scalar>
  ) -> Tensor<Layer.Scalar> {
    var state = block.initialState(batchSize: batch)
    return block.step(input, state: &state)
  }
}
