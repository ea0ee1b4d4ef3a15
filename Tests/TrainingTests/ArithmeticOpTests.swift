import StateSpace
import Testing
import Training
import _TestSupport

@Suite("Elementwise arithmetic ops with broadcasting")
struct ArithmeticOpTests {
  /// Shape pairs covering equal shapes, a bias over a batch, a scalar, (1, H) vs (B, H),
  /// rank 3 vs rank 1, rank 3 vs (B, 1, H) and an outer product (N, 1) vs (1, M).
  static let shapePairs: [([Int], [Int])] = [
    ([3, 4], [3, 4]), ([2, 3, 5], [5]), ([4, 3], []), ([1, 6], [3, 6]), ([2, 4, 3], [3]),
    ([2, 1, 3], [2, 4, 3]), ([4, 1], [1, 5]), ([2, 3, 4], [2, 3, 1]), ([1], [3, 2]),
  ]

  enum Operation: String, CaseIterable { case add, subtract, multiply, divide }

  static func apply(_ operation: Operation, _ a: Variable<Double>, _ b: Variable<Double>) -> Variable<Double> {
    switch operation {
    case .add: a + b
    case .subtract: a - b
    case .multiply: a * b
    case .divide: a / b
    }
  }

  static func apply(_ operation: Operation, _ a: Double, _ b: Double) -> Double {
    switch operation {
    case .add: a + b
    case .subtract: a - b
    case .multiply: a * b
    case .divide: a / b
    }
  }

  /// NumPy broadcasting written out with explicit multi-indices, as the forward oracle.
  static func naiveBroadcast(
    _ operation: Operation, _ a: Tensor<Double>, _ b: Tensor<Double>
  ) -> (shape: [Int], scalars: [Double]) {
    let rank = max(a.rank, b.rank)
    let pa = [Int](repeating: 1, count: rank - a.rank) + a.shape
    let pb = [Int](repeating: 1, count: rank - b.rank) + b.shape
    let shape = (0..<rank).map { max(pa[$0], pb[$0]) }
    let count = shape.reduce(1, *)
    var scalars: [Double] = []
    for flat in 0..<count {
      var index = [Int](repeating: 0, count: rank)
      var rest = flat
      for axis in stride(from: rank - 1, through: 0, by: -1) {
        index[axis] = rest % shape[axis]
        rest /= shape[axis]
      }
      var offsetA = 0
      var offsetB = 0
      for axis in 0..<rank {
        offsetA = offsetA * pa[axis] + (pa[axis] == 1 ? 0 : index[axis])
        offsetB = offsetB * pb[axis] + (pb[axis] == 1 ? 0 : index[axis])
      }
      scalars.append(apply(operation, a.scalars[offsetA], b.scalars[offsetB]))
    }
    return (shape, scalars)
  }

  @Test(arguments: Operation.allCases)
  func forwardMatchesNaiveBroadcasting(_ operation: Operation) {
    for (index, (lhs, rhs)) in Self.shapePairs.enumerated() {
      for (x, y) in [(lhs, rhs), (rhs, lhs)] {
        let inputs = randomTensors([x, y], seed: UInt64(index))
        let result = Self.apply(operation, Variable(inputs[0]), Variable(inputs[1])).value
        let expected = Self.naiveBroadcast(operation, inputs[0], inputs[1])
        #expect(result.shape == expected.shape)
        #expect(maxAbsoluteError(result.scalars, expected.scalars) < 1e-12, "\(operation) \(x) \(y)")
      }
    }
  }

  @Test(arguments: Operation.allCases)
  func gradientsMatchCentralDifferences(_ operation: Operation) {
    for (index, (lhs, rhs)) in Self.shapePairs.enumerated() {
      for (x, y) in [(lhs, rhs), (rhs, lhs)] {
        var inputs = randomTensors([x, y], seed: UInt64(10 + index))
        if operation == .divide {
          var generator = SeededGenerator(seed: 5)
          inputs[1] = randomAwayFromZero(shape: y, margin: 0.5, using: &generator)
        }
        let error = gradientCheckError(at: inputs) { Self.apply(operation, $0[0], $0[1]) }
        #expect(error < 1e-6, "\(operation) \(x) \(y): relative error \(error)")
      }
    }
  }

  @Test func scalarOperandsAndNegation() {
    var generator = SeededGenerator(seed: 3)
    let x = randomAwayFromZero(shape: [3, 4], margin: 0.5, using: &generator)
    let ops: [(String, (Variable<Double>) -> Variable<Double>)] = [
      ("x + 2", { $0 + 2 }), ("2 + x", { 2 + $0 }), ("x − 2", { $0 - 2 }), ("2 − x", { 2 - $0 }),
      ("x · 3", { $0 * 3 }), ("3 · x", { 3 * $0 }), ("x / 4", { $0 / 4 }), ("4 / x", { 4 / $0 }),
      ("−x", { -$0 }),
    ]
    let naive: [(Double) -> Double] = [
      { $0 + 2 }, { 2 + $0 }, { $0 - 2 }, { 2 - $0 }, { $0 * 3 }, { 3 * $0 }, { $0 / 4 }, { 4 / $0 },
      { -$0 },
    ]
    for ((name, op), reference) in zip(ops, naive) {
      #expect(op(Variable(x)).value.scalars == x.scalars.map(reference), "\(name)")
      let error = gradientCheckError(at: [x]) { op($0[0]) }
      #expect(error < 1e-6, "\(name): relative error \(error)")
    }
  }

  @Test func fanOutSumsBothUses() throws {
    // f(x) = x·x + x: the gradient of each use adds up to 2x + 1.
    let inputs = randomTensors([[5, 3]], seed: 4)
    let error = gradientCheckError(at: inputs) { $0[0] * $0[0] + $0[0] }
    #expect(error < 1e-6)
    let tape = Tape<Double>()
    let x = tape.watch(inputs[0])
    let gradient = try #require(tape.gradients(of: (x * x + x).sum())[x])
    let expected = inputs[0].scalars.map { 2 * $0 + 1 }
    #expect(maxAbsoluteError(gradient.scalars, expected) < 1e-12)
  }

  @Test func summedToShapeIsTheAdjointOfBroadcast() {
    // ⟨broadcast(a), g⟩ = ⟨a, summed(g)⟩ for every pattern, with a large case that runs in
    // parallel.
    let cases: [([Int], [Int])] = [
      ([5], [2, 3, 5]), ([2, 1, 5], [2, 3, 5]), ([1, 3, 1], [2, 3, 5]), ([], [4, 4]),
      ([256], [16, 512, 256]), ([64, 1, 1], [64, 32, 64]), ([1, 32, 64], [64, 32, 64]),
    ]
    for (index, (small, large)) in cases.enumerated() {
      let inputs = randomTensors([small, large], seed: UInt64(index))
      let (a, g) = (inputs[0], inputs[1])
      let lhs = contraction(a.broadcast(toShape: large), g)
      let rhs = contraction(a, g.summed(toShape: small))
      #expect(abs(lhs - rhs) <= 1e-9 * max(1, abs(lhs)), "\(small) → \(large)")
      #expect(g.summed(toShape: small).shape == small)
    }
  }

  @Test func floatAndDoubleAgree() {
    let inputs = randomTensors([[64, 2048], [2048]], seed: 8)
    let single = (inputs[0].map(Float.init) * inputs[1].map(Float.init)).map(Double.init)
    let double = inputs[0] * inputs[1]
    #expect(relativeError(single.scalars, reference: double.scalars) < 1e-6)
  }

  @Test func incompatibleShapesTrapWithTheOpAndShapes() async {
    await #expect(processExitsWith: .failure) {
      _ = Variable(Tensor<Float>(zeros: [2, 3])) + Variable(Tensor<Float>(zeros: [4]))
    }
    await #expect(processExitsWith: .failure) {
      _ = Tensor<Float>(zeros: [2, 3]) * Tensor<Float>(zeros: [3, 2])
    }
  }
}
