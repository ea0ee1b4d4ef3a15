import SequenceModels
import StateSpace
import Testing
import Training
import _TestSupport

/// Float64 gradient checks of the whole S4 block: every parameter and the input against
/// central differences.
@Suite("S4 block gradients")
struct S4BlockGradientTests {
  struct GradientCase: Sendable, CustomTestStringConvertible {
    let options: S4BlockOptions
    let length: Int
    let training: Bool
    var testDescription: String {
      "\(options.structure) bidirectional=\(options.isBidirectional) L=\(length) max=\(options.maximumLength) dropout=\(options.dropoutRate) training=\(training)"
    }
  }

  static let cases: [GradientCase] = [
    GradientCase(options: .init(stateSize: 8, maximumLength: 16), length: 16, training: false),
    // L < L₀: the kernel's gradient is padded back to L₀ taps.
    GradientCase(options: .init(stateSize: 8, maximumLength: 16), length: 11, training: false),
    GradientCase(
      options: .init(stateSize: 8, maximumLength: 16, isBidirectional: true), length: 16,
      training: false),
    GradientCase(
      options: .init(stateSize: 8, rank: 2, maximumLength: 16, dropoutRate: 0.3), length: 16,
      training: true),
    GradientCase(
      options: .init(structure: .diagonal, stateSize: 8, sharedCopies: 3, maximumLength: 16),
      length: 16, training: false),
    // L > maximum length: S4D's kernel is truncated to 12 taps.
    GradientCase(
      options: .init(
        structure: .diagonal, stateSize: 8, initialization: .s4dLinear, discretization: .bilinear,
        maximumLength: 12, isBidirectional: true, geluApproximation: .tanh),
      length: 16, training: false),
  ]

  @Test("parameters and input against central differences (Float64)", arguments: cases)
  func gradientCheck(_ check: GradientCase) {
    let (batch, width) = (2, 3)
    var generator = SeededGenerator(seed: 21)
    let block = try! S4Block<Double>(
      width: width, options: check.options, name: "block", generator: &generator)
    let input = Tensor<Double>.randomNormal(shape: [batch, check.length, width], using: &generator)
    let cotangent = Tensor<Double>.randomNormal(
      shape: [batch, check.length, width], using: &generator)
    let seed: UInt64 = 5

    let report = checkGradients(
      of: block.parameters, training: check.training, seed: seed
    ) { tape in
      (block(Variable(input), on: tape) * Variable(cotangent)).sum()
    }
    #expect(report.passes(tolerance: 1e-6), "\(report)")
    #expect(report.checkedCount == block.parameters.reduce(0) { $0 + $1.value.scalarCount })

    // The input's gradient from the tape against central differences of the same function.
    let tape = Tape<Double>(training: check.training, seed: seed)
    let watched = tape.watch(input)
    let gradients = tape.gradients(of: (block(watched, on: tape) * Variable(cotangent)).sum())
    let numeric = centralDifferenceGradients(at: [input]) { point in
      let tape = Tape<Double>(training: check.training, seed: seed)
      return contraction(block(Variable(point[0]), on: tape).value, cotangent)
    }[0]
    let error = relativeError(gradients[watched]!.scalars, reference: numeric.scalars)
    #expect(error <= 1e-6, "input gradient relative error \(error)")
  }
}
