import ComplexModule
import RealModule

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
