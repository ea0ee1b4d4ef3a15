import Numerics
import StateSpace
import Testing
import _TestSupport

@Suite("LAPACK wrappers")
struct LinearAlgebraTests {
  @Test(arguments: [1, 2, 8, 33])
  func hermitianEigendecompositionReconstructsTheMatrix(n: Int) throws {
    var generator = SeededGenerator(seed: UInt64(n))
    let x = randomComplex(shape: [n, n], using: &generator)
    // H = X + Xᴴ is Hermitian.
    let h = Tensor(shape: [n, n]) { index in
      x.scalars[index] + x[index % n, index / n].conjugate
    }
    let (values, vectors) = try Eigendecomposition.hermitian(h)
    #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 }, "ascending order")
    // V·diag(λ)·Vᴴ, computed by naive loops.
    var reconstructed = [Complex<Double>](repeating: .zero, count: n * n)
    for i in 0..<n {
      for j in 0..<n {
        var sum = Complex<Double>.zero
        for p in 0..<n { sum += vectors[i, p] * Complex(values[p]) * vectors[j, p].conjugate }
        reconstructed[i * n + j] = sum
      }
    }
    #expect(relativeError(reconstructed, reference: h.scalars) < 1e-10)
  }

  @Test func generalEigendecompositionSatisfiesItsDefinition() throws {
    let n = 12
    var generator = SeededGenerator(seed: 21)
    let a = randomComplex(shape: [n, n], using: &generator)
    let (values, vectors) = try Eigendecomposition.general(a)
    // A·v = λ·v for every column, by naive loops.
    for column in 0..<n {
      var residual = 0.0
      for i in 0..<n {
        var av = Complex<Double>.zero
        for p in 0..<n { av += a[i, p] * vectors[p, column] }
        residual = max(residual, (av - values[column] * vectors[i, column]).length)
      }
      #expect(residual < 1e-10)
    }
  }

  @Test func solveInvertsTheProduct() throws {
    var generator = SeededGenerator(seed: 31)
    let n = 9
    let a = Tensor<Double>.randomNormal(shape: [n, n], using: &generator)
    let x = Tensor<Double>.randomNormal(shape: [n, 3], using: &generator)
    let b = naiveMatmul(a.scalars, x.scalars, m: n, k: n, n: 3)
    let solved = try a.solve(Tensor(shape: [n, 3], scalars: b))
    #expect(relativeError(solved.scalars, reference: x.scalars) < 1e-10)

    let complexA = randomComplex(shape: [4, 4], using: &generator)
    let complexX = randomComplex(shape: [4], using: &generator)
    let complexB = naiveMatmul(complexA.scalars, complexX.scalars, m: 4, k: 4, n: 1)
    let complexSolved = try complexA.solve(Tensor(shape: [4], scalars: complexB))
    #expect(relativeError(complexSolved.scalars, reference: complexX.scalars) < 1e-10)
  }

  @Test func singularMatrixThrowsATypedError() {
    let singular = Tensor<Double>(shape: [2, 2], scalars: [1, 2, 2, 4])
    #expect(throws: LinearAlgebraError.self) {
      try singular.solve(Tensor(shape: [2], scalars: [1, 1]))
    }
  }

  @Test func nonSquareMatrixTraps() async {
    await #expect(processExitsWith: .failure) {
      _ = try? Tensor<Double>(zeros: [2, 3]).solve(Tensor(zeros: [2]))
    }
  }
}
