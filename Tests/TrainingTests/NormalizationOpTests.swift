import StateSpace
import Testing
import Training
import _TestSupport

@Suite("Layer normalisation op")
struct NormalizationOpTests {
  /// (x − μ)/√(σ² + ε)·γ + β per row, written out.
  static func naiveLayerNorm(
    _ x: Tensor<Double>, gain: [Double], bias: [Double], epsilon: Double
  ) -> [Double] {
    let n = gain.count
    return stride(from: 0, to: x.scalarCount, by: n).flatMap { start -> [Double] in
      let row = Array(x.scalars[start..<(start + n)])
      let mean = row.reduce(0, +) / Double(n)
      let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
      return row.indices.map { (row[$0] - mean) / (variance + epsilon).squareRoot() * gain[$0] + bias[$0] }
    }
  }

  @Test func forwardMatchesFormula() {
    let inputs = randomTensors([[3, 4, 8], [8], [8]], seed: 1)
    let y = inputs[0].layerNormalized(gain: inputs[1], bias: inputs[2], epsilon: 1e-5)
    let expected = Self.naiveLayerNorm(
      inputs[0], gain: inputs[1].scalars, bias: inputs[2].scalars, epsilon: 1e-5)
    #expect(maxAbsoluteError(y.scalars, expected) < 1e-12)
    let plain = inputs[0].layerNormalized(gain: nil, bias: nil)
    let unit = Self.naiveLayerNorm(inputs[0], gain: Array(repeating: 1, count: 8), bias: Array(repeating: 0, count: 8), epsilon: 1e-5)
    #expect(maxAbsoluteError(plain.scalars, unit) < 1e-12)
  }

  @Test func gradientsOfInputGainAndBias() {
    let inputs = randomTensors([[3, 4, 8], [8], [8]], seed: 2)
    let all = gradientCheckError(at: inputs) { $0[0].layerNormalized(gain: $0[1], bias: $0[2]) }
    #expect(all < 1e-6, "relative error \(all)")
    let inputOnly = gradientCheckError(at: [inputs[0]]) { $0[0].layerNormalized(gain: nil, bias: nil, epsilon: 0.1) }
    #expect(inputOnly < 1e-6, "relative error \(inputOnly)")
  }

  @Test func largeRowsInParallelAgreeWithDouble() {
    let inputs = randomTensors([[512, 256], [256], [256]], seed: 3)
    let reference = inputs[0].layerNormalized(gain: inputs[1], bias: inputs[2])
    let single = inputs[0].map(Float.init).layerNormalized(
      gain: inputs[1].map(Float.init), bias: inputs[2].map(Float.init))
    #expect(relativeError(single.scalars, reference: reference.scalars) < 1e-5)
    // The pullback's ∂γ and ∂β partial sums per core add up to the Float64 values.
    let tapeF = Tape<Float>()
    let gainF = tapeF.watch(inputs[1].map(Float.init))
    let lossF = (Variable(inputs[0].map(Float.init)).layerNormalized(gain: gainF, bias: nil) * Variable(inputs[0].map(Float.init))).sum()
    let tapeD = Tape<Double>()
    let gainD = tapeD.watch(inputs[1])
    let lossD = (Variable(inputs[0]).layerNormalized(gain: gainD, bias: nil) * Variable(inputs[0])).sum()
    let gF = tapeF.gradients(of: lossF)[gainF]?.scalars ?? []
    let gD = tapeD.gradients(of: lossD)[gainD]?.scalars ?? []
    #expect(gF.count == 256 && relativeError(gF, reference: gD) < 1e-5)
  }

  /// The Float rows (C kernels, vectorised with tails) against the Float64 formulas on the
  /// same inputs: y, and the pullback's dx = r·(ĝ − mean ĝ − x̂·mean(ĝ∘x̂)), dγ = Σ g∘x̂ and
  /// dβ = Σ g. Width 37 leaves a vector tail; 200 × 259 scalars run in parallel chunks.
  @Test(arguments: [[300, 37], [200, 259]])
  func floatRowsAndPullbackMatchFloat64Formulas(_ shape: [Int]) {
    let width = shape[1]
    let inputs = randomTensors([shape, shape, [width], [width]], seed: 4)
    let (x, g) = (inputs[0].map { 3 * $0 + 1 }.map(Float.init), inputs[1].map(Float.init))
    let (gain, bias) = (inputs[2].map(Float.init), inputs[3].map(Float.init))
    let gamma = gain.scalars.map(Double.init)
    var y: [Double] = [], dx: [Double] = []
    var dGamma = [Double](repeating: 0, count: width), dBeta = dGamma
    for start in stride(from: 0, to: x.scalarCount, by: width) {
      let row = x.scalars[start..<(start + width)].map(Double.init)
      let upstream = g.scalars[start..<(start + width)].map(Double.init)
      let mean = row.reduce(0, +) / Double(width)
      let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
      let r = 1 / (variance + 1e-5).squareRoot()
      let xHat = row.map { ($0 - mean) * r }
      let gHat = zip(upstream, gamma).map(*)
      let meanG = gHat.reduce(0, +) / Double(width)
      let meanGX = zip(gHat, xHat).map(*).reduce(0, +) / Double(width)
      for j in 0..<width {
        y.append(xHat[j] * gamma[j] + Double(bias.scalars[j]))
        dx.append(r * (gHat[j] - meanG - xHat[j] * meanGX))
        dGamma[j] += upstream[j] * xHat[j]
        dBeta[j] += upstream[j]
      }
    }
    let tape = Tape<Float>()
    let (v, gainV, biasV) = (tape.watch(x), tape.watch(gain), tape.watch(bias))
    let output = v.layerNormalized(gain: gainV, bias: biasV)
    #expect(maxAbsoluteError(output.value.scalars, y) < 1e-5)
    let gradients = tape.gradients(of: output, seed: g)
    #expect(relativeError(gradients[v]!.scalars, reference: dx) < 1e-5)
    #expect(relativeError(gradients[gainV]!.scalars, reference: dGamma) < 1e-5)
    #expect(relativeError(gradients[biasV]!.scalars, reference: dBeta) < 1e-5)
  }

  @Test func wrongGainShapeTraps() async {
    await #expect(processExitsWith: .failure) {
      _ = Tensor<Float>(zeros: [2, 4]).layerNormalized(gain: Tensor(zeros: [3]), bias: nil)
    }
  }
}
