import Foundation
import StateSpace
import Testing
import Training
import _TestSupport

@Suite("Tape, variables and gradients")
struct TapeTests {
  @Test func constantsRecordNothing() {
    let tape = Tape<Float>()
    let weight = tape.watch(Tensor<Float>(shape: [2], scalars: [1, 2]))
    #expect(tape.nodeCount == 1)
    let constant = Variable(Tensor<Float>(shape: [2], scalars: [3, 4]))
    let product = (constant * constant).exp().sum()
    #expect(!product.requiresGradient)
    #expect(tape.nodeCount == 1)
    _ = (weight * constant).sum()
    #expect(tape.nodeCount == 3)
  }

  @Test func inferenceTapeRecordsNothingAndGivesPlainValues() {
    let tape = Tape<Float>.inference()
    let parameter = Parameter(name: "w", value: Tensor<Float>(shape: [2], scalars: [1, 2]))
    let w = tape.watch(parameter)
    #expect(!w.requiresGradient)
    #expect((w * w).value.scalars == [1, 4])
    #expect(tape.nodeCount == 0)
  }

  @Test func gradientsAreKeyedByParameterAndWatchingTwiceSums() throws {
    let a = Parameter(name: "a", value: Tensor<Double>(shape: [3], scalars: [1, 2, 3]))
    let b = Parameter(name: "b", value: Tensor<Double>(shape: [3], scalars: [4, 5, 6]))
    let unused = Parameter(name: "unused", value: Tensor<Double>(shape: [1], scalars: [0]))
    let tape = Tape<Double>()
    // loss = Σ a·b + Σ a (a watched twice: one node, both uses add up).
    let loss = (tape.watch(a) * tape.watch(b)).sum() + tape.watch(a).sum()
    _ = tape.watch(unused)
    let gradients = tape.gradients(of: loss)
    #expect(try #require(gradients[a]).scalars == [5, 6, 7])
    #expect(try #require(gradients[b]).scalars == [1, 2, 3])
    #expect(gradients[unused] == nil)
    #expect(gradients.parameterCount == 2)
  }

  @Test func fanOutThroughADeepChain() throws {
    // y = x; repeat 10 times y = y + y·0.5 → y = 1.5¹⁰·x: every node's gradient is accumulated.
    let tape = Tape<Double>()
    let x = tape.watch(Tensor<Double>(shape: [2], scalars: [1, -2]))
    var y = x
    for _ in 0..<10 { y = y + y * 0.5 }
    let gradient = try #require(tape.gradients(of: y.sum())[x])
    #expect(maxAbsoluteError(gradient.scalars, [1.5, 1.5].map { Foundation.pow($0, 10) }) < 1e-12)
  }

  @Test func seededBackwardIsAVectorJacobianProduct() throws {
    let tape = Tape<Double>()
    let x = tape.watch(Tensor<Double>(shape: [2, 2], scalars: [1, 2, 3, 4]))
    let y = x * x
    let gradient = try #require(tape.gradients(of: y, seed: Tensor(shape: [2, 2], scalars: [1, 0, 2, -1]))[x])
    #expect(gradient.scalars == [2, 0, 12, -8])
  }

  @Test func recordWrapsAnExternalForwardAndBackward() throws {
    // An op defined outside the library: a cumulative sum with its reversed-cumulative-sum
    // pullback, recorded as one node.
    func cumulativeSum(_ x: Variable<Double>) -> Variable<Double> {
      var running = 0.0
      let y = Tensor(shape: x.shape, scalars: x.value.scalars.map { running += $0; return running })
      return Variable.record(y, inputs: [x]) { g in
        var total = 0.0
        return [Tensor(shape: g.shape, scalars: g.scalars.reversed().map { total += $0; return total }.reversed())]
      }
    }
    let inputs = randomTensors([[6]], seed: 1)
    #expect(gradientCheckError(at: inputs) { cumulativeSum($0[0]) * $0[0] } < 1e-6)
  }

  @Test func misuseTraps() async {
    await #expect(processExitsWith: .failure) {
      let tape = Tape<Float>()
      let x = tape.watch(Tensor<Float>(shape: [2], scalars: [1, 2]))
      _ = tape.gradients(of: x * x)  // not a scalar
    }
    await #expect(processExitsWith: .failure) {
      let tape = Tape<Float>()
      let x = tape.watch(Tensor<Float>(shape: [1], scalars: [1]))
      let loss = (x * x).sum()
      _ = tape.gradients(of: loss)
      _ = tape.gradients(of: loss)  // the backward pass runs once
    }
    await #expect(processExitsWith: .failure) {
      let (first, second) = (Tape<Float>(), Tape<Float>())
      _ = first.watch(Tensor<Float>(zeros: [1])) + second.watch(Tensor<Float>(zeros: [1]))
    }
  }
}
