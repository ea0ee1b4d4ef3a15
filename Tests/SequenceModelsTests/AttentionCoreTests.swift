import Numerics
import StateSpace
import Testing
import Training
import _TestSupport

@testable import SequenceModels

/// One configuration of the attention core: causal or not, L, query tile size, heads.
struct AttentionCase: Sendable, CustomTestStringConvertible {
  let isCausal: Bool
  let length: Int
  let tile: Int
  let heads: Int
  var testDescription: String {
    "\(isCausal ? "causal" : "bidirectional") L=\(length) tile=\(tile) heads=\(heads)"
  }
}

@Suite("Attention core (tiled op)")
struct AttentionCoreTests {
  /// Tile sizes that do not divide L (and one larger than L, one of a single row).
  static let cases: [AttentionCase] = [
    AttentionCase(isCausal: false, length: 37, tile: 8, heads: 3),
    AttentionCase(isCausal: true, length: 37, tile: 8, heads: 3),
    AttentionCase(isCausal: true, length: 37, tile: 5, heads: 1),
    AttentionCase(isCausal: false, length: 37, tile: 64, heads: 2),
    AttentionCase(isCausal: true, length: 37, tile: 1, heads: 3),
    AttentionCase(isCausal: true, length: 1, tile: 4, heads: 2),
  ]

  static func packed(batch: Int = 2, length: Int, width: Int = 12, seed: UInt64) -> Tensor<Double> {
    var generator = SeededGenerator(seed: seed)
    return .randomNormal(shape: [batch, length, 3 * width], using: &generator)
  }

  /// The mask the op draws on a tape seeded with `tapeSeed` (its first draw seeds the op).
  static func dropoutMasks(rate: Double, tapeSeed: UInt64, length: Int) -> (Int, Int) -> [Double] {
    var generator = SeededGenerator(seed: tapeSeed)
    let dropout = AttentionDropout(keep: 1 - rate, seed: generator.next())
    return { unit, row in
      let visible = row + 1  // the dropout tests are causal
      var mask = [Double](repeating: .nan, count: visible)
      mask.withUnsafeMutableBufferPointer {
        dropout.fill(unit: unit, row: row, length: length, count: visible, into: $0.baseAddress!)
      }
      return mask
    }
  }

  @Test(arguments: cases)
  func forwardEqualsTheExplicitSoftmaxInFloat64(_ c: AttentionCase) {
    let packed = Self.packed(length: c.length, seed: 1)
    let output = packed.multiHeadAttention(heads: c.heads, isCausal: c.isCausal, queryTileSize: c.tile)
    let reference = naiveMultiHeadAttention(packed: packed, heads: c.heads, isCausal: c.isCausal)
    #expect(relativeError(output.scalars, reference: reference.scalars) < 1e-13)
  }

  @Test(arguments: cases)
  func float32ForwardEqualsTheFloat64Definition(_ c: AttentionCase) {
    let packed = Self.packed(length: c.length, seed: 2)
    let output = packed.map { Float($0) }.multiHeadAttention(
      heads: c.heads, isCausal: c.isCausal, queryTileSize: c.tile)
    let reference = naiveMultiHeadAttention(packed: packed, heads: c.heads, isCausal: c.isCausal)
    #expect(relativeError(output.scalars, reference: reference.scalars) < 2e-6)
  }

  @Test func largeScoresStayFinite() {
    // Scores of order 10⁴: exp would overflow without subtracting the row maximum. In Float32
    // the scores themselves carry rounding errors of |s|·2⁻²⁴ ≈ 10⁻³, hence the tolerance.
    let packed = Self.packed(length: 20, seed: 3).map { $0 * 30 }
    for isCausal in [false, true] {
      let output = packed.map { Float($0) }.multiHeadAttention(heads: 2, isCausal: isCausal, queryTileSize: 6)
      let reference = naiveMultiHeadAttention(packed: packed, heads: 2, isCausal: isCausal)
      #expect(output.scalars.allSatisfy { $0.isFinite })
      #expect(relativeError(output.scalars, reference: reference.scalars) < 1e-3)
    }
  }

  /// The tape's gradient of ⟨G, attention(packed)⟩ and the central differences of the same
  /// contraction through the naive Float64 definition.
  @Test(arguments: cases.filter { $0.length > 1 })
  func backwardEqualsCentralDifferencesOfTheDefinition(_ c: AttentionCase) {
    let packed = Self.packed(length: 9, width: 6, seed: 4)
    var generator = SeededGenerator(seed: 5)
    let cotangent = Tensor<Double>.randomNormal(shape: [2, 9, 6], using: &generator)
    let tape = Tape<Double>(training: false)
    let input = tape.watch(packed)
    let output = input.multiHeadAttention(heads: c.heads == 3 ? 3 : 2, isCausal: c.isCausal, queryTileSize: c.tile, on: tape)
    let analytic = tape.gradients(of: output, seed: cotangent)[input]!
    let numeric = centralDifferenceGradients(at: [packed]) {
      contraction(cotangent, naiveMultiHeadAttention(packed: $0[0], heads: c.heads == 3 ? 3 : 2, isCausal: c.isCausal))
    }[0]
    #expect(relativeError(analytic.scalars, reference: numeric.scalars) < 1e-7)
  }

  @Test(arguments: [false, true], [0.0, 0.25])
  func float32BackwardEqualsFloat64Backward(_ isCausal: Bool, _ dropoutRate: Double) {
    // L = 37 leaves row tails of every length modulo the SIMD width (16 Float lanes with
    // AVX-512, two vectors per step without dropout); rate 0 runs the row kernel without a mask.
    let packed = Self.packed(length: 37, width: 16, seed: 6)
    var generator = SeededGenerator(seed: 7)
    let cotangent = Tensor<Double>.randomNormal(shape: [2, 37, 16], using: &generator)
    func gradient<S: DifferentiableScalar>(_: S.Type) -> [Double] {
      let tape = Tape<S>(training: true, seed: 3)
      let input = tape.watch(packed.map { S($0) })
      let output = input.multiHeadAttention(
        heads: 2, isCausal: isCausal, dropoutRate: dropoutRate, queryTileSize: 10, on: tape)
      return tape.gradients(of: output, seed: cotangent.map { S($0) })[input]!.scalars.map {
        Double($0)
      }
    }
    #expect(relativeError(gradient(Float.self), reference: gradient(Double.self)) < 1e-5)
  }

  @Test func droppedWeightsEqualTheDefinitionWithTheSameMask() {
    let packed = Self.packed(length: 23, seed: 8)
    let tape = Tape<Double>(training: true, seed: 11)
    let output = tape.watch(packed).multiHeadAttention(
      heads: 3, isCausal: true, dropoutRate: 0.3, queryTileSize: 7, on: tape)
    let masks = Self.dropoutMasks(rate: 0.3, tapeSeed: 11, length: 23)
    let reference = naiveMultiHeadAttention(
      packed: packed, heads: 3, isCausal: true, weightMultipliers: masks)
    #expect(relativeError(output.value.scalars, reference: reference.scalars) < 1e-13)
    // The mask really drops weights: about 30 % of them, each kept one scaled by 1/0.7.
    let entries = (0..<6).flatMap { unit in (0..<23).flatMap { masks(unit, $0) } }
    let dropped = Double(entries.filter { $0 == 0 }.count) / Double(entries.count)
    #expect(abs(dropped - 0.3) < 0.05)
    #expect(entries.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-15 })
  }

  @Test func droppedWeightsBackwardEqualsCentralDifferences() {
    let packed = Self.packed(length: 9, width: 6, seed: 9)
    var generator = SeededGenerator(seed: 10)
    let cotangent = Tensor<Double>.randomNormal(shape: [2, 9, 6], using: &generator)
    let tape = Tape<Double>(training: true, seed: 12)
    let input = tape.watch(packed)
    let output = input.multiHeadAttention(
      heads: 2, isCausal: true, dropoutRate: 0.4, queryTileSize: 4, on: tape)
    let analytic = tape.gradients(of: output, seed: cotangent)[input]!
    let masks = Self.dropoutMasks(rate: 0.4, tapeSeed: 12, length: 9)
    let numeric = centralDifferenceGradients(at: [packed]) {
      contraction(
        cotangent,
        naiveMultiHeadAttention(packed: $0[0], heads: 2, isCausal: true, weightMultipliers: masks))
    }[0]
    #expect(relativeError(analytic.scalars, reference: numeric.scalars) < 1e-7)
  }

  @Test func dropoutMaskDoesNotDependOnTheTiling() {
    let packed = Self.packed(length: 30, seed: 13).map { Float($0) }
    let outputs = [1, 7, 30, 64].map { tile in
      let tape = Tape<Float>(training: true, seed: 5)
      return tape.watch(packed).multiHeadAttention(
        heads: 2, isCausal: true, dropoutRate: 0.5, queryTileSize: tile, on: tape
      ).value.scalars
    }
    for other in outputs.dropFirst() { #expect(relativeError(other, reference: outputs[0]) < 1e-6) }
  }

  @Test func inferenceAndRecordedForwardAgree() {
    let packed = Self.packed(length: 19, seed: 14).map { Float($0) }
    let tape = Tape<Float>(training: false)
    let recorded = tape.watch(packed).multiHeadAttention(
      heads: 4, isCausal: true, dropoutRate: 0.5, queryTileSize: 8, on: tape)
    #expect(recorded.value == packed.multiHeadAttention(heads: 4, isCausal: true, queryTileSize: 8))
  }

  @Test func badShapesAndArgumentsTrap() async {
    await #expect(processExitsWith: .failure) {
      _ = Tensor<Float>(zeros: [2, 5, 10]).multiHeadAttention(heads: 2, isCausal: true)
    }
    await #expect(processExitsWith: .failure) {
      _ = Tensor<Float>(zeros: [2, 5, 12]).multiHeadAttention(heads: 3, isCausal: true)
    }
    await #expect(processExitsWith: .failure) {
      _ = Tensor<Float>(zeros: [5, 12]).multiHeadAttention(heads: 2, isCausal: true)
    }
    await #expect(processExitsWith: .failure) {
      _ = Tensor<Float>(zeros: [2, 5, 12]).multiHeadAttention(heads: 2, isCausal: true, queryTileSize: 0)
    }
    await #expect(processExitsWith: .failure) {
      let tape = Tape<Float>(training: true)
      _ = tape.watch(Tensor<Float>(zeros: [2, 5, 12])).multiHeadAttention(
        heads: 2, isCausal: true, dropoutRate: 1, on: tape)
    }
  }
}
