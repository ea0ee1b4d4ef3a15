import Numerics
import StateSpace

/// The textbook triple loop C = A·B in Float64, as an oracle for GEMM.
public func naiveMatmul(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
  var c = [Double](repeating: 0, count: m * n)
  for i in 0..<m {
    for j in 0..<n {
      var sum = 0.0
      for p in 0..<k { sum += a[i * k + p] * b[p * n + j] }
      c[i * n + j] = sum
    }
  }
  return c
}

/// The textbook triple loop C = A·B for complex matrices.
public func naiveMatmul(
  _ a: [Complex<Double>], _ b: [Complex<Double>], m: Int, k: Int, n: Int
) -> [Complex<Double>] {
  var c = [Complex<Double>](repeating: .zero, count: m * n)
  for i in 0..<m {
    for j in 0..<n {
      var sum = Complex<Double>.zero
      for p in 0..<k { sum += a[i * k + p] * b[p * n + j] }
      c[i * n + j] = sum
    }
  }
  return c
}

/// A random complex tensor with independent standard normal real and imaginary parts.
public func randomComplex(shape: [Int], using generator: inout SeededGenerator) -> Tensor<
  Complex<Double>
> {
  Tensor(shape: shape) { _ in
    Complex(generator.nextStandardNormal(), generator.nextStandardNormal())
  }
}
