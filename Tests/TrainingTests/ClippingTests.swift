import StateSpace
import Testing
import Training

@Suite("Gradient clipping by global norm")
struct ClippingTests {
  private let a = Parameter<Double>(name: "a", value: Tensor(shape: [2], repeating: 0))
  private let b = Parameter<Double>(name: "b", value: Tensor(shape: [2, 2], repeating: 0))

  /// ‖(3, 0)‖² + ‖(0, 4, 0, 0)‖² = 25: global norm 5.
  private func gradients() -> Gradients<Double> {
    fixedGradients([
      (a, Tensor(shape: [2], scalars: [3, 0])), (b, Tensor(shape: [2, 2], scalars: [0, 4, 0, 0])),
    ])
  }

  @Test func globalNormOfAllGradients() {
    #expect(gradients().globalNorm == 5)
  }

  @Test func clipsToTheMaximumNorm() {
    var g = gradients()
    let norm = g.clipByGlobalNorm(1)
    #expect(norm == 5)
    let factor = 1 / (5 + 1e-6)
    #expect(g[a]!.scalars == [3 * factor, 0])
    #expect(g[b]!.scalars == [0, 4 * factor, 0, 0])
    #expect(abs(g.globalNorm - 1) < 1e-6)
  }

  @Test func leavesSmallGradientsAlone() {
    var g = gradients()
    #expect(g.clipByGlobalNorm(10) == 5)
    #expect(g[a]!.scalars == [3, 0])
    #expect(g[b]!.scalars == [0, 4, 0, 0])
  }

  @Test func reportsANonFiniteNormWithoutScaling() {
    var g = fixedGradients([
      (a, Tensor(shape: [2], scalars: [.nan, 1])), (b, Tensor(shape: [2, 2], scalars: [0, 4, 0, 0])),
    ])
    #expect(g.clipByGlobalNorm(1).isNaN)
    #expect(g[b]!.scalars == [0, 4, 0, 0])
  }

  @Test func floatGradientsAccumulateTheNormInDouble() {
    // 10⁶ entries of 10⁻³ in Float: norm exactly 1 in real arithmetic; a Float accumulator
    // would drift by about 10⁻⁴.
    let p = Parameter<Float>(name: "p", value: Tensor(shape: [1_000_000], repeating: 0))
    var g = fixedGradients([(p, Tensor(shape: [1_000_000], repeating: Float(1e-3)))])
    let expected = (1e6 * Double(Float(1e-3)) * Double(Float(1e-3))).squareRoot()
    #expect(abs(g.globalNorm - expected) < 1e-12)
    g.clipByGlobalNorm(0.5)
    #expect(abs(g.globalNorm - 0.5) < 1e-5)
  }
}
