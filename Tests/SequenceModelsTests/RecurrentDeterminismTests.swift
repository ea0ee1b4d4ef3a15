import SequenceModels
import StateSpace
import Testing
import Training

/// Training is reproducible on one machine: the LSTM and GRU backward passes overlap their
/// weight-gradient GEMMs with the time loop on two threads, and whichever thread takes a chunk
/// of time steps, the chunks' contributions are summed in one fixed order. Repeated passes over
/// the same data must give bitwise-identical gradients (with 16 chunks per pass, a sum whose
/// order followed the threads' timing differs within a few passes).
@Suite("Recurrent determinism")
struct RecurrentDeterminismTests {
  @Test(
    "repeated backward passes give bitwise-identical gradients",
    arguments: RecurrentBlockTests.Kind.allCases)
  func repeatedBackward(_ kind: RecurrentBlockTests.Kind) {
    let (batch, length, width) = (4, 1024, 64)
    let block = RecurrentBlockTests.block(kind, Float.self, width: width, seed: 21)
    var generator = SeededGenerator(seed: 22)
    let input = Tensor<Float>.randomNormal(shape: [batch, length, width], using: &generator)
    let cotangent = Tensor<Float>.randomNormal(shape: [batch, length, width], using: &generator)
    func gradients() -> [[Float]] {
      let tape = Tape<Float>()
      let watched = tape.watch(input)
      let gradients = tape.gradients(of: (block(watched, on: tape) * Variable(cotangent)).sum())
      return block.parameters.map { gradients[$0]!.scalars } + [gradients[watched]!.scalars]
    }
    let first = gradients()
    for pass in 1..<24 {
      let again = gradients()
      // Parameters in `block.parameters` order, then the input.
      let differing = zip(again, first).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
      #expect(differing.isEmpty, "pass \(pass): gradients \(differing) differ from the first pass")
    }
  }
}
