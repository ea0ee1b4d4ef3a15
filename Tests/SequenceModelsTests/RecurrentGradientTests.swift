import SequenceModels
import StateSpace
import Testing
import Training
import _TestSupport

/// Float64 gradient checks of the LSTM and GRU blocks' backpropagation through time: every
/// parameter and the input against central differences.
@Suite("Recurrent block gradients")
struct RecurrentGradientTests {
  struct GradientCase: Sendable, CustomTestStringConvertible {
    let kind: RecurrentBlockTests.Kind
    let width: Int
    let hidden: Int
    let hasBias: Bool
    let length: Int
    var testDescription: String { "\(kind) H=\(width) H′=\(hidden) bias=\(hasBias) L=\(length)" }
  }

  static let cases: [GradientCase] = RecurrentBlockTests.Kind.allCases.flatMap { kind in
    [
      GradientCase(kind: kind, width: 3, hidden: 4, hasBias: true, length: 6),
      GradientCase(kind: kind, width: 5, hidden: 2, hasBias: false, length: 5),
      // One step: no recurrent product, W_hh gets no gradient from h₋₁ = 0 (except b_hn's).
      GradientCase(kind: kind, width: 2, hidden: 3, hasBias: true, length: 1),
    ]
  }

  @Test("parameters and input against central differences (Float64)", arguments: cases)
  func gradientCheck(_ c: GradientCase) {
    let batch = 2
    let block = RecurrentBlockTests.block(
      c.kind, Double.self, width: c.width,
      options: RecurrentOptions(hiddenSize: c.hidden, hasBias: c.hasBias), seed: 11)
    let input = RecurrentBlockTests.input(batch: batch, length: c.length, width: c.width, seed: 12)
    var generator = SeededGenerator(seed: 13)
    let cotangent = Tensor<Double>.randomNormal(
      shape: [batch, c.length, c.hidden], using: &generator)

    let report = checkGradients(of: block.parameters) { tape in
      (block(Variable(input), on: tape) * Variable(cotangent)).sum()
    }
    #expect(report.passes(tolerance: 1e-6), "\(report)")
    #expect(report.checkedCount == block.parameters.reduce(0) { $0 + $1.value.scalarCount })

    let tape = Tape<Double>()
    let watched = tape.watch(input)
    let gradients = tape.gradients(of: (block(watched, on: tape) * Variable(cotangent)).sum())
    let numeric = centralDifferenceGradients(at: [input]) { point in
      contraction(block(point[0]), cotangent)
    }[0]
    let error = relativeError(gradients[watched]!.scalars, reference: numeric.scalars)
    #expect(error <= 1e-6, "input gradient relative error \(error)")
  }
}
