import Foundation
import StateSpace
import Testing
import Training
import _TestSupport

@Suite("Activation ops")
struct ActivationOpTests {
  enum Activation: String, CaseIterable {
    case exp, log, squareRoot, tanh, sigmoid, relu, softplus, geluExact, geluTanh
  }

  static func apply(_ activation: Activation, _ x: Variable<Double>) -> Variable<Double> {
    switch activation {
    case .exp: x.exp()
    case .log: x.log()
    case .squareRoot: x.squareRoot()
    case .tanh: x.tanh()
    case .sigmoid: x.sigmoid()
    case .relu: x.relu()
    case .softplus: x.softplus()
    case .geluExact: x.gelu()
    case .geluTanh: x.gelu(approximation: .tanh)
    }
  }

  /// The textbook formulas with Foundation's libm, as forward oracles.
  static func naive(_ activation: Activation, _ x: Double) -> Double {
    switch activation {
    case .exp: Foundation.exp(x)
    case .log: Foundation.log(x)
    case .squareRoot: x.squareRoot()
    case .tanh: Foundation.tanh(x)
    case .sigmoid: 1 / (1 + Foundation.exp(-x))
    case .relu: max(x, 0)
    case .softplus: Foundation.log(1 + Foundation.exp(x))
    case .geluExact: 0.5 * x * (1 + erf(x / 2.0.squareRoot()))
    case .geluTanh: 0.5 * x * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
    }
  }

  /// Inputs in each function's domain, away from ReLU's kink.
  static func inputs(for activation: Activation, shape: [Int], seed: UInt64) -> Tensor<Double> {
    var generator = SeededGenerator(seed: seed)
    let x = randomAwayFromZero(shape: shape, margin: 0.05, using: &generator)
    switch activation {
    case .log, .squareRoot: return x.map { abs($0) + 0.1 }
    default: return x.map { 2 * $0 }
    }
  }

  @Test(arguments: Activation.allCases)
  func forwardMatchesFormula(_ activation: Activation) {
    let x = Self.inputs(for: activation, shape: [7, 9], seed: 1)
    let y = Self.apply(activation, Variable(x)).value
    #expect(maxAbsoluteError(y.scalars, x.scalars.map { Self.naive(activation, $0) }) < 1e-13)
    // Float agrees with the Float64 formula to single precision, also above the parallel grain.
    let large = Self.inputs(for: activation, shape: [3, 40_000], seed: 2)
    let reference = Self.apply(activation, Variable(large)).value
    let fromFloat: Tensor<Float> = {
      switch activation {
      case .exp: large.map(Float.init).exp()
      case .log: large.map(Float.init).log()
      case .squareRoot: large.map(Float.init).squareRoot()
      case .tanh: large.map(Float.init).tanh()
      case .sigmoid: large.map(Float.init).sigmoid()
      case .relu: large.map(Float.init).relu()
      case .softplus: large.map(Float.init).softplus()
      case .geluExact: large.map(Float.init).gelu()
      case .geluTanh: large.map(Float.init).gelu(approximation: .tanh)
      }
    }()
    #expect(relativeError(fromFloat.scalars, reference: reference.scalars) < 1e-6)
  }

  @Test(arguments: Activation.allCases)
  func gradientsMatchCentralDifferences(_ activation: Activation) {
    for (seed, shape) in [(3, [4, 5]), (4, [2, 3, 4]), (5, [11])] {
      let x = Self.inputs(for: activation, shape: shape, seed: UInt64(seed))
      let error = gradientCheckError(at: [x]) { Self.apply(activation, $0[0]) }
      #expect(error < 1e-6, "\(activation) \(shape): relative error \(error)")
    }
  }

  @Test func saturatingFunctionsStayFiniteAtExtremes() {
    let x = Tensor<Float>(shape: [6], scalars: [-1e4, -100, -20, 20, 100, 1e4])
    for y in [x.sigmoid(), x.tanh(), x.softplus(), x.gelu(), x.gelu(approximation: .tanh)] {
      #expect(y.scalars.allSatisfy { $0.isFinite })
    }
    let sigmoid = x.sigmoid().scalars
    #expect(sigmoid.first == 0 && sigmoid.last == 1 && sigmoid.allSatisfy { $0 >= 0 && $0 <= 1 })
    #expect(x.softplus().scalars[5] == 1e4)
    let tape = Tape<Float>()
    let v = tape.watch(x)
    let gradient = tape.gradients(of: (v.sigmoid() + v.softplus() + v.gelu()).sum())[v]
    #expect(gradient?.scalars.allSatisfy { $0.isFinite } == true)
  }
}
