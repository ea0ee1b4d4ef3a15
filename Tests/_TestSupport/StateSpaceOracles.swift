import Numerics
import StateSpace

/// Slow, direct Float64 computations that the S4/S4D kernels and recurrences are checked
/// against. None of them shares code with the library's fast paths.
public enum SSMOracle {
  /// The impulse response K_k = cᵀ·Ā^k·B̄, k < length, of a real system discretized with the
  /// bilinear transform Ā = (I − Δ/2·A)⁻¹(I + Δ/2·A), B̄ = (I − Δ/2·A)⁻¹·Δ·B (paper eq. (3)),
  /// by explicit iteration.
  ///
  /// - Parameters:
  ///   - transition: A, N×N row-major.
  ///   - input: B, (N).
  ///   - output: c, (N).
  ///   - timeStep: Δ.
  ///   - length: The number of taps.
  public static func bilinearImpulseResponse(
    transition a: [Double], input b: [Double], output c: [Double], timeStep delta: Double,
    length: Int
  ) -> [Double] {
    let n = b.count
    var backward = [Double](repeating: 0, count: n * n)
    var forward = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n {
        backward[i * n + j] = (i == j ? 1 : 0) - delta / 2 * a[i * n + j]
        forward[i * n + j] = (i == j ? 1 : 0) + delta / 2 * a[i * n + j]
      }
    }
    let discrete = gaussianSolve(backward, forward, n: n, columns: n)
    var state = gaussianSolve(backward, b.map { delta * $0 }, n: n, columns: 1)
    var kernel = [Double]()
    for _ in 0..<length {
      kernel.append(zip(c, state).reduce(0) { $0 + $1.0 * $1.1 })
      state = (0..<n).map { i in (0..<n).reduce(0) { $0 + discrete[i * n + $1] * state[$1] } }
    }
    return kernel
  }

  /// The impulse response K_k = 2·Re Σ_n C_n·Ā_n^k·B̄_n of a diagonal system by explicit
  /// iteration of its recurrence, with Ā, B̄ from zero-order hold
  /// (exp(Δλ), (exp(Δλ) − 1)/λ·B) or bilinear ((1 + Δλ/2)/(1 − Δλ/2), Δ/(1 − Δλ/2)·B).
  public static func diagonalImpulseResponse(
    eigenvalues: [Complex<Double>], input: [Complex<Double>], output: [Complex<Double>],
    timeStep delta: Double, zeroOrderHold: Bool, length: Int
  ) -> [Double] {
    var transition = [Complex<Double>]()
    var state = [Complex<Double>]()
    for (lambda, b) in zip(eigenvalues, input) {
      let x = Complex(delta) * lambda
      if zeroOrderHold {
        transition.append(Complex.exp(x))
        state.append((Complex.exp(x) - .one) / lambda * b)
      } else {
        let denominator = Complex<Double>.one - x / 2
        transition.append((Complex<Double>.one + x / 2) / denominator)
        state.append(Complex(delta) / denominator * b)
      }
    }
    var kernel = [Double]()
    for _ in 0..<length {
      kernel.append(2 * zip(output, state).reduce(Complex<Double>.zero) { $0 + $1.0 * $1.1 }.real)
      state = zip(transition, state).map { $0 * $1 }
    }
    return kernel
  }

  /// y_t = Σ_{s ≤ t} k_s·u_{t−s}: the causal convolution by its definition.
  public static func causalConvolution(_ u: [Double], kernel k: [Double]) -> [Double] {
    (0..<u.count).map { t in
      (0...t).reduce(0.0) { $0 + (($1 < k.count) ? k[$1] * u[t - $1] : 0) }
    }
  }

  /// The gradient of `f` at `x` by central differences with step `h`.
  public static func centralDifferences(
    at x: [Double], step h: Double = 1e-6, _ f: ([Double]) -> Double
  ) -> [Double] {
    (0..<x.count).map { i in
      var plus = x
      var minus = x
      plus[i] += h
      minus[i] -= h
      return (f(plus) - f(minus)) / (2 * h)
    }
  }

  /// Solves A·X = B (A n×n, B n×columns, row-major) by Gaussian elimination with partial
  /// pivoting.
  public static func gaussianSolve(_ a: [Double], _ b: [Double], n: Int, columns: Int) -> [Double] {
    var a = a
    var x = b
    for column in 0..<n {
      let pivot = (column..<n).max { abs(a[$0 * n + column]) < abs(a[$1 * n + column]) }!
      for j in 0..<n { a.swapAt(pivot * n + j, column * n + j) }
      for j in 0..<columns { x.swapAt(pivot * columns + j, column * columns + j) }
      for row in (column + 1)..<n {
        let factor = a[row * n + column] / a[column * n + column]
        for j in column..<n { a[row * n + j] -= factor * a[column * n + j] }
        for j in 0..<columns { x[row * columns + j] -= factor * x[column * columns + j] }
      }
    }
    for column in stride(from: n - 1, through: 0, by: -1) {
      for j in 0..<columns {
        var value = x[column * columns + j]
        for k in (column + 1)..<n { value -= a[column * n + k] * x[k * columns + j] }
        x[column * columns + j] = value / a[column * n + column]
      }
    }
    return x
  }

  /// X_k = Σ_t x_t·e^{−2πi·k·t/n} for k = 0…n/2 (the rfft half spectrum) by its definition.
  public static func halfSpectrum(_ x: [Double]) -> [Complex<Double>] {
    let n = x.count
    return (0...(n / 2)).map { k in
      x.enumerated().reduce(Complex<Double>.zero) { sum, element in
        let angle = -2 * Double.pi * Double(k * element.offset % n) / Double(n)
        return sum + Complex(element.element * Double.cos(angle), element.element * Double.sin(angle))
      }
    }
  }
}
