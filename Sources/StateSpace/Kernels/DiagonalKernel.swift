import ComplexModule
import RealModule

/// S4D's convolution kernel: a Vandermonde product evaluated as matrix products
/// (S4D paper, Gu et al. 2022, eq. (5); S4 paper §3.1 for the diagonal case).
///
/// For one channel with poles z_n = Ā_n and weights C′_n = B_n·C_n·φ_n (φ from the
/// discretization, ``DiagonalDiscretization``):
///
///     K[l] = 2·Re Σ_n C′_n·z_n^l,   l < L.
///
/// Writing l = m·T + j (T ≈ √L, j < T), z^l = z^{mT}·z^j, so the L taps form an M×T matrix
///
///     K[m, j] = Σ_n 2·Re(C′_n z_n^{mT})·Re(z_n^j) − 2·Im(C′_n z_n^{mT})·Im(z_n^j)
///             = (Left · Right)[m, j],  Left: M×N = [2·Re a, −2·Im a],  Right: N×T = [Re zʲ; Im zʲ],
///
/// one real GEMM of 2·L·N flops per kernel, with a_{m,n} = C′_n·z_n^{mT} and z_n^j built by
/// repeated multiplication in Float64 (so the powers carry no accumulated Float32 error) and
/// rounded. No O(N·L) buffer is built.
enum DiagonalKernel {
  /// The block width T and row count M for a kernel of length L.
  struct Blocking {
    let length: Int
    let width: Int
    let rows: Int

    init(length: Int) {
      self.length = length
      var width = 8
      while width * width < length && width < 256 { width *= 2 }
      self.width = width
      rows = (length + width - 1) / width
    }
  }

  /// K for every (output channel, channel), (c, H, L).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func forward<Scalar: SSMScalar>(
    _ parameters: SSMParameters<Scalar>, discretization: SSMDiscretization, length: Int
  ) -> Tensor<Scalar> {
    precondition(length >= 1, "S4D kernel: the kernel length must be ≥ 1, got \(length)")
    let values = parameters.complexValues
    let blocking = Blocking(length: length)
    let (h, c, half) = (parameters.channels, parameters.outputChannels, values.half)
    let (m, t, n) = (blocking.rows, blocking.width, 2 * half)
    var kernel = Tensor<Scalar>(zeros: [c, h, length])
    var left = [Scalar](repeating: 0, count: m * n)
    var right = [Scalar](repeating: 0, count: n * t)
    var block = [Scalar](repeating: 0, count: m * t)
    kernel.withUnsafeMutableBufferPointer { kernel in
      for channel in 0..<h {
        let factors = DiagonalDiscretization(values: values, channel: channel, discretization: discretization)
        let powers = factors.powers(count: t)
        fillRight(&right, powers: powers, width: t)
        let blockPowers = factors.powers(of: t, count: m)
        for output in 0..<c {
          let weights = factors.weights(values.output(output, ofChannel: channel))
          for row in 0..<m {
            for state in 0..<half {
              let a = weights[state] * blockPowers[state * m + row]
              left[row * n + state] = Scalar(2 * a.real)
              left[row * n + half + state] = Scalar(-2 * a.imaginary)
            }
          }
          let destination = kernel.baseAddress! + (output * h + channel) * length
          if m * t == length {
            gemm(left, right, m: m, n: t, k: n, into: destination)
          } else {
            block.withUnsafeMutableBufferPointer { block in
              gemm(left, right, m: m, n: t, k: n, into: block.baseAddress!)
              destination.update(from: block.baseAddress!, count: length)
            }
          }
        }
      }
    }
    return kernel
  }

  /// Right = [Re z^j; Im z^j], (N, T).
  static func fillRight<Scalar: SSMScalar>(
    _ right: inout [Scalar], powers: [Complex<Double>], width: Int
  ) {
    let half = powers.count / width
    for state in 0..<half {
      for j in 0..<width {
        right[state * width + j] = Scalar(powers[state * width + j].real)
        right[(half + state) * width + j] = Scalar(powers[state * width + j].imaginary)
      }
    }
  }

  /// C ← A·B for row-major A (m×k) and B (k×n).
  static func gemm<Scalar: SSMScalar>(
    _ a: [Scalar], _ b: [Scalar], m: Int, n: Int, k: Int, into c: UnsafeMutablePointer<Scalar>,
    transposeA: Bool = false, transposeB: Bool = false
  ) {
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        Scalar.gemm(
          transposeA ? .transpose : .none, transposeB ? .transpose : .none, m: m, n: n, k: k,
          alpha: .one, a: a.baseAddress!, lda: transposeA ? m : k, b: b.baseAddress!,
          ldb: transposeB ? k : n, beta: .zero, c: c, ldc: n)
      }
    }
  }
}

/// One channel's diagonal discretization in Float64: x = Δ·Λ, the poles z = Ā and the factor
/// φ with B̄ = φ·B.
///
/// - zero-order hold: z = e^x, φ = (e^x − 1)/Λ;
/// - bilinear: z = (1 + x/2)/(1 − x/2), φ = Δ/(1 − x/2).
///
/// κ = (∂z/∂x)/z turns the derivative of a power into a multiple of itself:
/// ∂z^p/∂x = p·κ·z^p, with κ = 1 (ZOH) and κ = 1/((1 − x/2)(1 + x/2)) (bilinear).
struct DiagonalDiscretization {
  let timeStep: Double
  let eigenvalues: [Complex<Double>]
  let input: [Complex<Double>]
  let poles: [Complex<Double>]
  let inputFactors: [Complex<Double>]
  let discretization: SSMDiscretization

  init(values: SSMComplexValues, channel: Int, discretization: SSMDiscretization) {
    self.discretization = discretization
    timeStep = values.timeSteps[channel]
    eigenvalues = Array(values.eigenvalues(ofChannel: channel))
    input = Array(values.input(ofChannel: channel))
    var poles = [Complex<Double>]()
    var factors = [Complex<Double>]()
    for lambda in eigenvalues {
      let x = Complex(timeStep) * lambda
      switch discretization {
      case .zeroOrderHold:
        let z = Complex.exp(x)
        poles.append(z)
        factors.append((z - .one) / lambda)
      case .bilinear:
        let denominator = Complex<Double>.one - x / 2
        poles.append((Complex<Double>.one + x / 2) / denominator)
        factors.append(Complex(timeStep) / denominator)
      }
    }
    self.poles = poles
    inputFactors = factors
  }

  /// C′_n = B_n·φ_n·C_n for an output row C, (N/2).
  func weights(_ output: ArraySlice<Complex<Double>>) -> [Complex<Double>] {
    zip(zip(input, inputFactors), output).map { $0.0 * $0.1 * $1 }
  }

  /// z_n^j for j < count, (N/2, count), by repeated multiplication.
  func powers(count: Int) -> [Complex<Double>] {
    powers(of: 1, count: count)
  }

  /// (z_n^stride)^m for m < count, (N/2, count).
  func powers(of stride: Int, count: Int) -> [Complex<Double>] {
    var result = [Complex<Double>]()
    result.reserveCapacity(poles.count * count)
    for z in poles {
      var base = Complex<Double>.one
      for _ in 0..<stride { base *= z }
      var power = Complex<Double>.one
      for _ in 0..<count {
        result.append(power)
        power *= base
      }
    }
    return result
  }

  /// κ_n = (∂z/∂x)/z.
  func logDerivative(_ n: Int) -> Complex<Double> {
    switch discretization {
    case .zeroOrderHold: return .one
    case .bilinear:
      let x = Complex(timeStep) * eigenvalues[n]
      return .one / ((Complex<Double>.one - x / 2) * (Complex<Double>.one + x / 2))
    }
  }

  /// (∂φ/∂Λ, ∂φ/∂Δ) at state n.
  func inputFactorDerivatives(_ n: Int) -> (eigenvalue: Complex<Double>, timeStep: Complex<Double>) {
    let lambda = eigenvalues[n]
    let x = Complex(timeStep) * lambda
    switch discretization {
    case .zeroOrderHold:
      let e = Complex.exp(x)
      return ((Complex(timeStep) * e * lambda - (e - .one)) / (lambda * lambda), e)
    case .bilinear:
      let denominator = Complex<Double>.one - x / 2
      let squared = denominator * denominator
      return (Complex(timeStep * timeStep / 2) / squared, .one / squared)
    }
  }
}
