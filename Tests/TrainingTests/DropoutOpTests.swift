import StateSpace
import Testing
import Training
import _TestSupport

@Suite("Dropout op")
struct DropoutOpTests {
  static func dropped(_ x: Tensor<Float>, rate: Double, seed: UInt64, shared: [Int] = []) -> Tensor<Float> {
    let tape = Tape<Float>(training: true, seed: seed)
    return tape.watch(x).dropout(rate: rate, on: tape, sharingMaskAlong: shared).value
  }

  @Test func sameSeedSameMaskDifferentSeedDifferentMask() {
    let x = Tensor<Float>(shape: [4, 1000, 33], repeating: 1)
    let a = Self.dropped(x, rate: 0.3, seed: 7)
    let b = Self.dropped(x, rate: 0.3, seed: 7)
    let c = Self.dropped(x, rate: 0.3, seed: 8)
    #expect(a == b)
    #expect(a != c)
  }

  @Test func successiveDropoutsOnOneTapeUseFreshMasks() {
    let tape = Tape<Float>(training: true, seed: 3)
    let x = tape.watch(Tensor<Float>(shape: [1000], repeating: 1))
    #expect(x.dropout(rate: 0.5, on: tape).value != x.dropout(rate: 0.5, on: tape).value)
  }

  @Test(arguments: [0.1, 0.5, 0.9])
  func keepsTheExpectedFractionWithInvertedScaling(_ rate: Double) {
    let count = 400_000
    let y = Self.dropped(Tensor<Float>(shape: [count], repeating: 1), rate: rate, seed: 11)
    let kept = y.scalars.filter { $0 != 0 }
    let scale = Float(1 / (1 - rate))
    #expect(kept.allSatisfy { $0 == scale })
    // The kept count is binomial(n, 1 − rate): within 5 standard deviations.
    let expected = Double(count) * (1 - rate)
    let deviation = (Double(count) * rate * (1 - rate)).squareRoot()
    #expect(abs(Double(kept.count) - expected) < 5 * deviation)
    #expect(abs(Double(y.mean()) - 1) < 5 * deviation / Double(count) * Double(scale))
  }

  @Test func inferenceAndEvaluationTapesAreTheIdentity() {
    let x = Tensor<Float>(shape: [3, 5], repeating: 2)
    let inference = Tape<Float>.inference()
    #expect(Variable(x).dropout(rate: 0.5, on: inference).value == x)
    let evaluation = Tape<Float>(training: false, seed: 1)
    #expect(evaluation.watch(x).dropout(rate: 0.5, on: evaluation).value == x)
    let training = Tape<Float>(training: true, seed: 1)
    #expect(training.watch(x).dropout(rate: 0, on: training).value == x)
  }

  @Test func sharedMaskIsConstantAlongTheSharedAxis() {
    let x = Tensor<Float>(shape: [2, 50, 8], repeating: 1)
    let y = Self.dropped(x, rate: 0.5, seed: 5, shared: [1])
    for b in 0..<2 {
      for h in 0..<8 {
        let line = (0..<50).map { y[b, $0, h] }
        #expect(Set(line).count == 1)
      }
    }
    #expect(Set(y.scalars).count == 2)
  }

  @Test func gradientIsTheMaskedGradient() {
    // With a fixed seed the mask is a constant, so the central differences see the same mask.
    let inputs = randomTensors([[3, 4, 5]], seed: 6)
    for shared in [[], [1]] {
      let tapeSeeded = { (v: [Variable<Double>]) -> Variable<Double> in
        let tape = v[0].tape ?? Tape<Double>(training: true, seed: 21)
        return v[0].dropout(rate: 0.4, on: tape, sharingMaskAlong: shared)
      }
      // Each evaluation runs on its own training tape with seed 21 (the watched pass included).
      let tape = Tape<Double>(training: true, seed: 21)
      let x = tape.watch(inputs[0])
      var generator = SeededGenerator(seed: 2)
      let cotangent = Tensor<Double>.randomNormal(shape: inputs[0].shape, using: &generator)
      let y = tapeSeeded([x])
      let analytic = tape.gradients(of: y, seed: cotangent)[x]!
      let numeric = centralDifferenceGradients(at: inputs) { point in
        contraction(tapeSeeded([Variable(point[0])]).value, cotangent)
      }[0]
      #expect(relativeError(analytic.scalars, reference: numeric.scalars) < 1e-6)
      // And it is exactly cotangent · mask, the mask being y / x.
      let mask = zip(y.value.scalars, inputs[0].scalars).map { $0 / $1 }
      #expect(maxAbsoluteError(analytic.scalars, zip(cotangent.scalars, mask).map { $0 * $1 }) < 1e-12)
    }
  }

  @Test func rateOutsideTheUnitIntervalTraps() async {
    await #expect(processExitsWith: .failure) {
      let tape = Tape<Float>(training: true, seed: 1)
      _ = tape.watch(Tensor<Float>(zeros: [2])).dropout(rate: 1, on: tape)
    }
  }
}
