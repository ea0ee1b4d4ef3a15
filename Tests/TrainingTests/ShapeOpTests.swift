import StateSpace
import Testing
import Training
import _TestSupport

@Suite("Shape ops: reshape, permute, transpose, slice, concatenate")
struct ShapeOpTests {
  /// The permutation by explicit multi-indices: result[i₀…] = x[j] with j[p[a]] = i[a].
  static func naivePermute(_ x: Tensor<Double>, _ permutation: [Int]) -> [Double] {
    let shape = permutation.map { x.shape[$0] }
    let strides = x.strides
    return (0..<x.scalarCount).map { flat in
      var rest = flat
      var offset = 0
      for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        offset += (rest % shape[axis]) * strides[permutation[axis]]
        rest /= shape[axis]
      }
      return x.scalars[offset]
    }
  }

  static let permutations: [([Int], [Int])] = [
    ([3, 4], [1, 0]), ([2, 3, 4], [0, 2, 1]), ([2, 3, 4], [2, 0, 1]), ([2, 3, 4], [1, 2, 0]),
    ([2, 1, 4, 3], [3, 1, 0, 2]), ([5, 4, 3, 2], [2, 3, 0, 1]), ([2, 3, 4], [1, 0, 2]),
    ([3, 70, 45], [0, 2, 1]), ([130, 33], [1, 0]), ([4, 40, 3, 50], [0, 3, 2, 1]),
    ([2, 3], [0, 1]), ([1, 5, 1], [2, 1, 0]),
  ]

  @Test func permutedMatchesIndexMapping() {
    for (index, (shape, permutation)) in Self.permutations.enumerated() {
      let x = randomTensors([shape], seed: UInt64(index))[0]
      let result = x.permuted(permutation)
      #expect(result.shape == permutation.map { shape[$0] })
      #expect(result.scalars == Self.naivePermute(x, permutation), "\(shape) \(permutation)")
    }
  }

  @Test func largePermutationsRunInParallelAndStayExact() {
    // Large enough for several cores and partial tiles at both edges.
    let x = Tensor<Float>(shape: [3, 1000, 131]) { Float($0) }
    let permuted = x.permuted([0, 2, 1])
    #expect(permuted.permuted([0, 2, 1]) == x)
    #expect(permuted[2, 130, 999] == x[2, 999, 130])
    #expect(permuted[1, 7, 500] == x[1, 500, 7])
  }

  @Test func permuteTransposeAndReshapeGradients() {
    for (index, (shape, permutation)) in Self.permutations.prefix(7).enumerated() {
      let inputs = randomTensors([shape], seed: UInt64(20 + index))
      let error = gradientCheckError(at: inputs) { $0[0].permuted(permutation) }
      #expect(error < 1e-6, "\(shape) \(permutation): relative error \(error)")
    }
    let inputs = randomTensors([[2, 3, 4]], seed: 30)
    #expect(gradientCheckError(at: inputs) { $0[0].transposed() } < 1e-6)
    #expect(gradientCheckError(at: inputs) { $0[0].reshaped(to: [6, 4]) * $0[0].reshaped(to: [6, 4]) } < 1e-6)
    #expect(inputs[0].transposed().shape == [2, 4, 3])
    #expect(inputs[0].transposed()[1, 3, 2] == inputs[0][1, 2, 3])
  }

  @Test func sliceAndConcatenateForward() {
    let x = Tensor<Double>(shape: [2, 5, 3]) { Double($0) }
    let middle = x.slice(1..<4, alongAxis: 1)
    #expect(middle.shape == [2, 3, 3])
    #expect(middle[1, 0, 2] == x[1, 1, 2])
    #expect(middle[0, 2, 0] == x[0, 3, 0])
    let last = x.slice(2..<3, alongAxis: -1)
    #expect(last.shape == [2, 5, 1])
    #expect(last[1, 4, 0] == x[1, 4, 2])
    let parts = [x.slice(0..<1, alongAxis: 1), x.slice(1..<4, alongAxis: 1), x.slice(4..<5, alongAxis: 1)]
    #expect(Tensor.concatenate(parts, alongAxis: 1) == x)
    let wide = Tensor.concatenate([x, x.slice(0..<2, alongAxis: 2)], alongAxis: -1)
    #expect(wide.shape == [2, 5, 5])
    #expect(wide[1, 3, 4] == x[1, 3, 1])
    #expect(wide[1, 3, 2] == x[1, 3, 2])
  }

  @Test func sliceAndConcatenateGradients() {
    let inputs = randomTensors([[2, 5, 3], [2, 2, 3], [2, 5, 1]], seed: 31)
    for axis in [0, 1, 2, -1] {
      let extent = inputs[0].shape[(axis + 3) % 3]
      let range = (extent > 1 ? 1 : 0)..<extent
      let error = gradientCheckError(at: [inputs[0]]) { $0[0].slice(range, alongAxis: axis) }
      #expect(error < 1e-6, "slice along \(axis): relative error \(error)")
    }
    let alongLength = gradientCheckError(at: Array(inputs.prefix(2))) {
      Variable.concatenate([$0[0], $0[1], $0[0]], alongAxis: 1)
    }
    #expect(alongLength < 1e-6, "relative error \(alongLength)")
    let alongLast = gradientCheckError(at: [inputs[0], inputs[2]]) {
      Variable.concatenate([$0[1], $0[0]], alongAxis: -1) * 2
    }
    #expect(alongLast < 1e-6, "relative error \(alongLast)")
  }

  @Test func badArgumentsTrap() async {
    await #expect(processExitsWith: .failure) {
      _ = Tensor<Float>(zeros: [2, 3]).permuted([0, 0])
    }
    await #expect(processExitsWith: .failure) {
      _ = Tensor<Float>(zeros: [2, 3]).slice(1..<4, alongAxis: 1)
    }
    await #expect(processExitsWith: .failure) {
      _ = Tensor.concatenate([Tensor<Float>(zeros: [2, 3]), Tensor(zeros: [3, 3])], alongAxis: 1)
    }
    await #expect(processExitsWith: .failure) {
      _ = Variable(Tensor<Float>(zeros: [2, 3])).reshaped(to: [4, 2])
    }
  }
}
