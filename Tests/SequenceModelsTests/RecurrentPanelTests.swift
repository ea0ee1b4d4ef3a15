import SequenceModels
import StateSpace
import Testing
import Training
import _TestSupport

/// The LSTM and GRU time loops at sizes where the C kernels run their full register panels:
/// B = 17 (a group of 16 rows stepped together and one more) and H′ = 35 (one full Float panel of 32 units and a
/// tail of 3; two full Double panels of 16 and a tail of 3). The other recurrent tests use
/// sizes below one panel; RecurrentProductTests.swift checks every panel shape and row count.
@Suite("Recurrent blocks at panel sizes")
struct RecurrentPanelTests {
  static let (batch, width, hidden, length) = (17, 12, 35, 7)

  /// The Float32 block with the Float64 block's parameters, rounded.
  static func rounded(_ block: any SequenceLayer<Double>, _ kind: RecurrentBlockTests.Kind)
    -> any SequenceLayer<Float>
  {
    let single = RecurrentBlockTests.block(
      kind, Float.self, width: width, options: RecurrentOptions(hiddenSize: hidden), seed: 21)
    for (p, q) in zip(single.parameters, block.parameters) { p.value = q.value.map { Float($0) } }
    return single
  }

  @Test(arguments: RecurrentBlockTests.Kind.allCases)
  func float32EqualsTheFloat64Definition(kind: RecurrentBlockTests.Kind) {
    let block = RecurrentBlockTests.block(
      kind, Double.self, width: Self.width, options: RecurrentOptions(hiddenSize: Self.hidden),
      seed: 21)
    let input = RecurrentBlockTests.input(
      batch: Self.batch, length: Self.length, width: Self.width, seed: 22)
    let reference =
      switch block {
      case let lstm as LSTMBlock<Double>: RecurrentBlockTests.naive(lstm, input)
      case let gru as GRUBlock<Double>: RecurrentBlockTests.naive(gru, input)
      default: Tensor<Double>(zeros: [0])
      }
    #expect(relativeError(block(input).scalars, reference: reference.scalars) < 1e-13)
    let single = Self.rounded(block, kind)
    let output = single(input.map { Float($0) })
    #expect(relativeError(output.scalars, reference: reference.scalars) < 1e-5)
  }

  /// Float64: the gradient of f = ⟨block(x), w⟩ along one random direction V of all parameters
  /// and the input, Σ ⟨∂f/∂θ, V_θ⟩, against (f(θ + hV) − f(θ − hV)) / 2h; then the Float32
  /// gradients of the rounded block against the Float64 ones.
  @Test(arguments: RecurrentBlockTests.Kind.allCases)
  func gradientsAlongARandomDirection(kind: RecurrentBlockTests.Kind) {
    let block = RecurrentBlockTests.block(
      kind, Double.self, width: Self.width, options: RecurrentOptions(hiddenSize: Self.hidden),
      seed: 23)
    let input = RecurrentBlockTests.input(
      batch: Self.batch, length: Self.length, width: Self.width, seed: 24)
    var generator = SeededGenerator(seed: 25)
    let cotangent = Tensor<Double>.randomNormal(
      shape: [Self.batch, Self.length, Self.hidden], using: &generator)
    let directions = block.parameters.map {
      Tensor<Double>.randomNormal(shape: $0.value.shape, using: &generator)
    }
    let inputDirection = Tensor<Double>.randomNormal(shape: input.shape, using: &generator)

    let tape = Tape<Double>()
    let watched = tape.watch(input)
    let gradients = tape.gradients(of: (block(watched, on: tape) * Variable(cotangent)).sum())
    var analytic = contraction(gradients[watched]!, inputDirection)
    for (parameter, direction) in zip(block.parameters, directions) {
      analytic += contraction(gradients[parameter]!, direction)
    }

    let original = block.parameters.map(\.value)
    func value(at step: Double) -> Double {
      for (p, (start, direction)) in zip(block.parameters, zip(original, directions)) {
        p.value = start + step * direction
      }
      defer { for (p, start) in zip(block.parameters, original) { p.value = start } }
      return contraction(block(input + step * inputDirection), cotangent)
    }
    let h = 1e-5
    let numeric = (value(at: h) - value(at: -h)) / (2 * h)
    #expect(abs(analytic - numeric) <= 1e-7 * abs(numeric), "\(analytic) vs \(numeric)")

    let single = Self.rounded(block, kind)
    let singleTape = Tape<Float>()
    let singleInput = singleTape.watch(input.map { Float($0) })
    let singleGradients = singleTape.gradients(
      of: (single(singleInput, on: singleTape) * Variable(cotangent.map { Float($0) })).sum())
    #expect(
      relativeError(singleGradients[singleInput]!.scalars, reference: gradients[watched]!.scalars)
        < 1e-5)
    for (p, q) in zip(single.parameters, block.parameters) {
      let error = relativeError(singleGradients[p]!.scalars, reference: gradients[q]!.scalars)
      #expect(error < 1e-5, "\(q.name): \(error)")
    }
  }
}
