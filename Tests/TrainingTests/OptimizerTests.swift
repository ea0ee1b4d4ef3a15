import Numerics
import StateSpace
import Testing
import Training
import _TestSupport

/// Gradients equal to fixed tensors: the tape differentiates a recorded op whose pullback returns
/// `direction · upstream` for each parameter (the gradient of Σ ⟨directionᵢ, pᵢ⟩).
func fixedGradients<Scalar: DifferentiableScalar>(
  _ assignments: [(Parameter<Scalar>, Tensor<Scalar>)]
) -> Gradients<Scalar> {
  let tape = Tape<Scalar>()
  let watched = assignments.map { tape.watch($0.0) }
  let loss = Variable.record(Tensor(shape: [1], repeating: 0), inputs: watched) { upstream in
    let factor = upstream.scalars[0]
    return assignments.map { Tensor(shape: $0.1.shape, scalars: $0.1.scalars.map { $0 * factor }) }
  }
  return tape.gradients(of: loss)
}

/// The textbook update formulas, written out per scalar in Double: the oracle the optimizers are
/// checked against.
enum ReferenceUpdate {
  /// PyTorch SGD (no dampening): d = g + λp, b = μb + d (b = d at the first step),
  /// p −= η·(nesterov ? d + μb : b).
  static func sgd(
    start: [Double], gradient: [Double], steps: Int, learningRate: Double, momentum: Double,
    nesterov: Bool, weightDecay: Double
  ) -> [Double] {
    var p = start
    var buffer = [Double?](repeating: nil, count: p.count)
    for _ in 0..<steps {
      for i in p.indices {
        let d = gradient[i] + weightDecay * p[i]
        if momentum == 0 {
          p[i] = p[i] - learningRate * d
          continue
        }
        let b = buffer[i].map { momentum * $0 + d } ?? d
        buffer[i] = b
        p[i] = p[i] - learningRate * (nesterov ? d + momentum * b : b)
      }
    }
    return p
  }

  /// Kingma & Ba's Algorithm 1 with bias-corrected m̂, v̂; L2 (Adam) or decoupled (AdamW) decay.
  static func adam(
    start: [Double], gradient: [Double], steps: Int, learningRate: Double, beta1: Double,
    beta2: Double, epsilon: Double, weightDecay: Double, decoupled: Bool
  ) -> (parameters: [Double], m: [Double], v: [Double]) {
    var p = start
    var m = [Double](repeating: 0, count: p.count)
    var v = [Double](repeating: 0, count: p.count)
    for t in 1...steps {
      for i in p.indices {
        var g = gradient[i]
        if decoupled {
          p[i] = p[i] - learningRate * weightDecay * p[i]
        } else {
          g = g + weightDecay * p[i]
        }
        m[i] = beta1 * m[i] + (1 - beta1) * g
        v[i] = beta2 * v[i] + (1 - beta2) * g * g
        let mHat = m[i] / (1 - Double.pow(beta1, Double(t)))
        let vHat = v[i] / (1 - Double.pow(beta2, Double(t)))
        p[i] = p[i] - learningRate * mHat / (vHat.squareRoot() + epsilon)
      }
    }
    return (p, m, v)
  }
}

private let start: [Double] = [1.0, -2.0, 0.5, 3.0, -0.25, 0.0]
private let gradient: [Double] = [0.5, -1.5, 2.0, 0.0, 1e-3, -4.0]

private func parameter<Scalar: DifferentiableScalar>(_ values: [Double], name: String = "w") -> Parameter<Scalar> {
  Parameter(name: name, value: Tensor(shape: [2, 3], scalars: values.map { Scalar($0) }))
}

private func run<O: Optimizer>(_ optimizer: inout O, steps: Int) -> [Double] {
  let p: Parameter<O.Scalar> = parameter(start)
  let g = Tensor(shape: [2, 3], scalars: gradient.map { O.Scalar($0) })
  for _ in 0..<steps { optimizer.update([p], with: fixedGradients([(p, g)])) }
  return p.value.scalars.map { Double($0) }
}

@Suite("Optimizers against their update formulas")
struct OptimizerTests {
  @Test(arguments: [(0.0, false), (0.9, false), (0.9, true)])
  func sgdMatchesFormula(momentum: Double, nesterov: Bool) {
    var optimizer = SGD<Double>(
      learningRate: 0.1, momentum: momentum, nesterov: nesterov, weightDecay: 0.01)
    let result = run(&optimizer, steps: 4)
    let expected = ReferenceUpdate.sgd(
      start: start, gradient: gradient, steps: 4, learningRate: 0.1, momentum: momentum,
      nesterov: nesterov, weightDecay: 0.01)
    #expect(relativeError(result, reference: expected) < 1e-14)
    #expect(optimizer.stepCount == 4)
  }

  @Test func sgdFirstStepsByHand() {
    // p = 1, g = 0.5, η = 0.1, μ = 0.9, no decay: b₁ = 0.5, p₁ = 0.95; b₂ = 0.95, p₂ = 0.855;
    // Nesterov: p₁ = 1 − 0.1·(0.5 + 0.45) = 0.905, p₂ = 0.905 − 0.1·(0.5 + 0.855) = 0.7695.
    for (nesterov, expected) in [(false, [0.95, 0.855]), (true, [0.905, 0.7695])] {
      let p = Parameter<Double>(name: "p", value: Tensor(shape: [1], scalars: [1]))
      var optimizer = SGD<Double>(learningRate: 0.1, momentum: 0.9, nesterov: nesterov)
      for value in expected {
        optimizer.update([p], with: fixedGradients([(p, Tensor(shape: [1], scalars: [0.5]))]))
        #expect(abs(p.value.scalars[0] - value) < 1e-15)
      }
    }
  }

  @Test(arguments: [false, true])
  func adamMatchesAlgorithm(decoupled: Bool) {
    let expected = ReferenceUpdate.adam(
      start: start, gradient: gradient, steps: 5, learningRate: 0.01, beta1: 0.8, beta2: 0.99,
      epsilon: 1e-6, weightDecay: 0.1, decoupled: decoupled)
    let result: [Double]
    let state: OptimizerState<Double>
    let p: Parameter<Double> = parameter(start)
    let g = Tensor<Double>(shape: [2, 3], scalars: gradient)
    if decoupled {
      var optimizer = AdamW<Double>(learningRate: 0.01, betas: (0.8, 0.99), epsilon: 1e-6, weightDecay: 0.1)
      for _ in 0..<5 { optimizer.update([p], with: fixedGradients([(p, g)])) }
      state = optimizer.state(for: [p])
    } else {
      var optimizer = Adam<Double>(learningRate: 0.01, betas: (0.8, 0.99), epsilon: 1e-6, weightDecay: 0.1)
      for _ in 0..<5 { optimizer.update([p], with: fixedGradients([(p, g)])) }
      state = optimizer.state(for: [p])
    }
    result = p.value.scalars
    #expect(relativeError(result, reference: expected.parameters) < 1e-13)
    #expect(state.kind == (decoupled ? "adamw" : "adam"))
    #expect(state.slotNames == ["m", "v"])
    #expect(state.entries["w"]?.step == 5)
    #expect(relativeError(state.entries["w"]!.slots[0].scalars, reference: expected.m) < 1e-14)
    #expect(relativeError(state.entries["w"]!.slots[1].scalars, reference: expected.v) < 1e-14)
  }

  @Test func adamFirstStepIsSignTimesLearningRate() {
    // After one step m̂ = g and v̂ = g², so p₁ = p₀ − η·g/(|g| + ε): a step of η against the sign.
    let p: Parameter<Double> = parameter(start)
    var optimizer = Adam<Double>(learningRate: 0.01, epsilon: 1e-8)
    optimizer.update([p], with: fixedGradients([(p, Tensor(shape: [2, 3], scalars: gradient))]))
    for i in start.indices {
      let g = gradient[i]
      let expected = start[i] - 0.01 * g / (abs(g) + 1e-8)
      #expect(abs(p.value.scalars[i] - expected) < 1e-15)
    }
  }

  @Test func floatKernelsAgreeWithDouble() {
    var sgd = SGD<Float>(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01)
    var adam = Adam<Float>(learningRate: 0.01, weightDecay: 0.1)
    var adamW = AdamW<Float>(learningRate: 0.01, weightDecay: 0.1)
    let cases: [([Double], [Double])] = [
      (
        run(&sgd, steps: 3),
        ReferenceUpdate.sgd(
          start: start, gradient: gradient, steps: 3, learningRate: 0.1, momentum: 0.9,
          nesterov: true, weightDecay: 0.01)
      ),
      (
        run(&adam, steps: 3),
        ReferenceUpdate.adam(
          start: start, gradient: gradient, steps: 3, learningRate: 0.01, beta1: 0.9,
          beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1, decoupled: false
        ).parameters
      ),
      (
        run(&adamW, steps: 3),
        ReferenceUpdate.adam(
          start: start, gradient: gradient, steps: 3, learningRate: 0.01, beta1: 0.9,
          beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1, decoupled: true
        ).parameters
      ),
    ]
    for (result, expected) in cases {
      #expect(relativeError(result, reference: expected) < 1e-6)
    }
  }

  @Test func largeTensorsTakeTheParallelPathCorrectly() {
    // 2^17 scalars: the update is split across the cores; every scalar must see the same step.
    let count = 1 << 17
    var generator = SeededGenerator(seed: 3)
    let values = Tensor<Float>.randomNormal(shape: [count], using: &generator)
    let g = Tensor<Float>.randomNormal(shape: [count], using: &generator)
    let p = Parameter(name: "big", value: values)
    var optimizer = AdamW<Float>(learningRate: 0.01, weightDecay: 0.1)
    optimizer.update([p], with: fixedGradients([(p, g)]))
    var worst = 0.0
    for i in 0..<count {
      let (x, gi) = (Double(values.scalars[i]), Double(g.scalars[i]))
      let expected = x * (1 - 0.001) - 0.01 * gi / (abs(gi) + 1e-8)
      worst = max(worst, abs(Double(p.value.scalars[i]) - expected))
    }
    #expect(worst < 1e-6)
  }

  @Test func parametersWithoutGradientAreSkipped() {
    let a: Parameter<Double> = parameter(start, name: "a")
    let b: Parameter<Double> = parameter(start, name: "b")
    var optimizer = AdamW<Double>(learningRate: 0.01)
    optimizer.update([a, b], with: fixedGradients([(a, Tensor(shape: [2, 3], scalars: gradient))]))
    #expect(b.value.scalars == start)
    #expect(a.value.scalars != start)
    let state = optimizer.state(for: [a, b])
    #expect(state.entries.keys.sorted() == ["a"])
    #expect(state.stepCount == 1)
  }

  @Test func restoreRejectsForeignStateAndChangesNothing() throws {
    let p: Parameter<Double> = parameter(start)
    let g = Tensor<Double>(shape: [2, 3], scalars: gradient)
    var optimizer = Adam<Double>()
    optimizer.update([p], with: fixedGradients([(p, g)]))
    let afterOne = p.value
    let saved = optimizer.state(for: [p])

    var wrongShape = saved
    wrongShape.entries["w"]!.slots[1] = Tensor(shape: [6], repeating: 0)
    var wrongKind = saved
    wrongKind.kind = "adamw"
    var negativeStep = saved
    negativeStep.entries["w"]!.step = -1
    optimizer.update([p], with: fixedGradients([(p, g)]))
    let current = optimizer.state(for: [p])
    #expect(throws: CheckpointError.shapeMismatch(tensor: "optimizer.v.w", expected: [2, 3], found: [6])) {
      try optimizer.restore(wrongShape, for: [p])
    }
    #expect(throws: CheckpointError.self) { try optimizer.restore(wrongKind, for: [p]) }
    #expect(throws: CheckpointError.self) { try optimizer.restore(negativeStep, for: [p]) }
    #expect(optimizer.state(for: [p]).entries == current.entries)
    #expect(optimizer.stepCount == 2)

    // A valid restore rewinds to the saved state: the next step equals the original second step.
    let afterTwo = p.value
    p.value = afterOne
    try optimizer.restore(saved, for: [p])
    #expect(optimizer.stepCount == 1)
    optimizer.update([p], with: fixedGradients([(p, g)]))
    #expect(p.value == afterTwo)
  }

  @Test func zeroPenaltyLeavesMomentsOfAnInfiniteParameterFinite() {
    // With λ = 0 the gradient must not pick up 0·∞ = NaN from the parameter.
    let p = Parameter<Float>(name: "p", value: Tensor(shape: [2], scalars: [.infinity, 1]))
    let g = Tensor<Float>(shape: [2], scalars: [2, 2])
    var adamW = AdamW<Float>(learningRate: 0.1)
    adamW.update([p], with: fixedGradients([(p, g)]))
    #expect(adamW.state(for: [p]).entries["p"]!.slots[0].scalars == [0.2, 0.2].map { Float($0) })
    var sgd = SGD<Float>(learningRate: 0.1, momentum: 0.5)
    sgd.update([p], with: fixedGradients([(p, g)]))
    #expect(sgd.state(for: [p]).entries["p"]!.slots[0].scalars == [2, 2])
  }

  @Test func duplicateParameterTraps() async {
    await #expect(processExitsWith: .failure) {
      let p = Parameter<Float>(name: "p", value: Tensor(shape: [1], scalars: [1]))
      var optimizer = SGD<Float>(learningRate: 0.1)
      optimizer.update([p, p], with: fixedGradients([(p, Tensor(shape: [1], scalars: [1]))]))
    }
  }
}

@Suite("Optimizers converge on a small regression")
struct OptimizerConvergenceTests {
  /// y = X·w* + b* for a random 64×4 design; the loss is the mean squared residual of X·w + b,
  /// recorded as one op with its hand-written gradient (2/n)·Xᵀr and (2/n)·Σr.
  struct Regression {
    let design: [Double]
    let targets: [Double]
    let truth: [Double] = [1.5, -2.0, 0.5, 3.0]
    let bias = 0.75
    let rows = 64
    let columns = 4

    init() {
      var generator = SeededGenerator(seed: 11)
      design = (0..<(64 * 4)).map { _ in generator.nextStandardNormal() }
      var targets: [Double] = []
      for row in 0..<64 {
        var y = bias
        for column in 0..<4 { y += design[row * 4 + column] * truth[column] }
        targets.append(y)
      }
      self.targets = targets
    }

    func loss(weights: Variable<Double>, bias: Variable<Double>) -> Variable<Double> {
      var residuals = [Double](repeating: 0, count: rows)
      for row in 0..<rows {
        var prediction = bias.value.scalars[0]
        for column in 0..<columns { prediction += design[row * columns + column] * weights.value.scalars[column] }
        residuals[row] = prediction - targets[row]
      }
      let n = Double(rows)
      let value = residuals.reduce(0) { $0 + $1 * $1 } / n
      return Variable.record(Tensor(shape: [1], scalars: [value]), inputs: [weights, bias]) { upstream in
        let scale = 2 / n * upstream.scalars[0]
        var gw = [Double](repeating: 0, count: columns)
        for row in 0..<rows {
          for column in 0..<columns { gw[column] += scale * self.design[row * columns + column] * residuals[row] }
        }
        let gb = scale * residuals.reduce(0, +)
        return [Tensor(shape: [columns], scalars: gw), Tensor(shape: [1], scalars: [gb])]
      }
    }
  }

  static let optimizers: [(String, Int)] = [
    ("sgd", 400), ("sgd-momentum", 200), ("sgd-nesterov", 200), ("adam", 1500), ("adamw", 1500),
  ]

  @Test(arguments: optimizers)
  func reachesTheTrueWeights(kind: String, steps: Int) throws {
    let problem = Regression()
    let w = Parameter<Double>(name: "w", value: Tensor(shape: [4], repeating: 0))
    let b = Parameter<Double>(name: "b", value: Tensor(shape: [1], repeating: 0))
    func train<O: Optimizer<Double>>(_ optimizer: inout O) throws {
      for step in 0..<steps {
        try optimizer.minimize([w, b], on: Tape(seed: UInt64(step))) { tape in
          problem.loss(weights: tape.watch(w), bias: tape.watch(b))
        }
      }
    }
    switch kind {
    case "sgd":
      var o = SGD<Double>(learningRate: 0.1)
      try train(&o)
    case "sgd-momentum":
      var o = SGD<Double>(learningRate: 0.05, momentum: 0.9)
      try train(&o)
    case "sgd-nesterov":
      var o = SGD<Double>(learningRate: 0.05, momentum: 0.9, nesterov: true)
      try train(&o)
    case "adam":
      var o = Adam<Double>(learningRate: 0.05)
      o.apply(.constant)
      try train(&o)
    default:
      var o = AdamW<Double>(learningRate: 0.05, weightDecay: 1e-5)
      try train(&o)
    }
    #expect(relativeError(w.value.scalars, reference: problem.truth) < 1e-3, "\(kind): \(w.value.scalars)")
    #expect(abs(b.value.scalars[0] - problem.bias) < 1e-3, "\(kind): \(b.value.scalars)")
  }
}
