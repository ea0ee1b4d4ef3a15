import StateSpace
import Testing
import Training
import _TestSupport

// The example of the DocC article "Writing an op and a training step", verbatim: if the API
// changes, this stops compiling.

extension Variable {
  /// max(x, s·x) elementwise, for a slope 0 < s < 1.
  func leakyReLU(slope: Scalar) -> Variable {
    let x = value  // the pullback keeps the input: the derivative depends on its sign
    let y = Tensor(shape: x.shape, scalars: x.scalars.map { $0 > 0 ? $0 : slope * $0 })
    return Variable.record(y, inputs: [self]) { g in
      [Tensor(shape: g.shape, scalars: zip(g.scalars, x.scalars).map { $1 > 0 ? $0 : slope * $0 })]
    }
  }
}

func fit(inputs: Tensor<Float>, targets: Tensor<Float>, steps: Int) throws -> Float {
  var generator = SeededGenerator(seed: 1)
  let weight = Parameter(name: "weight", value: Tensor<Float>.randomNormal(shape: [inputs.shape[1], 1], using: &generator))
  let bias = Parameter(name: "bias", value: Tensor<Float>(zeros: [1]))
  var optimizer = AdamW<Float>(learningRate: 0.01)
  var loss: Float = .infinity
  for step in 0..<steps {
    let result = try optimizer.minimize([weight, bias], on: Tape(seed: UInt64(step))) { tape in
      let prediction = Variable(inputs).linear(weight: tape.watch(weight), bias: tape.watch(bias))
      return meanSquaredError(prediction.leakyReLU(slope: 0.1), targets)
    }
    loss = Float(result.loss)
  }
  return loss
}

@Suite("The documented op example")
struct DocumentedOpExampleTests {
  @Test func leakyReLUPullbackMatchesCentralDifferences() {
    var generator = SeededGenerator(seed: 3)
    let x = randomAwayFromZero(shape: [4, 5], using: &generator)
    let error = gradientCheckError(at: [x]) { $0[0].leakyReLU(slope: 0.1) }
    #expect(error < 1e-6)
  }

  @Test func trainingStepFitsALeakyLinearModel() throws {
    // Targets from a known model y = leakyReLU(x·w + b); the fit must drive the error down.
    var generator = SeededGenerator(seed: 4)
    let inputs = Tensor<Float>.randomNormal(shape: [64, 3], using: &generator)
    let truth = Tensor<Float>(shape: [3, 1], scalars: [1.5, -2, 0.5])
    let targets = Variable(inputs).linear(weight: Variable(truth), bias: Variable(Tensor(shape: [1], scalars: [0.3])))
      .leakyReLU(slope: 0.1).value
    let initial = try fit(inputs: inputs, targets: targets, steps: 1)
    let final = try fit(inputs: inputs, targets: targets, steps: 600)
    #expect(final < initial / 100, "loss \(initial) → \(final)")
  }
}
