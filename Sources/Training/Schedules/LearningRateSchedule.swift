import RealModule

/// A function from the step number to a learning-rate factor.
///
/// The factor multiplies every parameter's base learning rate alike (PyTorch's `LambdaLR`
/// semantics with parameter groups): set it with ``Optimizer/apply(_:)`` before each update, or
/// assign ``Optimizer/learningRateScale`` yourself. Steps count optimizer updates from 0.
/// ``ReduceOnPlateau`` depends on a metric rather than the step and has its own interface.
public protocol LearningRateSchedule: Sendable {
  /// The factor for the update numbered `step` (from 0).
  ///
  /// - Parameter step: The number of updates made before this one (≥ 0).
  /// - Returns: A non-negative factor.
  func factor(atStep step: Int) -> Double
}

/// The same factor at every step.
public struct ConstantSchedule: LearningRateSchedule {
  /// The factor.
  public let value: Double

  /// Creates a constant schedule.
  ///
  /// - Parameter value: The factor (≥ 0), 1 by default.
  public init(_ value: Double = 1) {
    precondition(value >= 0, "ConstantSchedule: the factor \(value) must be ≥ 0")
    self.value = value
  }

  /// ``value``, whatever the step.
  public func factor(atStep step: Int) -> Double { value }
}

/// A linear warm-up from 0 to 1 over `warmupSteps`, then a half-cosine decay to
/// `finalFactor` at `totalSteps`, constant afterwards (the `cosine_warmup` schedule of the S4
/// experiments).
///
/// With `w` warm-up steps, `T` total steps and final factor `f`:
/// `factor(s) = s / w` for `s < w`;
/// `f + (1 − f) · ½(1 + cos(π · (s − w)/(T − w)))` for `w ≤ s ≤ T`; `f` for `s > T`.
public struct WarmupCosineDecay: LearningRateSchedule {
  /// The number of warm-up steps w.
  public let warmupSteps: Int
  /// The step T at which the decay reaches ``finalFactor``.
  public let totalSteps: Int
  /// The factor f at the end of the decay.
  public let finalFactor: Double

  /// Creates the schedule.
  ///
  /// - Parameters:
  ///   - warmupSteps: Steps of linear warm-up (≥ 0).
  ///   - totalSteps: The step at which the decay ends (> `warmupSteps`).
  ///   - finalFactor: The factor at and after `totalSteps`, in [0, 1].
  public init(warmupSteps: Int, totalSteps: Int, finalFactor: Double = 0) {
    precondition(
      warmupSteps >= 0 && totalSteps > warmupSteps,
      "WarmupCosineDecay: need 0 ≤ warmupSteps (\(warmupSteps)) < totalSteps (\(totalSteps))")
    precondition(
      finalFactor >= 0 && finalFactor <= 1,
      "WarmupCosineDecay: finalFactor \(finalFactor) must lie in [0, 1]")
    self.warmupSteps = warmupSteps
    self.totalSteps = totalSteps
    self.finalFactor = finalFactor
  }

  /// The warm-up or cosine factor at `step`.
  public func factor(atStep step: Int) -> Double {
    if step < warmupSteps { return Double(step) / Double(warmupSteps) }
    let progress = min(1, Double(step - warmupSteps) / Double(totalSteps - warmupSteps))
    return finalFactor + (1 - finalFactor) * 0.5 * (1 + Double.cos(Double.pi * progress))
  }
}

/// Multiplies the factor by `decay` every `stepSize` steps: `factor(s) = decay^⌊s / stepSize⌋`
/// (PyTorch's `StepLR`).
public struct StepDecay: LearningRateSchedule {
  /// The number of steps between two decays.
  public let stepSize: Int
  /// The multiplier applied at each decay (γ).
  public let decay: Double

  /// Creates the schedule.
  ///
  /// - Parameters:
  ///   - stepSize: Steps between decays (> 0).
  ///   - decay: The multiplier γ in (0, 1].
  public init(stepSize: Int, decay: Double) {
    precondition(stepSize > 0, "StepDecay: stepSize \(stepSize) must be positive")
    precondition(decay > 0 && decay <= 1, "StepDecay: decay \(decay) must lie in (0, 1]")
    self.stepSize = stepSize
    self.decay = decay
  }

  /// `decay^⌊step / stepSize⌋`.
  public func factor(atStep step: Int) -> Double {
    Double.pow(decay, Double(step / stepSize))
  }
}

extension LearningRateSchedule where Self == ConstantSchedule {
  /// A factor of 1 at every step.
  public static var constant: ConstantSchedule { ConstantSchedule() }
}

extension LearningRateSchedule where Self == WarmupCosineDecay {
  /// Linear warm-up then cosine decay; see ``WarmupCosineDecay``.
  ///
  /// - Parameters:
  ///   - warmupSteps: Steps of linear warm-up.
  ///   - totalSteps: The step at which the decay ends.
  ///   - finalFactor: The factor at and after `totalSteps`.
  public static func warmupCosine(
    warmupSteps: Int, totalSteps: Int, finalFactor: Double = 0
  ) -> WarmupCosineDecay {
    WarmupCosineDecay(warmupSteps: warmupSteps, totalSteps: totalSteps, finalFactor: finalFactor)
  }
}

extension LearningRateSchedule where Self == StepDecay {
  /// Decay by `decay` every `stepSize` steps; see ``StepDecay``.
  ///
  /// - Parameters:
  ///   - stepSize: Steps between decays.
  ///   - decay: The multiplier applied at each decay.
  public static func stepDecay(every stepSize: Int, by decay: Double) -> StepDecay {
    StepDecay(stepSize: stepSize, decay: decay)
  }
}
