import StateSpace
import Testing
import Training
import _TestSupport

@Suite("Matrix product and linear ops")
struct MatrixOpTests {
  /// op(A)·op(B) for rank-2 matrices by the triple loop, transposing by index.
  static func naiveProduct(
    _ a: Tensor<Double>, _ b: Tensor<Double>, transposeA: Bool, transposeB: Bool
  ) -> [Double] {
    let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let n = transposeB ? b.shape[0] : b.shape[1]
    let opA = (0..<(m * k)).map { i in transposeA ? a[i % k, i / k] : a[i / k, i % k] }
    let opB = (0..<(k * n)).map { i in transposeB ? b[i % n, i / n] : b[i / n, i % n] }
    return naiveMatmul(opA, opB, m: m, k: k, n: n)
  }

  static let transposes: [(Bool, Bool)] = [(false, false), (false, true), (true, false), (true, true)]

  @Test(arguments: transposes)
  func matrixTimesMatrix(_ transposeA: Bool, _ transposeB: Bool) {
    let (m, k, n) = (4, 3, 5)
    let inputs = randomTensors([transposeA ? [k, m] : [m, k], transposeB ? [n, k] : [k, n]], seed: 1)
    let op = { (v: [Variable<Double>]) in
      v[0].matmul(
        v[1], transposeSelf: transposeA ? .transpose : .none,
        transposeOther: transposeB ? .transpose : .none)
    }
    let product = op(inputs.map { Variable($0) }).value
    let expected = Self.naiveProduct(inputs[0], inputs[1], transposeA: transposeA, transposeB: transposeB)
    #expect(product.shape == [m, n])
    #expect(maxAbsoluteError(product.scalars, expected) < 1e-12)
    let error = gradientCheckError(at: inputs, op)
    #expect(error < 1e-6, "relative error \(error)")
  }

  @Test(arguments: [false, true])
  func batchTimesSharedMatrix(_ transposeB: Bool) {
    // (B, L, k) × (k, n) folds the batch into rows; ∂B sums over every row of the batch.
    let inputs = randomTensors([[2, 3, 4], transposeB ? [5, 4] : [4, 5]], seed: 2)
    let op = { (v: [Variable<Double>]) in
      v[0].matmul(v[1], transposeOther: transposeB ? .transpose : .none)
    }
    let product = op(inputs.map { Variable($0) }).value
    #expect(product.shape == [2, 3, 5])
    let rows = inputs[0].reshaped(to: [6, 4])
    let expected = Self.naiveProduct(rows, inputs[1], transposeA: false, transposeB: transposeB)
    #expect(maxAbsoluteError(product.scalars, expected) < 1e-12)
    let error = gradientCheckError(at: inputs, op)
    #expect(error < 1e-6, "relative error \(error)")
  }

  @Test(arguments: transposes)
  func batchedMatrices(_ transposeA: Bool, _ transposeB: Bool) {
    let (batch, m, k, n) = (3, 2, 4, 3)
    let inputs = randomTensors(
      [transposeA ? [batch, k, m] : [batch, m, k], transposeB ? [batch, n, k] : [batch, k, n]], seed: 3)
    let op = { (v: [Variable<Double>]) in
      v[0].matmul(
        v[1], transposeSelf: transposeA ? .transpose : .none,
        transposeOther: transposeB ? .transpose : .none)
    }
    let product = op(inputs.map { Variable($0) }).value
    #expect(product.shape == [batch, m, n])
    for index in 0..<batch {
      let a = inputs[0].slice(index..<(index + 1), alongAxis: 0).reshaped(to: Array(inputs[0].shape.dropFirst()))
      let b = inputs[1].slice(index..<(index + 1), alongAxis: 0).reshaped(to: Array(inputs[1].shape.dropFirst()))
      let expected = Self.naiveProduct(a, b, transposeA: transposeA, transposeB: transposeB)
      let actual = Array(product.scalars[(index * m * n)..<((index + 1) * m * n)])
      #expect(maxAbsoluteError(actual, expected) < 1e-12)
    }
    let error = gradientCheckError(at: inputs, op)
    #expect(error < 1e-6, "relative error \(error)")
  }

  /// Several rows (one GEMM) and a single row (a matrix–vector product), with and without a
  /// bias, against the naive product.
  @Test(arguments: [[2, 3, 4], [1, 4], [4]])
  func linearEqualsProductPlusBias(inputShape: [Int]) {
    let inputs = randomTensors([inputShape, [4, 5], [5]], seed: 4)
    let fused = inputs[0].linear(weight: inputs[1], bias: inputs[2])
    let rowCount = inputs[0].scalarCount / 4
    let product = naiveMatmul(inputs[0].scalars, inputs[1].scalars, m: rowCount, k: 4, n: 5)
    let expected = product.indices.map { product[$0] + inputs[2].scalars[$0 % 5] }
    #expect(fused.shape == Array(inputShape.dropLast()) + [5])
    #expect(maxAbsoluteError(fused.scalars, expected) < 1e-12)
    let withoutBias = inputs[0].linear(weight: inputs[1])
    #expect(maxAbsoluteError(withoutBias.scalars, product) < 1e-12)
  }

  @Test func linearGradients() {
    let inputs = randomTensors([[2, 3, 4], [4, 5], [5]], seed: 5)
    let withBias = gradientCheckError(at: inputs) { $0[0].linear(weight: $0[1], bias: $0[2]) }
    #expect(withBias < 1e-6, "relative error \(withBias)")
    let withoutBias = gradientCheckError(at: Array(inputs.prefix(2))) { $0[0].linear(weight: $0[1]) }
    #expect(withoutBias < 1e-6, "relative error \(withoutBias)")
  }

  @Test func constantInputGetsNoGradientButWeightsDo() throws {
    let inputs = randomTensors([[3, 4], [4, 2]], seed: 6)
    let tape = Tape<Double>()
    let weight = tape.watch(inputs[1])
    let loss = Variable(inputs[0]).linear(weight: weight).sum()
    let gradient = try #require(tape.gradients(of: loss)[weight])
    // ∂/∂W Σ (xW) = xᵀ·1: row p of the gradient is the column sum of x.
    let columnSums = (0..<4).map { p in (0..<3).reduce(0.0) { $0 + inputs[0][$1, p] } }
    let expected = (0..<8).map { columnSums[$0 / 2] }
    #expect(maxAbsoluteError(gradient.scalars, expected) < 1e-12)
  }

  @Test func mismatchedShapesTrap() async {
    await #expect(processExitsWith: .failure) {
      _ = Variable(Tensor<Float>(zeros: [2, 3])).matmul(Variable(Tensor<Float>(zeros: [4, 2])))
    }
    await #expect(processExitsWith: .failure) {
      _ = Tensor<Float>(zeros: [2, 3]).linear(weight: Tensor(zeros: [3, 4]), bias: Tensor(zeros: [3]))
    }
  }
}
