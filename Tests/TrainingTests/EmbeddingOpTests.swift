import StateSpace
import Testing
import Training
import _TestSupport

@Suite("Embedding lookup op")
struct EmbeddingOpTests {
  @Test func gathersRows() {
    let table = Tensor<Double>(shape: [5, 3]) { Double($0) }
    let indices = Tensor<Int>(shape: [2, 3], scalars: [4, 0, 2, 2, 2, 1])
    let rows = table.gatheringRows(at: indices)
    #expect(rows.shape == [2, 3, 3])
    for (position, index) in indices.scalars.enumerated() {
      #expect(Array(rows.scalars[(position * 3)..<(position * 3 + 3)]) == [0, 1, 2].map { table[index, $0] })
    }
  }

  @Test func gradientAccumulatesRepeatedIndices() throws {
    let table = randomTensors([[6, 4]], seed: 1)[0]
    let indices = Tensor<Int>(shape: [2, 4], scalars: [1, 3, 1, 1, 5, 3, 0, 1])
    let tape = Tape<Double>()
    let weights = tape.watch(table)
    var generator = SeededGenerator(seed: 2)
    let cotangent = Tensor<Double>.randomNormal(shape: [2, 4, 4], using: &generator)
    let gradient = try #require(tape.gradients(of: weights.gatheringRows(at: indices), seed: cotangent)[weights])
    // Row v of the gradient is the sum of the cotangent rows at the positions holding v.
    for v in 0..<6 {
      for d in 0..<4 {
        let expected = indices.scalars.indices.filter { indices.scalars[$0] == v }
          .reduce(0.0) { $0 + cotangent.scalars[$1 * 4 + d] }
        #expect(abs(gradient[v, d] - expected) < 1e-12)
      }
    }
    let error = gradientCheckError(at: [table]) { $0[0].gatheringRows(at: indices) }
    #expect(error < 1e-6)
  }

  @Test func outOfRangeIndexTraps() async {
    await #expect(processExitsWith: .failure) {
      _ = Tensor<Float>(zeros: [4, 2]).gatheringRows(at: Tensor(shape: [1], scalars: [4]))
    }
  }
}
