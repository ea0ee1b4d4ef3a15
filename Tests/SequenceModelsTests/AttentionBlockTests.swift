import Numerics
import SequenceModels
import StateSpace
import Testing
import Training
import _TestSupport

/// The attention block as a whole (projections, attention core, key/value cache): its two
/// modes, the Float64 definition, gradients, causality and its preconditions.
@Suite("Attention block")
struct AttentionBlockTests {
  static func block<S: DifferentiableScalar>(
    _: S.Type, width: Int, options: AttentionOptions, seed: UInt64 = 1
  ) -> AttentionBlock<S> {
    var generator = SeededGenerator(seed: seed)
    return AttentionBlock<S>(width: width, options: options, name: "attention", generator: &generator)
  }

  static func input(batch: Int, length: Int, width: Int, seed: UInt64) -> Tensor<Double> {
    var generator = SeededGenerator(seed: seed)
    return .randomNormal(shape: [batch, length, width], using: &generator)
  }

  /// The outputs of `block.step` over t = 0 ..< L from the empty cache, as (B, L, H).
  static func stepped<S>(_ block: AttentionBlock<S>, _ input: Tensor<S>, capacity: Int) -> Tensor<S>
  {
    let (batch, length, width) = (input.shape[0], input.shape[1], input.shape[2])
    var cache = block.initialState(batchSize: batch, capacity: capacity)
    var output = Tensor<S>(shape: input.shape, repeating: 0)
    for t in 0..<length {
      let row = Tensor<S>(shape: [batch, width]) { index in
        let (b, h) = index.quotientAndRemainder(dividingBy: width)
        return input.scalars[(b * length + t) * width + h]
      }
      let y = block.step(row, state: &cache)
      for b in 0..<batch {
        for h in 0..<width { output.scalars[(b * length + t) * width + h] = y.scalars[b * width + h] }
      }
    }
    #expect(cache.length == length)
    return output
  }

  /// The block's Float64 definition with the block's own parameter values.
  static func naive(_ block: AttentionBlock<Double>, _ input: Tensor<Double>) -> Tensor<Double> {
    naiveAttentionBlock(
      input, qkvWeight: block.inputProjection.weight.value,
      qkvBias: block.inputProjection.bias?.value, outputWeight: block.outputProjection.weight.value,
      outputBias: block.outputProjection.bias?.value, heads: block.options.heads,
      isCausal: block.isCausal)
  }

  // MARK: - Two modes

  /// L = 256 spans four default query tiles; the cache starts empty and regrows (capacity 0)
  /// or is preallocated, which must not change the result.
  @Test(arguments: [0, 256])
  func float32StepsEqualTheWholeSequence(capacity: Int) {
    let block = Self.block(Float.self, width: 32, options: AttentionOptions(heads: 4))
    let input = Self.input(batch: 2, length: 256, width: 32, seed: 2).map { Float($0) }
    let whole = block(input)
    let steps = Self.stepped(block, input, capacity: capacity)
    #expect(relativeError(steps.scalars, reference: whole.scalars) <= 1e-4)
  }

  /// Batch 3 and batch 1 (whose projections are matrix–vector products).
  @Test(arguments: [3, 1])
  func float64StepsEqualTheWholeSequence(batch: Int) {
    let block = Self.block(
      Double.self, width: 12, options: AttentionOptions(heads: 3, queryTileSize: 5))
    let input = Self.input(batch: batch, length: 23, width: 12, seed: 3)
    let steps = Self.stepped(block, input, capacity: 4)
    #expect(relativeError(steps.scalars, reference: block(input).scalars) < 1e-13)
  }

  // MARK: - Definition

  struct DefinitionCase: Sendable, CustomTestStringConvertible {
    let isCausal: Bool
    let hasBias: Bool
    let heads: Int
    let tile: Int
    var testDescription: String {
      "\(isCausal ? "causal" : "bidirectional") bias=\(hasBias) heads=\(heads) tile=\(tile)"
    }
  }

  static let definitionCases: [DefinitionCase] = [
    DefinitionCase(isCausal: true, hasBias: true, heads: 3, tile: 4),
    DefinitionCase(isCausal: false, hasBias: true, heads: 2, tile: 64),
    DefinitionCase(isCausal: true, hasBias: false, heads: 1, tile: 1),
    DefinitionCase(isCausal: false, hasBias: false, heads: 6, tile: 7),
  ]

  @Test(arguments: definitionCases)
  func blockEqualsTheFloat64Definition(_ c: DefinitionCase) {
    let options = AttentionOptions(
      heads: c.heads, isCausal: c.isCausal, hasBias: c.hasBias, queryTileSize: c.tile)
    let block = Self.block(Double.self, width: 12, options: options, seed: 4)
    let input = Self.input(batch: 2, length: 17, width: 12, seed: 5)
    let reference = Self.naive(block, input)
    #expect(relativeError(block(input).scalars, reference: reference.scalars) < 1e-13)

    // The Float32 block with the same parameters, rounded.
    let single = Self.block(Float.self, width: 12, options: options, seed: 4)
    for (p, q) in zip(single.parameters, block.parameters) {
      p.value = q.value.map { Float($0) }
    }
    let output = single(input.map { Float($0) })
    #expect(relativeError(output.scalars, reference: reference.scalars) < 1e-5)
  }

  /// One sequence and one head at L = 200: enough work that the query tiles of that single
  /// (sequence, head) pair are shared between cores (in the zig-zag order), with a last tile
  /// of 8 rows.
  @Test(arguments: [true, false])
  func float32TilesSharedBetweenCoresEqualTheDefinition(isCausal: Bool) {
    let options = AttentionOptions(heads: 1, isCausal: isCausal)
    let block = Self.block(Double.self, width: 16, options: options, seed: 12)
    let single = Self.block(Float.self, width: 16, options: options, seed: 12)
    let input = Self.input(batch: 1, length: 200, width: 16, seed: 13)
    let output = single(input.map { Float($0) })
    #expect(relativeError(output.scalars, reference: Self.naive(block, input).scalars) < 1e-5)
  }

  // MARK: - Gradients

  struct GradientCase: Sendable, CustomTestStringConvertible {
    let options: AttentionOptions
    let training: Bool
    var testDescription: String {
      "causal=\(options.isCausal) heads=\(options.heads) bias=\(options.hasBias) tile=\(options.queryTileSize) dropout=\(options.attentionDropout)/\(options.outputDropout) training=\(training)"
    }
  }

  static let gradientCases: [GradientCase] = [
    GradientCase(options: AttentionOptions(heads: 2, queryTileSize: 3), training: false),
    GradientCase(
      options: AttentionOptions(heads: 3, isCausal: false, queryTileSize: 4), training: false),
    GradientCase(
      options: AttentionOptions(heads: 1, hasBias: false, queryTileSize: 64), training: false),
    // Dropout of weights and outputs: the masks are fixed by the tape's seed.
    GradientCase(
      options: AttentionOptions(
        heads: 2, attentionDropout: 0.3, outputDropout: 0.2, queryTileSize: 2),
      training: true),
  ]

  @Test("parameters and input against central differences (Float64)", arguments: gradientCases)
  func gradientCheck(_ c: GradientCase) {
    let (batch, length, width) = (2, 7, 6)
    let block = Self.block(Double.self, width: width, options: c.options, seed: 6)
    let input = Self.input(batch: batch, length: length, width: width, seed: 7)
    var generator = SeededGenerator(seed: 8)
    let cotangent = Tensor<Double>.randomNormal(shape: [batch, length, width], using: &generator)
    let seed: UInt64 = 9

    let report = checkGradients(of: block.parameters, training: c.training, seed: seed) { tape in
      (block(Variable(input), on: tape) * Variable(cotangent)).sum()
    }
    #expect(report.passes(tolerance: 1e-6), "\(report)")
    #expect(block.parameters.count == (c.options.hasBias ? 4 : 2))
    #expect(report.checkedCount == block.parameters.reduce(0) { $0 + $1.value.scalarCount })

    let tape = Tape<Double>(training: c.training, seed: seed)
    let watched = tape.watch(input)
    let gradients = tape.gradients(of: (block(watched, on: tape) * Variable(cotangent)).sum())
    let numeric = centralDifferenceGradients(at: [input]) { point in
      contraction(block(Variable(point[0]), on: Tape(training: c.training, seed: seed)).value, cotangent)
    }[0]
    let error = relativeError(gradients[watched]!.scalars, reference: numeric.scalars)
    #expect(error <= 1e-6, "input gradient relative error \(error)")
  }

  // MARK: - Causality

  /// Input (B, L, H) with every channel of every sequence changed at time `t`.
  static func perturbed(_ input: Tensor<Double>, at t: Int) -> Tensor<Double> {
    let (length, width) = (input.shape[1], input.shape[2])
    var changed = input
    for b in 0..<input.shape[0] {
      for h in 0..<width { changed.scalars[(b * length + t) * width + h] += 1 + Double(h) / 7 }
    }
    return changed
  }

  /// max |Δy| over the rows `rows` of every sequence.
  static func change(
    _ a: Tensor<Double>, _ b: Tensor<Double>, rows: Range<Int>
  ) -> Double {
    let (length, width) = (a.shape[1], a.shape[2])
    var worst = 0.0
    for s in 0..<a.shape[0] {
      for t in rows {
        for h in 0..<width {
          let i = (s * length + t) * width + h
          worst = max(worst, abs(a.scalars[i] - b.scalars[i]))
        }
      }
    }
    return worst
  }

  /// A change at t = 9 (inside the query tile 8 ..< 12) leaves rows 0 ..< 9 exactly unchanged:
  /// masked keys of the same tile get weight 0, not a small one.
  @Test(arguments: [1, 4, 64])
  func causalOutputsDoNotSeeTheFuture(tile: Int) {
    let block = Self.block(
      Double.self, width: 8, options: AttentionOptions(heads: 2, queryTileSize: tile))
    let input = Self.input(batch: 2, length: 16, width: 8, seed: 10)
    let (before, after) = (block(input), block(Self.perturbed(input, at: 9)))
    #expect(Self.change(before, after, rows: 0..<9) == 0)
    #expect(Self.change(before, after, rows: 9..<10) > 1e-3)
    #expect(Self.change(before, after, rows: 10..<16) > 1e-3)
  }

  @Test func bidirectionalOutputsSeeTheFuture() {
    let block = Self.block(
      Double.self, width: 8, options: AttentionOptions(heads: 2, isCausal: false, queryTileSize: 4))
    #expect(!block.isCausal)
    let input = Self.input(batch: 2, length: 16, width: 8, seed: 11)
    let (before, after) = (block(input), block(Self.perturbed(input, at: 9)))
    for t in 0..<9 { #expect(Self.change(before, after, rows: t..<(t + 1)) > 1e-4) }
  }

  /// A bidirectional block has no step: it refuses to make a cache, and refuses to step with
  /// one made by a causal block of the same shape.
  @Test func bidirectionalBlockCannotStep() async {
    await #expect(processExitsWith: .failure) {
      let block = Self.block(
        Float.self, width: 8, options: AttentionOptions(heads: 2, isCausal: false))
      _ = block.initialState(batchSize: 1)
    }
    await #expect(processExitsWith: .failure) {
      let causal = Self.block(Float.self, width: 8, options: AttentionOptions(heads: 2))
      let block = Self.block(
        Float.self, width: 8, options: AttentionOptions(heads: 2, isCausal: false))
      var cache = causal.initialState(batchSize: 1)
      _ = block.step(Tensor<Float>(zeros: [1, 8]), state: &cache)
    }
  }

  // MARK: - Preconditions

  @Test func badShapesAndOptionsTrap() async {
    // Heads that do not divide the width; a zero query tile; a dropout rate of 1.
    await #expect(processExitsWith: .failure) {
      _ = Self.block(Float.self, width: 10, options: AttentionOptions(heads: 4))
    }
    await #expect(processExitsWith: .failure) {
      _ = Self.block(Float.self, width: 8, options: AttentionOptions(heads: 2, queryTileSize: 0))
    }
    await #expect(processExitsWith: .failure) {
      _ = Self.block(Float.self, width: 8, options: AttentionOptions(attentionDropout: 1))
    }
    // Whole sequences: wrong width, missing batch axis, empty sequence.
    await #expect(processExitsWith: .failure) {
      _ = Self.block(Float.self, width: 8, options: AttentionOptions())(Tensor<Float>(zeros: [2, 5, 6]))
    }
    await #expect(processExitsWith: .failure) {
      _ = Self.block(Float.self, width: 8, options: AttentionOptions())(Tensor<Float>(zeros: [5, 8]))
    }
    await #expect(processExitsWith: .failure) {
      _ = Self.block(Float.self, width: 8, options: AttentionOptions())(Tensor<Float>(zeros: [2, 0, 8]))
    }
    // Steps: a batch other than the cache's, a wrong width, a non-positive batch.
    await #expect(processExitsWith: .failure) {
      let block = Self.block(Float.self, width: 8, options: AttentionOptions())
      var cache = block.initialState(batchSize: 2)
      _ = block.step(Tensor<Float>(zeros: [3, 8]), state: &cache)
    }
    await #expect(processExitsWith: .failure) {
      let block = Self.block(Float.self, width: 8, options: AttentionOptions())
      var cache = block.initialState(batchSize: 2)
      _ = block.step(Tensor<Float>(zeros: [2, 4]), state: &cache)
    }
    await #expect(processExitsWith: .failure) {
      _ = Self.block(Float.self, width: 8, options: AttentionOptions()).initialState(batchSize: 0)
    }
  }
}
