import Foundation
import StateSpace
import Testing
import Training
import _TestSupport

/// The Float forms of exp, tanh and Φ that let the activation loops vectorise, against libm in
/// Float64 over their whole range, in units of the Float result's spacing (ulps).
@Suite("Vectorised Float transcendentals")
struct VectorizedMathOpTests {
  /// The error of `value` against the Float64 `reference`, in ulps of the reference rounded to
  /// Float (0 for an exact match, including two infinities or two zeros).
  static func ulps(_ value: Float, _ reference: Double) -> Double {
    if Double(value) == reference { return 0 }
    let rounded = Float(reference)
    guard rounded.isFinite, rounded != 0 else { return .infinity }
    return abs(Double(value) - reference) / Double(rounded.ulp)
  }

  /// Evenly spaced points of `range`, plus a few chosen ones.
  static func points(_ range: ClosedRange<Float>, count: Int, extra: [Float] = []) -> [Float] {
    (0..<count).map { range.lowerBound + (range.upperBound - range.lowerBound) * Float($0) / Float(count - 1) } + extra
  }

  @Test func expWithinTwoUlpsAndLimitsExact() {
    let x = Self.points(-87...88, count: 200_001, extra: [0, -0.0, 1e-8, -1e-8, 0.346, -0.347])
    let y = Tensor<Float>(shape: [x.count], scalars: x).exp().scalars
    let worst = zip(x, y).map { Self.ulps($1, Foundation.exp(Double($0))) }.max()!
    #expect(worst <= 2, "worst error \(worst) ulp")
    let extremes = Tensor<Float>(shape: [6], scalars: [-1e4, -90, -Float.infinity, 89, 1e4, .infinity]).exp()
    #expect(extremes.scalars == [0, 0, 0, .infinity, .infinity, .infinity])
    #expect(Tensor<Float>(shape: [1], scalars: [.nan]).exp().scalars[0].isNaN)
  }

  @Test func tanhWithinThreeUlpsIncludingNearZero() {
    let x = Self.points(-12...12, count: 200_001, extra: [1e-6, -1e-6, 0.624, 0.626, -0.626, 1e-30])
    let y = Tensor<Float>(shape: [x.count], scalars: x).tanh().scalars
    let worst = zip(x, y).map { Self.ulps($1, Foundation.tanh(Double($0))) }.max()!
    #expect(worst <= 3, "worst error \(worst) ulp")
    let extremes = Tensor<Float>(shape: [4], scalars: [-1e4, -50, 50, 1e4]).tanh()
    #expect(extremes.scalars == [-1, -1, 1, 1])
  }

  @Test func geluKeepsRelativeAccuracyInTheNegativeTail() {
    // x·Φ(x) is tiny for x ≪ 0; its relative error must stay small there too.
    let x = Self.points(-9...9, count: 100_001)
    let y = Tensor<Float>(shape: [x.count], scalars: x).gelu().scalars
    // Away from zero, where x·Φ(x) crosses 0 and relative error is meaningless.
    let awayFromZero = zip(x, y).filter { abs($0.0) > 1e-3 }.map { input, output -> Double in
      let v = Double(input)
      let reference = v * 0.5 * erfc(-v / 2.0.squareRoot())
      return abs(Double(output) - reference) / abs(reference)
    }.max()!
    #expect(awayFromZero < 1e-6, "worst relative error \(awayFromZero)")
    let limits = Tensor<Float>(shape: [4], scalars: [-.infinity, -1e4, 1e4, .infinity]).gelu().scalars
    #expect(limits[1] == 0 && limits[2] == 1e4 && limits[3] == .infinity)
  }

  @Test func sigmoidWithinFourUlps() {
    let x = Self.points(-80...80, count: 50_001)
    let y = Tensor<Float>(shape: [x.count], scalars: x).sigmoid().scalars
    let worst = zip(x, y).map { input, output -> Double in
      let reference = 1 / (1 + Foundation.exp(-Double(input)))
      return Self.ulps(output, reference)
    }.max()!
    #expect(worst <= 4, "worst error \(worst) ulp")
  }
}
