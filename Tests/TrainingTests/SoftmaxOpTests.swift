import Foundation
import StateSpace
import Testing
import Training
import _TestSupport

@Suite("Softmax, log-softmax and GLU ops")
struct SoftmaxOpTests {
  /// softmax along the last axis by the textbook formula e^x / Σ e^x (fine for small logits).
  static func naiveSoftmaxRows(_ x: Tensor<Double>) -> [Double] {
    let n = x.shape.last!
    return stride(from: 0, to: x.scalarCount, by: n).flatMap { start -> [Double] in
      let row = x.scalars[start..<(start + n)].map { Foundation.exp($0) }
      let total = row.reduce(0, +)
      return row.map { $0 / total }
    }
  }

  @Test func softmaxAndLogSoftmaxMatchFormulas() {
    let x = randomTensors([[3, 4, 7]], seed: 1)[0]
    let expected = Self.naiveSoftmaxRows(x)
    #expect(maxAbsoluteError(x.softmax().scalars, expected) < 1e-14)
    #expect(maxAbsoluteError(x.logSoftmax().scalars, expected.map { Foundation.log($0) }) < 1e-13)
    // Along a middle axis: the same as moving that axis last.
    let middle = x.softmax(alongAxis: 1)
    let moved = x.permuted([0, 2, 1]).softmax().permuted([0, 2, 1])
    #expect(maxAbsoluteError(middle.scalars, moved.scalars) < 1e-15)
    let lines = x.permuted([0, 2, 1])
    #expect(maxAbsoluteError(middle.permuted([0, 2, 1]).scalars, Self.naiveSoftmaxRows(lines)) < 1e-14)
  }

  @Test(arguments: [-1, 0, 1])
  func gradients(_ axis: Int) {
    let inputs = randomTensors([[3, 4, 5]], seed: 2)
    let softmax = gradientCheckError(at: inputs) { $0[0].softmax(alongAxis: axis) }
    let logSoftmax = gradientCheckError(at: inputs) { $0[0].logSoftmax(alongAxis: axis) }
    #expect(softmax < 1e-6, "relative error \(softmax)")
    #expect(logSoftmax < 1e-6, "relative error \(logSoftmax)")
  }

  @Test func finiteOnHugeLogits() {
    var scalars: [Float] = []
    for row in 0..<64 { scalars += (0..<128).map { Float(($0 * 7 + row) % 5 - 2) * 5e3 } }
    let x = Tensor<Float>(shape: [64, 128], scalars: scalars)  // logits in {−1e4, −5e3, 0, 5e3, 1e4}
    let tape = Tape<Float>()
    let v = tape.watch(x)
    let y = v.softmax()
    let logY = v.logSoftmax()
    #expect(y.value.scalars.allSatisfy { $0.isFinite })
    #expect(logY.value.scalars.allSatisfy { $0.isFinite })
    for row in 0..<64 {
      let total = y.value.scalars[(row * 128)..<((row + 1) * 128)].reduce(0, +)
      #expect(abs(total - 1) < 1e-5)
    }
    // The largest logit of each row has log-probability −log(count of maxima).
    let gradient = tape.gradients(of: (logY * y).sum())[v]
    #expect(gradient?.scalars.allSatisfy { $0.isFinite } == true)
  }

  /// The Float rows (C kernels, vectorised with tails) against Float64 formulas on the same
  /// inputs: softmax and log-softmax with max-shifted exponentials, and their pullbacks
  /// y∘(g − ⟨g, y⟩) and g − softmax·Σ g. Row lengths 1, 37 and 259 leave every vector tail;
  /// 200 × 259 scalars run in parallel chunks.
  @Test(arguments: [[40, 1], [300, 37], [200, 259]])
  func floatRowsMatchFloat64Formulas(_ shape: [Int]) {
    let inputs = randomTensors([shape, shape], seed: 5)
    let x = inputs[0].map { 4 * $0 }
    let g = inputs[1]
    let n = shape[1]
    var softmax: [Double] = [], logSoftmax: [Double] = []
    var softmaxPullback: [Double] = [], logSoftmaxPullback: [Double] = []
    for start in stride(from: 0, to: x.scalarCount, by: n) {
      let row = x.scalars[start..<(start + n)].map { Double(Float($0)) }
      let upstream = Array(g.scalars[start..<(start + n)].map { Double(Float($0)) })
      let maximum = row.max()!
      let total = row.map { Foundation.exp($0 - maximum) }.reduce(0, +)
      let y = row.map { Foundation.exp($0 - maximum) / total }
      softmax += y
      logSoftmax += row.map { $0 - maximum - Foundation.log(total) }
      let dot = zip(upstream, y).map(*).reduce(0, +)
      softmaxPullback += zip(upstream, y).map { $1 * ($0 - dot) }
      let sum = upstream.reduce(0, +)
      logSoftmaxPullback += zip(upstream, y).map { $0 - $1 * sum }
    }
    let seed = g.map(Float.init)
    // One tape per op: a tape runs its backward pass once.
    let (tape, logTape) = (Tape<Float>(), Tape<Float>())
    let (v, logV) = (tape.watch(x.map(Float.init)), logTape.watch(x.map(Float.init)))
    let (y, logY) = (v.softmax(), logV.logSoftmax())
    #expect(maxAbsoluteError(y.value.scalars, softmax) < 1e-6)
    #expect(maxAbsoluteError(logY.value.scalars, logSoftmax) < 1e-5)
    let dSoftmax = tape.gradients(of: y, seed: seed)[v]!.scalars
    let dLogSoftmax = logTape.gradients(of: logY, seed: seed)[logV]!.scalars
    // Relative to the largest entry: Σ g over 259 entries is about 16, and its Float rounding
    // carries into every entry of the log-softmax pullback.
    #expect(relativeError(dSoftmax, reference: softmaxPullback) < 1e-5)
    #expect(relativeError(dLogSoftmax, reference: logSoftmaxPullback) < 1e-5)
  }

  @Test func gluMatchesFormulaAndGradients() {
    let x = randomTensors([[2, 6, 3]], seed: 3)[0]
    for axis in [0, 1, -2] {
      let resolved = (axis + 3) % 3
      let half = x.shape[resolved] / 2
      let a = x.slice(0..<half, alongAxis: resolved)
      let b = x.slice(half..<(2 * half), alongAxis: resolved)
      let expected = zip(a.scalars, b.scalars).map { $0 / (1 + Foundation.exp(-$1)) }
      #expect(maxAbsoluteError(x.glu(alongAxis: axis).scalars, expected) < 1e-14)
      let error = gradientCheckError(at: [x]) { $0[0].glu(alongAxis: axis) }
      #expect(error < 1e-6, "axis \(axis): relative error \(error)")
    }
  }

  @Test func gluOnAnOddAxisTraps() async {
    await #expect(processExitsWith: .failure) {
      _ = Tensor<Float>(zeros: [2, 3]).glu()
    }
  }
}
