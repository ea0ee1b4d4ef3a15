import Numerics
import StateSpace
import Testing
import _TestSupport

@Suite("Matrix products on OpenBLAS")
struct MatrixProductTests {
  @Test(arguments: [(1, 1, 1), (3, 5, 7), (17, 33, 9), (64, 1, 64)])
  func rank2ProductMatchesTripleLoop(m: Int, k: Int, n: Int) {
    var generator = SeededGenerator(seed: UInt64(m * 1000 + k * 10 + n))
    let a = Tensor<Double>.randomNormal(shape: [m, k], using: &generator)
    let b = Tensor<Double>.randomNormal(shape: [k, n], using: &generator)
    let expected = naiveMatmul(a.scalars, b.scalars, m: m, k: k, n: n)
    #expect(relativeError(a.matmul(b).scalars, reference: expected) < 1e-13)
    // Float32 through sgemm.
    let c = a.map(Float.init).matmul(b.map(Float.init))
    #expect(relativeError(c.scalars, reference: expected) < 1e-5)
  }

  @Test func transposedOperandsMatchExplicitTransposes() {
    var generator = SeededGenerator(seed: 11)
    let a = Tensor<Double>.randomNormal(shape: [6, 4], using: &generator)  // used as Aᵀ: 4×6
    let b = Tensor<Double>.randomNormal(shape: [5, 6], using: &generator)  // used as Bᵀ: 6×5
    let aT = Tensor(shape: [4, 6]) { index in a[index % 6, index / 6] }
    let bT = Tensor(shape: [6, 5]) { index in b[index % 5, index / 5] }
    let expected = naiveMatmul(aT.scalars, bT.scalars, m: 4, k: 6, n: 5)
    let product = a.matmul(b, transposeSelf: .transpose, transposeOther: .transpose)
    #expect(product.shape == [4, 5])
    #expect(relativeError(product.scalars, reference: expected) < 1e-13)
  }

  @Test func batchedProductsMatchPerMatrixProducts() {
    var generator = SeededGenerator(seed: 12)
    let a = Tensor<Double>.randomNormal(shape: [3, 4, 5], using: &generator)
    let b = Tensor<Double>.randomNormal(shape: [3, 5, 2], using: &generator)
    let product = a.matmul(b)
    #expect(product.shape == [3, 4, 2])
    for batch in 0..<3 {
      let expected = naiveMatmul(
        Array(a.scalars[batch * 20..<(batch + 1) * 20]),
        Array(b.scalars[batch * 10..<(batch + 1) * 10]), m: 4, k: 5, n: 2)
      #expect(
        relativeError(Array(product.scalars[batch * 8..<(batch + 1) * 8]), reference: expected)
          < 1e-13)
    }
    // A batch against one shared matrix folds into a single GEMM.
    let shared = Tensor<Double>.randomNormal(shape: [5, 2], using: &generator)
    let folded = a.matmul(shared)
    #expect(folded.shape == [3, 4, 2])
    #expect(
      relativeError(folded.scalars, reference: naiveMatmul(a.scalars, shared.scalars, m: 12, k: 5, n: 2))
        < 1e-13)
  }

  @Test func complexProductMatchesTripleLoop() {
    var generator = SeededGenerator(seed: 13)
    let a = randomComplex(shape: [7, 3], using: &generator)
    let b = randomComplex(shape: [3, 4], using: &generator)
    let expected = naiveMatmul(a.scalars, b.scalars, m: 7, k: 3, n: 4)
    #expect(relativeError(a.matmul(b).scalars, reference: expected) < 1e-13)
  }

  @Test func mismatchedInnerDimensionsTrap() async {
    await #expect(processExitsWith: .failure) {
      let a = Tensor<Float>(zeros: [2, 3])
      let b = Tensor<Float>(zeros: [4, 5])
      _ = a.matmul(b)
    }
  }
}
