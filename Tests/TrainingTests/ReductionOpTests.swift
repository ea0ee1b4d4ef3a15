import StateSpace
import Testing
import Training
import _TestSupport

@Suite("Reduction ops: sum and mean over axes")
struct ReductionOpTests {
  /// Σ over `axes` by explicit multi-indices, keeping the reduced axes with extent 1.
  static func naiveSum(_ x: Tensor<Double>, axes: Set<Int>) -> (shape: [Int], scalars: [Double]) {
    let shape = x.shape.indices.map { axes.contains($0) ? 1 : x.shape[$0] }
    var result = [Double](repeating: 0, count: shape.reduce(1, *))
    for flat in 0..<x.scalarCount {
      var rest = flat
      var index = [Int](repeating: 0, count: x.rank)
      for axis in stride(from: x.rank - 1, through: 0, by: -1) {
        index[axis] = rest % x.shape[axis]
        rest /= x.shape[axis]
      }
      var target = 0
      for axis in 0..<x.rank { target = target * shape[axis] + (axes.contains(axis) ? 0 : index[axis]) }
      result[target] += x.scalars[flat]
    }
    return (shape, result)
  }

  static let cases: [([Int], [Int])] = [
    ([3, 4], [0]), ([3, 4], [1]), ([3, 4], [0, 1]), ([2, 3, 4], [1]), ([2, 3, 4], [0, 2]),
    ([2, 3, 4], [-1]), ([2, 3, 4, 5], [1, 3]), ([2, 3, 4, 5], [0, 1]), ([4], [0]),
  ]

  @Test func sumAndMeanMatchIndexLoops() {
    for (index, (shape, axes)) in Self.cases.enumerated() {
      let x = randomTensors([shape], seed: UInt64(index))[0]
      let resolved = Set(axes.map { $0 < 0 ? $0 + shape.count : $0 })
      let expected = Self.naiveSum(x, axes: resolved)
      let count = Double(resolved.reduce(1) { $0 * shape[$1] })
      let kept = x.sum(alongAxes: axes, keepingDimensions: true)
      #expect(kept.shape == expected.shape)
      #expect(maxAbsoluteError(kept.scalars, expected.scalars) < 1e-12, "\(shape) \(axes)")
      let dropped = x.sum(alongAxes: axes)
      #expect(dropped.shape == shape.indices.filter { !resolved.contains($0) }.map { shape[$0] })
      let mean = x.mean(alongAxes: axes)
      #expect(maxAbsoluteError(mean.scalars, expected.scalars.map { $0 / count }) < 1e-12)
    }
  }

  @Test func gradients() {
    for (index, (shape, axes)) in Self.cases.enumerated() {
      let inputs = randomTensors([shape], seed: UInt64(40 + index))
      for keeping in [false, true] {
        let sum = gradientCheckError(at: inputs) { $0[0].sum(alongAxes: axes, keepingDimensions: keeping) }
        let mean = gradientCheckError(at: inputs) { $0[0].mean(alongAxes: axes, keepingDimensions: keeping) }
        #expect(sum < 1e-6 && mean < 1e-6, "\(shape) \(axes): \(sum), \(mean)")
      }
    }
    let inputs = randomTensors([[3, 5]], seed: 50)
    #expect(gradientCheckError(at: inputs) { $0[0].sum() } < 1e-6)
    #expect(gradientCheckError(at: inputs) { ($0[0] * $0[0]).mean() } < 1e-6)
  }

  @Test func wholeTensorSumsInParallelAgreeWithDouble() {
    var generator = SeededGenerator(seed: 51)
    let x = Tensor<Double>.randomUniform(shape: [1 << 20], in: 0..<1, using: &generator)
    let reference = x.scalars.reduce(0, +)
    #expect(abs(x.sum() - reference) < 1e-9 * reference)
    let single = x.map(Float.init)
    #expect(abs(Double(single.sum()) - reference) < 1e-5 * reference)
    #expect(abs(Double(single.mean()) - reference / Double(1 << 20)) < 1e-5)
  }

  @Test func repeatedOrInvalidAxesTrap() async {
    await #expect(processExitsWith: .failure) {
      _ = Tensor<Float>(zeros: [2, 3]).sum(alongAxes: [1, -1])
    }
    await #expect(processExitsWith: .failure) {
      _ = Tensor<Float>(zeros: [2, 3]).mean(alongAxes: [2])
    }
    await #expect(processExitsWith: .failure) {
      _ = Tensor<Float>(zeros: [2, 3]).summed(toShape: [3, 3])
    }
  }
}
