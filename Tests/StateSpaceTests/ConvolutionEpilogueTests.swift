import Numerics
import StateSpace
import Testing
import _TestSupport

/// The fused elementwise passes of the S4 block against their Float64 definitions through
/// libm's erf, exp and tanh, including the tails where GELU and σ are tiny.
@Suite struct ConvolutionEpilogueTests {
  /// GELU(x) by definition: x·Φ(x) with Φ(x) = erfc(−x/√2)/2 (accurate in the lower tail), or
  /// ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
  static func gelu(_ x: Double, tanhForm: Bool) -> Double {
    tanhForm
      ? x * (1 + .tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))) / 2
      : x * .erfc(-x / 2.0.squareRoot()) / 2
  }

  /// GELU′(x) by central differences of the definition in Float64 (step 1e−5: error ~1e−10).
  static func geluDerivative(_ x: Double, tanhForm: Bool) -> Double {
    let h = 1e-5
    return (gelu(x + h, tanhForm: tanhForm) - gelu(x - h, tanhForm: tanhForm)) / (2 * h)
  }

  static func logistic(_ x: Double) -> Double { 1 / (1 + .exp(-x)) }

  /// |a − b| within `relative`·|b| plus a floor for values that cross zero.
  static func expectClose(_ a: [Double], _ b: [Double], relative: Double, floor: Double, _ what: String) {
    var worst = 0.0
    for (x, y) in zip(a, b) { worst = max(worst, abs(x - y) / (relative * abs(y) + floor)) }
    #expect(worst <= 1, "\(what): error \(worst) times the tolerance")
  }

  /// (rows, width) = (37, 21): rows not a multiple of any chunk, width not a multiple of the
  /// vector lanes; values spread over [−12, 12].
  static func inputs<T: FFTScalar>(_: T.Type) -> (v: Tensor<T>, u: Tensor<T>, d: Tensor<T>) {
    var generator = SeededGenerator(seed: 5)
    let v = Tensor<T>.randomUniform(shape: [37, 21], in: -12..<12, using: &generator)
    let u = Tensor<T>.randomNormal(shape: [37, 21], using: &generator)
    let d = Tensor<T>.randomNormal(shape: [21], using: &generator)
    return (v, u, d)
  }

  @Test("skip + GELU and its pullback equal the definitions", arguments: [false, true])
  func skipGELU(tanhForm: Bool) {
    func check<T: FFTScalar>(_: T.Type, relative: Double) {
      let (v0, u, d) = Self.inputs(T.self)
      var v = v0
      let z = ConvolutionEpilogue.skipGELU(&v, input: u, skip: d, tanhForm: tanhForm)
      let (vs, us, ds) = (v0.scalars, u.scalars, d.scalars)
      let expectedV = (0..<vs.count).map { Double(vs[$0]) + Double(ds[$0 % 21]) * Double(us[$0]) }
      Self.expectClose(v.scalars.map(Double.init), expectedV, relative: relative, floor: 1e-5, "v (\(T.self))")
      // GELU of the computed v, so that only the activation's error is measured.
      let actual = v.scalars.map(Double.init)
      // The tanh form's 1 + tanh u cancels in the lower tail: an absolute error of ulp(1)·|x|.
      let floor = tanhForm && T.self == Float.self ? 2e-6 : 1e-30
      Self.expectClose(
        z.scalars.map(Double.init), actual.map { Self.gelu($0, tanhForm: tanhForm) }, relative: relative,
        floor: floor, "GELU (\(T.self))")
      let g = Tensor<T>(shape: v.shape) { T(1 + Double($0 % 7) / 4) }
      let dv = ConvolutionEpilogue.geluBackward(outputGradient: g, preActivation: v, tanhForm: tanhForm)
      let expectedDV = (0..<actual.count).map {
        Double(g.scalars[$0]) * Self.geluDerivative(actual[$0], tanhForm: tanhForm)
      }
      Self.expectClose(dv.scalars.map(Double.init), expectedDV, relative: relative,
        floor: tanhForm && T.self == Float.self ? 2e-6 : 1e-7, "GELU′ (\(T.self))")
    }
    check(Float.self, relative: 4e-6)
    check(Double.self, relative: 1e-8)
  }

  @Test("GLU and its pullback equal the definitions")
  func glu() {
    func check<T: FFTScalar>(_: T.Type, relative: Double) {
      var generator = SeededGenerator(seed: 9)
      let x = Tensor<T>.randomUniform(shape: [3, 5, 2 * 19], in: -30..<30, using: &generator)
      let g = Tensor<T>.randomNormal(shape: [3, 5, 19], using: &generator)
      let y = ConvolutionEpilogue.glu(x)
      #expect(y.shape == [3, 5, 19])
      let dx = ConvolutionEpilogue.gluBackward(input: x, outputGradient: g)
      #expect(dx.shape == x.shape)
      let (xs, gs) = (x.scalars.map(Double.init), g.scalars.map(Double.init))
      var expectedY: [Double] = [], expectedDX: [Double] = []
      for row in 0..<15 {
        let (a, b) = (Array(xs[(row * 38)..<(row * 38 + 19)]), Array(xs[(row * 38 + 19)..<(row * 38 + 38)]))
        let up = Array(gs[(row * 19)..<(row * 19 + 19)])
        let s = b.map(Self.logistic)
        expectedY += (0..<19).map { a[$0] * s[$0] }
        expectedDX += (0..<19).map { up[$0] * s[$0] } + (0..<19).map { up[$0] * a[$0] * s[$0] * (1 - s[$0]) }
      }
      Self.expectClose(y.scalars.map(Double.init), expectedY, relative: relative, floor: 1e-30, "GLU (\(T.self))")
      // ∂b = g·a·σ(b)(1 − σ(b)): 1 − σ(b) cancels for b ≫ 0, an absolute error of ulp(1)·|g·a|.
      Self.expectClose(
        dx.scalars.map(Double.init), expectedDX, relative: relative, floor: T.self == Float.self ? 2e-5 : 1e-12, "GLU′ (\(T.self))")
    }
    check(Float.self, relative: 4e-6)
    check(Double.self, relative: 1e-12)
  }
}
