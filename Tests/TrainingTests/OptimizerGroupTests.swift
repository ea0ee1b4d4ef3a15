import StateSpace
import Testing
import Training

@Suite("Parameter groups: per-parameter learning rate and weight decay")
struct OptimizerGroupTests {
  private func parameter(_ name: String, _ value: Double) -> Parameter<Double> {
    Parameter(name: name, value: Tensor(shape: [1], scalars: [value]))
  }

  @Test func adamWAppliesEachGroupsLearningRateAndDecay() {
    // One AdamW step on g = 0.5: p₁ = (1 − ηλ)·p₀ − η·g/(|g| + ε) with each parameter's own η, λ.
    let ssm = parameter("layers.0.kernel.log_dt", 2)
    let dense = parameter("layers.0.output.weight", 2)
    let counts = [ssm, dense].assign([
      ParameterGroup(options: ParameterOptions(learningRate: 0.001, weightDecay: 0), nameSuffixes: ["log_dt"])
    ])
    #expect(counts == [1])
    #expect(ssm.options == ParameterOptions(learningRate: 0.001, weightDecay: 0))
    #expect(dense.options == .inherited)

    var optimizer = AdamW<Double>(learningRate: 0.01, weightDecay: 0.1)
    let g = Tensor<Double>(shape: [1], scalars: [0.5])
    optimizer.update([ssm, dense], with: fixedGradients([(ssm, g), (dense, g)]))
    let step = 0.5 / (0.5 + 1e-8)
    #expect(abs(ssm.value.scalars[0] - (2 - 0.001 * step)) < 1e-15)
    #expect(abs(dense.value.scalars[0] - (2 * (1 - 0.01 * 0.1) - 0.01 * step)) < 1e-15)
  }

  @Test func sgdAppliesEachParametersPenalty() {
    // p₁ = p₀ − η·(g + λp₀) with η, λ from the options or the optimizer.
    let a = Parameter<Double>(
      name: "a", value: Tensor(shape: [1], scalars: [1]),
      options: ParameterOptions(learningRate: 0.5, weightDecay: 0.2))
    let b = parameter("b", 1)
    var optimizer = SGD<Double>(learningRate: 0.1, weightDecay: 0.01)
    let g = Tensor<Double>(shape: [1], scalars: [1])
    optimizer.update([a, b], with: fixedGradients([(a, g), (b, g)]))
    #expect(abs(a.value.scalars[0] - (1 - 0.5 * (1 + 0.2))) < 1e-15)
    #expect(abs(b.value.scalars[0] - (1 - 0.1 * (1 + 0.01))) < 1e-15)
  }

  @Test func scheduleScalesEveryGroupAlike() {
    // With scale s, SGD steps η·s·g for both a parameter with its own rate and one without.
    let own = Parameter<Double>(
      name: "own", value: Tensor(shape: [1], scalars: [0]), options: ParameterOptions(learningRate: 0.4))
    let inherited = parameter("inherited", 0)
    var optimizer = SGD<Double>(learningRate: 0.1)
    optimizer.learningRateScale = 0.25
    #expect(optimizer.effectiveLearningRate(for: own) == 0.1)
    #expect(optimizer.effectiveLearningRate(for: inherited) == 0.025)
    let g = Tensor<Double>(shape: [1], scalars: [1])
    optimizer.update([own, inherited], with: fixedGradients([(own, g), (inherited, g)]))
    #expect(own.value.scalars[0] == -0.1)
    #expect(inherited.value.scalars[0] == -0.025)
  }

  @Test func firstMatchingGroupWinsAndOthersKeepTheirOptions() {
    let custom = ParameterOptions(learningRate: 3)
    let names = ["a.b", "a.bias", "x.b", "bias", "c"]
    let parameters = names.map {
      Parameter<Float>(name: $0, value: Tensor(shape: [1], scalars: [0]), options: custom)
    }
    let first = ParameterOptions(learningRate: 1)
    let second = ParameterOptions(weightDecay: 0)
    let counts = parameters.assign([
      ParameterGroup(options: first, nameSuffixes: ["b"]),
      ParameterGroup(options: second) { $0.hasSuffix("bias") || $0.hasPrefix("x.") },
    ])
    #expect(counts == [2, 2])
    #expect(parameters.map(\.options) == [first, second, first, second, custom])
  }
}
