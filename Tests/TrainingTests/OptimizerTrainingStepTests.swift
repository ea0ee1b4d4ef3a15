import StateSpace
import Testing
import Training

@Suite("Training step: clipping and non-finite losses")
struct OptimizerTrainingStepTests {
  /// loss = c·Σ pᵢ², gradient 2c·p, recorded as one op.
  private func quadratic(_ p: Variable<Double>, coefficient c: Double) -> Variable<Double> {
    let value = c * p.value.scalars.reduce(0) { $0 + $1 * $1 }
    return Variable.record(Tensor(shape: [], scalars: [value]), inputs: [p]) { upstream in
      [Tensor(shape: p.shape, scalars: p.value.scalars.map { 2 * c * $0 * upstream.scalars[0] })]
    }
  }

  @Test func stepReportsLossAndNormAndUpdates() throws {
    let p = Parameter<Double>(name: "p", value: Tensor(shape: [2], scalars: [3, 4]))
    var optimizer = SGD<Double>(learningRate: 0.1)
    let result = try optimizer.minimize([p], on: Tape()) { tape in
      quadratic(tape.watch(p), coefficient: 1)
    }
    #expect(result.loss == 25)
    #expect(result.gradientNorm == 10)  // ‖2p‖ = 10
    let expected: [Double] = [3 - 0.1 * 6, 4 - 0.1 * 8]
    #expect(p.value.scalars == expected)
  }

  @Test func stepClipsBeforeUpdating() throws {
    let p = Parameter<Double>(name: "p", value: Tensor(shape: [2], scalars: [3, 4]))
    var optimizer = SGD<Double>(learningRate: 1)
    let result = try optimizer.minimize([p], on: Tape(), clippingNormTo: 1) { tape in
      quadratic(tape.watch(p), coefficient: 1)
    }
    #expect(result.gradientNorm == 10)
    let factor = 1 / (10 + 1e-6)
    let expected: [Double] = [3 - 6 * factor, 4 - 8 * factor]
    #expect(p.value.scalars == expected)
  }

  @Test(arguments: [Double.nan, .infinity, -.infinity])
  func nonFiniteLossIsAnErrorAndChangesNothing(bad: Double) {
    let p = Parameter<Double>(name: "p", value: Tensor(shape: [2], scalars: [3, 4]))
    var optimizer = AdamW<Double>(learningRate: 0.1)
    #expect(throws: TrainingError.self) {
      try optimizer.minimize([p], on: Tape()) { tape in quadratic(tape.watch(p), coefficient: bad) }
    }
    do {
      try optimizer.minimize([p], on: Tape()) { tape in quadratic(tape.watch(p), coefficient: bad) }
    } catch {
      if bad.isNaN {
        guard case .nonFiniteLoss(let value) = error else { Issue.record("\(error)"); return }
        #expect(value.isNaN)
      } else {
        #expect(error == .nonFiniteLoss(bad))
      }
    }
    #expect(p.value.scalars == [3, 4])
    #expect(optimizer.stepCount == 0)
    #expect(optimizer.state(for: [p]).entries.isEmpty)
  }

  @Test func nonFiniteGradientIsAnError() {
    // A finite loss whose pullback produces NaN (say, √x at 0 differentiated).
    let p = Parameter<Double>(name: "p", value: Tensor(shape: [1], scalars: [1]))
    var optimizer = SGD<Double>(learningRate: 0.1)
    #expect(throws: TrainingError.nonFiniteGradient(norm: .infinity)) {
      try optimizer.minimize([p], on: Tape(), clippingNormTo: 1) { tape in
        let x = tape.watch(p)
        return Variable.record(Tensor(shape: [1], scalars: [0]), inputs: [x]) { _ in
          [Tensor(shape: [1], scalars: [.infinity])]
        }
      }
    }
    #expect(p.value.scalars == [1])
  }
}
