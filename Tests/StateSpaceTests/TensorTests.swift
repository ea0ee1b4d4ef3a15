import StateSpace
import Testing

@Suite("Tensor storage")
struct TensorTests {
  @Test func rowMajorIndexing() {
    let t = Tensor<Int>(shape: [2, 3, 4]) { $0 }
    #expect(t[1, 2, 3] == 23)
    #expect(t[0, 1, 0] == 4)
    #expect(t.strides == [12, 4, 1])
    #expect(t.reshaped(to: [6, 4])[5, 3] == 23)
  }

  @Test func copiesAreIndependent() {
    var a = Tensor<Float>(shape: [3], scalars: [1, 2, 3])
    let b = a
    a[0] = 10
    #expect(b[0] == 1)
    #expect(a[0] == 10)
  }

  @Test func sameSeedSameNumbersDifferentSeedDifferentNumbers() {
    var g1 = SeededGenerator(seed: 5)
    var g2 = SeededGenerator(seed: 5)
    var g3 = SeededGenerator(seed: 6)
    let a = Tensor<Float>.randomNormal(shape: [100], using: &g1)
    let b = Tensor<Float>.randomNormal(shape: [100], using: &g2)
    let c = Tensor<Float>.randomNormal(shape: [100], using: &g3)
    #expect(a == b)
    #expect(a != c)
  }

  @Test func normalSamplesHaveTheRequestedMoments() {
    var generator = SeededGenerator(seed: 8)
    let samples = Tensor<Double>.randomNormal(
      shape: [200_000], mean: 2, standardDeviation: 3, using: &generator
    ).scalars
    let mean = samples.reduce(0, +) / Double(samples.count)
    let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(samples.count)
    #expect(abs(mean - 2) < 0.03)
    #expect(abs(variance.squareRoot() - 3) < 0.03)
  }

  @Test func wrongScalarCountTraps() async {
    await #expect(processExitsWith: .failure) {
      _ = Tensor<Float>(shape: [2, 2], scalars: [1, 2, 3])
    }
  }
}
