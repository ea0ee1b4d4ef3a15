import StateSpace

/// Stochastic gradient descent with optional heavy-ball or Nesterov momentum and an L2
/// penalty, with PyTorch's `torch.optim.SGD` semantics (no dampening).
///
/// For each parameter `p` with gradient `g`, learning rate `η` and weight decay `λ`:
/// `d = g + λ·p`; without momentum `p ← p − η·d`; with momentum `μ` the buffer
/// `b ← μ·b + d` (starting from `b = d`) and `p ← p − η·b`, or `p ← p − η·(d + μ·b)` with
/// Nesterov momentum (Sutskever et al., 2013, in the reformulation PyTorch uses).
public struct SGD<Scalar: DifferentiableScalar>: Optimizer {
  /// The base learning rate η of parameters whose options do not set one.
  public var learningRate: Double
  /// The momentum coefficient μ (0 disables momentum).
  public let momentum: Double
  /// Whether the step looks ahead along the momentum (Nesterov).
  public let nesterov: Bool
  /// The L2 penalty λ of parameters whose options do not set one.
  public var weightDecay: Double
  /// The factor a schedule applies to every base learning rate.
  public var learningRateScale: Double = 1

  private var store: ParameterStateStore<Scalar>

  /// Creates the optimizer.
  ///
  /// - Parameters:
  ///   - learningRate: The base learning rate η (> 0).
  ///   - momentum: The momentum coefficient μ in [0, 1).
  ///   - nesterov: Use Nesterov momentum (needs μ > 0).
  ///   - weightDecay: The default L2 penalty λ (≥ 0), added to the gradient.
  public init(
    learningRate: Double, momentum: Double = 0, nesterov: Bool = false, weightDecay: Double = 0
  ) {
    precondition(learningRate > 0, "SGD(learningRate:): the learning rate \(learningRate) must be positive")
    precondition(
      momentum >= 0 && momentum < 1, "SGD(momentum:): the momentum \(momentum) must lie in [0, 1)")
    precondition(!nesterov || momentum > 0, "SGD(nesterov:): Nesterov momentum needs momentum > 0")
    precondition(weightDecay >= 0, "SGD(weightDecay:): the weight decay \(weightDecay) must be ≥ 0")
    self.learningRate = learningRate
    self.momentum = momentum
    self.nesterov = nesterov
    self.weightDecay = weightDecay
    self.store = ParameterStateStore(
      kind: nesterov ? "sgd-nesterov" : "sgd", slotNames: momentum > 0 ? ["momentum"] : [])
  }

  /// The number of updates so far.
  public var stepCount: Int { store.stepCount }
  /// `sgd` or `sgd-nesterov`.
  public var stateKind: String { store.kind }
  /// `["momentum"]` with momentum, else none.
  public var stateSlotNames: [String] { store.slotNames }

  /// Applies one step to every parameter that has a gradient.
  ///
  /// - Parameters:
  ///   - parameters: The parameters to update, each listed once.
  ///   - gradients: The gradients of the loss.
  public mutating func update(_ parameters: [Parameter<Scalar>], with gradients: Gradients<Scalar>) {
    let (scale, defaultRate, defaultDecay) = (learningRateScale, learningRate, weightDecay)
    let (momentum, nesterov) = (self.momentum, self.nesterov)
    store.forEachUpdate(of: parameters, with: gradients, operation: "SGD.update") {
      parameter, gradient, entry in
      let eta = (parameter.options.learningRate ?? defaultRate) * scale
      let lambda = parameter.options.weightDecay ?? defaultDecay
      if momentum > 0 {
        var buffer = entry.slots[0]
        entry.slots = []
        UpdateKernels.momentumDescent(
          &parameter.value, gradient: gradient, buffer: &buffer, learningRate: eta,
          momentum: momentum, weightDecay: lambda, nesterov: nesterov)
        entry.slots = [buffer]
      } else {
        UpdateKernels.gradientDescent(
          &parameter.value, gradient: gradient, learningRate: eta, weightDecay: lambda)
      }
    }
  }

  /// The momentum buffers and step counts of `parameters`, by name.
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
