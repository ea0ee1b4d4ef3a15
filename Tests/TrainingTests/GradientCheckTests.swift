import Numerics
import StateSpace
import Testing
import Training

/// f(w, x) = Σᵢ wᵢ³·xᵢ + (Σᵢ wᵢ)·Σⱼ xⱼ², recorded as one op. The pullback is ∂f/∂wᵢ = 3wᵢ²xᵢ + Σⱼ xⱼ²
/// and ∂f/∂xⱼ = wⱼ³ + 2xⱼ·Σᵢ wᵢ, with an optional defect at one index of w.
private func cubic(
  _ w: Variable<Double>, _ x: Variable<Double>, defect: (index: Int, factor: Double)? = nil
) -> Variable<Double> {
  let (ws, xs) = (w.value.scalars, x.value.scalars)
  let sumW = ws.reduce(0, +)
  let sumSquaresX = xs.reduce(0) { $0 + $1 * $1 }
  let value = zip(ws, xs).reduce(0) { $0 + $1.0 * $1.0 * $1.0 * $1.1 } + sumW * sumSquaresX
  return Variable.record(Tensor(shape: [], scalars: [value]), inputs: [w, x]) { upstream in
    let u = upstream.scalars[0]
    var gw = zip(ws, xs).map { u * (3 * $0 * $0 * $1 + sumSquaresX) }
    if let defect { gw[defect.index] *= defect.factor }
    let gx = zip(ws, xs).map { u * ($0 * $0 * $0 + 2 * $1 * sumW) }
    return [Tensor(shape: w.shape, scalars: gw), Tensor(shape: x.shape, scalars: gx)]
  }
}

private func parameters() -> (Parameter<Double>, Parameter<Double>) {
  var generator = SeededGenerator(seed: 21)
  return (
    Parameter(name: "w", value: Tensor<Double>.randomNormal(shape: [2, 3], using: &generator)),
    Parameter(name: "x", value: Tensor<Double>.randomNormal(shape: [2, 3], using: &generator))
  )
}

@Suite("Gradient check utility")
struct GradientCheckTests {
  @Test func correctGradientsPass() {
    let (w, x) = parameters()
    let report = checkGradients(of: [w, x]) { tape in cubic(tape.watch(w), tape.watch(x)) }
    #expect(report.checkedCount == 12)
    #expect(report.passes(tolerance: 1e-8), "\(report)")
  }

  @Test(arguments: [(0, 1.001), (4, 0.5), (5, -1.0)])
  func aWrongGradientIsFoundAndLocated(index: Int, factor: Double) {
    let (w, x) = parameters()
    let report = checkGradients(of: [x, w]) { tape in
      cubic(tape.watch(w), tape.watch(x), defect: (index, factor))
    }
    #expect(!report.passes(tolerance: 1e-6))
    #expect(report.worstRelativeError > 5e-4)
    #expect(report.worst?.parameter == "w")
    #expect(report.worst?.index == [index / 3, index % 3])
    let worst = report.worst!
    #expect(abs(worst.analytic - factor * worst.numeric) < 1e-6 * abs(worst.numeric))
  }

  @Test func valuesAreRestoredExactly() {
    let (w, x) = parameters()
    let (before, beforeX) = (w.value, x.value)
    _ = checkGradients(of: [w, x]) { tape in cubic(tape.watch(w), tape.watch(x)) }
    #expect(w.value.scalars.map(\.bitPattern) == before.scalars.map(\.bitPattern))
    #expect(x.value.scalars.map(\.bitPattern) == beforeX.scalars.map(\.bitPattern))
  }

  @Test func aParameterTheLossIgnoresHasZeroGradient() {
    let (w, x) = parameters()
    let unused = Parameter<Double>(name: "unused", value: Tensor(shape: [2], scalars: [1, 2]))
    let report = checkGradients(of: [w, unused]) { tape in cubic(tape.watch(w), Variable(x.value)) }
    #expect(report.checkedCount == 8)
    #expect(report.passes(tolerance: 1e-8), "\(report)")
  }

  @Test func subsetOfScalars() {
    let w = Parameter<Double>(name: "w", value: Tensor(shape: [100], generating: { Double($0) / 50 }))
    let x = Parameter<Double>(name: "x", value: Tensor(shape: [100], repeating: 0.5))
    let report = checkGradients(of: [w, x], scalarsPerParameter: 7) { tape in
      cubic(tape.watch(w), tape.watch(x), defect: (99, 2))
    }
    #expect(report.checkedCount == 14)
    // Evenly spread indices 0, 14, 28, …, 85 miss the defect at 99: the subset passes.
    #expect(report.passes(tolerance: 1e-8), "\(report)")
  }

  @Test func tapeRandomnessIsIdenticalAcrossEvaluations() {
    // A loss that draws noise from the tape's generator (as dropout does): f = Σ wᵢ³·rᵢ. With the
    // same seed for every evaluation the differences see the same r as the tape's pullback.
    let w = Parameter<Double>(name: "w", value: Tensor(shape: [5], scalars: [0.1, -0.4, 0.7, 1.2, -2]))
    let report = checkGradients(of: [w], training: true, seed: 99) { tape in
      let watched = tape.watch(w)
      let noise = (0..<5).map { _ in tape.generator.nextStandardNormal() }
      let value = zip(watched.value.scalars, noise).reduce(0) { $0 + $1.0 * $1.0 * $1.0 * $1.1 }
      return Variable.record(Tensor(shape: [], scalars: [value]), inputs: [watched]) { upstream in
        [Tensor(shape: [5], scalars: zip(watched.value.scalars, noise).map { 3 * $0 * $0 * $1 * upstream.scalars[0] })]
      }
    }
    #expect(report.passes(tolerance: 1e-8), "\(report)")
  }
}
