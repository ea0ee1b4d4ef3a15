import StateSpace

/// Adam (Kingma & Ba, 2015) with an optional L2 penalty added to the gradient, with PyTorch's
/// `torch.optim.Adam` semantics.
///
/// For each parameter `p` with gradient `g` at its step `t`: `g ← g + λ·p`,
/// `m ← β₁m + (1 − β₁)g`, `v ← β₂v + (1 − β₂)g²`,
/// `p ← p − η · m̂ / (√v̂ + ε)` with `m̂ = m/(1 − β₁ᵗ)`, `v̂ = v/(1 − β₂ᵗ)`.
/// For weight decay use ``AdamW``: with Adam the penalty is rescaled by the moment estimates.
public struct Adam<Scalar: DifferentiableScalar>: Optimizer {
  /// The base learning rate η of parameters whose options do not set one.
  public var learningRate: Double
  /// The decay rates (β₁, β₂) of the first and second moment estimates.
  public let betas: (Double, Double)
  /// ε, added to √v̂ so that the step stays bounded.
  public let epsilon: Double
  /// The L2 penalty λ of parameters whose options do not set one.
  public var weightDecay: Double
  /// The factor a schedule applies to every base learning rate.
  public var learningRateScale: Double = 1

  private var store = ParameterStateStore<Scalar>(kind: "adam", slotNames: ["m", "v"])

  /// Creates the optimizer.
  ///
  /// - Parameters:
  ///   - learningRate: The base learning rate η (> 0).
  ///   - betas: (β₁, β₂), each in [0, 1).
  ///   - epsilon: ε (> 0).
  ///   - weightDecay: The default L2 penalty λ (≥ 0).
  public init(
    learningRate: Double = 0.001, betas: (Double, Double) = (0.9, 0.999), epsilon: Double = 1e-8,
    weightDecay: Double = 0
  ) {
    validateAdamSettings(
      "Adam", learningRate: learningRate, betas: betas, epsilon: epsilon, weightDecay: weightDecay)
    self.learningRate = learningRate
    self.betas = betas
    self.epsilon = epsilon
    self.weightDecay = weightDecay
  }

  /// The number of updates so far.
  public var stepCount: Int { store.stepCount }
  /// `adam`.
  public var stateKind: String { store.kind }
  /// `["m", "v"]`: the first and second moment estimates.
  public var stateSlotNames: [String] { store.slotNames }

  /// Applies one step to every parameter that has a gradient.
  ///
  /// - Parameters:
  ///   - parameters: The parameters to update, each listed once.
  ///   - gradients: The gradients of the loss.
  public mutating func update(_ parameters: [Parameter<Scalar>], with gradients: Gradients<Scalar>) {
    adamUpdate(
      &store, parameters, gradients, operation: "Adam.update", learningRate: learningRate,
      scale: learningRateScale, betas: betas, epsilon: epsilon, weightDecay: weightDecay,
      decoupled: false)
  }

  /// The moment estimates and step counts of `parameters`, by name.
  public func state(for parameters: [Parameter<Scalar>]) -> OptimizerState<Scalar> {
    store.state(for: parameters)
  }

  /// Restores the state of `parameters` from a checkpoint.
  public mutating func restore(
    _ state: OptimizerState<Scalar>, for parameters: [Parameter<Scalar>]
  ) throws(CheckpointError) {
    try store.restore(state, for: parameters)
  }
}

/// AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay, with PyTorch's
/// `torch.optim.AdamW` semantics.
///
/// Each step first shrinks the parameter, `p ← (1 − η·λ)·p`, then takes the Adam step on the
/// plain gradient. The S4 recipe trains the state-space parameters (Δ, Λ, P, B) at learning
/// rate 0.001 with λ = 0 and everything else with AdamW's defaults: see ``ParameterGroup``.
public struct AdamW<Scalar: DifferentiableScalar>: Optimizer {
  /// The base learning rate η of parameters whose options do not set one.
  public var learningRate: Double
  /// The decay rates (β₁, β₂) of the first and second moment estimates.
  public let betas: (Double, Double)
  /// ε, added to √v̂ so that the step stays bounded.
  public let epsilon: Double
  /// The decoupled weight decay λ of parameters whose options do not set one.
  public var weightDecay: Double
  /// The factor a schedule applies to every base learning rate (and so to the decay ηλ).
  public var learningRateScale: Double = 1

  private var store = ParameterStateStore<Scalar>(kind: "adamw", slotNames: ["m", "v"])

  /// Creates the optimizer.
  ///
  /// - Parameters:
  ///   - learningRate: The base learning rate η (> 0).
  ///   - betas: (β₁, β₂), each in [0, 1).
  ///   - epsilon: ε (> 0).
  ///   - weightDecay: The default decoupled weight decay λ (≥ 0).
  public init(
    learningRate: Double = 0.001, betas: (Double, Double) = (0.9, 0.999), epsilon: Double = 1e-8,
    weightDecay: Double = 0.01
  ) {
    validateAdamSettings(
      "AdamW", learningRate: learningRate, betas: betas, epsilon: epsilon, weightDecay: weightDecay)
    self.learningRate = learningRate
    self.betas = betas
    self.epsilon = epsilon
    self.weightDecay = weightDecay
  }

  /// The number of updates so far.
  public var stepCount: Int { store.stepCount }
  /// `adamw`.
  public var stateKind: String { store.kind }
  /// `["m", "v"]`: the first and second moment estimates.
  public var stateSlotNames: [String] { store.slotNames }

  /// Applies one step to every parameter that has a gradient.
  ///
  /// - Parameters:
  ///   - parameters: The parameters to update, each listed once.
  ///   - gradients: The gradients of the loss.
  public mutating func update(_ parameters: [Parameter<Scalar>], with gradients: Gradients<Scalar>) {
    adamUpdate(
      &store, parameters, gradients, operation: "AdamW.update", learningRate: learningRate,
      scale: learningRateScale, betas: betas, epsilon: epsilon, weightDecay: weightDecay,
      decoupled: true)
  }

  /// The moment estimates and step counts of `parameters`, by name.
  public func state(for parameters: [Parameter<Scalar>]) -> OptimizerState<Scalar> {
    store.state(for: parameters)
  }

  /// Restores the state of `parameters` from a checkpoint.
  public mutating func restore(
    _ state: OptimizerState<Scalar>, for parameters: [Parameter<Scalar>]
  ) throws(CheckpointError) {
    try store.restore(state, for: parameters)
  }
}

/// The step shared by ``Adam`` and ``AdamW``.
private func adamUpdate<Scalar: DifferentiableScalar>(
  _ store: inout ParameterStateStore<Scalar>, _ parameters: [Parameter<Scalar>],
  _ gradients: Gradients<Scalar>, operation: String, learningRate: Double, scale: Double,
  betas: (Double, Double), epsilon: Double, weightDecay: Double, decoupled: Bool
) {
  store.forEachUpdate(of: parameters, with: gradients, operation: operation) {
    parameter, gradient, entry in
    let constants = UpdateKernels.AdamConstants(
      step: entry.step, learningRate: (parameter.options.learningRate ?? learningRate) * scale,
      beta1: betas.0, beta2: betas.1, epsilon: epsilon,
      weightDecay: parameter.options.weightDecay ?? weightDecay, decoupled: decoupled)
    var first = entry.slots[0]
    var second = entry.slots[1]
    entry.slots = []  // the kernel then updates the moments in place
    UpdateKernels.adam(
      &parameter.value, gradient: gradient, firstMoment: &first, secondMoment: &second,
      constants: constants)
    entry.slots = [first, second]
  }
}

private func validateAdamSettings(
  _ name: String, learningRate: Double, betas: (Double, Double), epsilon: Double,
  weightDecay: Double
) {
  precondition(learningRate > 0, "\(name)(learningRate:): the learning rate \(learningRate) must be positive")
  precondition(
    betas.0 >= 0 && betas.0 < 1 && betas.1 >= 0 && betas.1 < 1,
    "\(name)(betas:): both betas \(betas) must lie in [0, 1)")
  precondition(epsilon > 0, "\(name)(epsilon:): ε = \(epsilon) must be positive")
  precondition(weightDecay >= 0, "\(name)(weightDecay:): the weight decay \(weightDecay) must be ≥ 0")
}
