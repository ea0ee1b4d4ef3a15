/// Lowers the learning-rate factor when a monitored metric stops improving (PyTorch's
/// `ReduceLROnPlateau` with relative threshold), as in the S4 paper's training setup
/// (App. D.2: "constant LR with decay on plateau").
///
/// Call ``observe(_:)`` once per evaluation (an epoch, say) with the metric, then copy
/// ``factor`` into ``Optimizer/learningRateScale``. A value improves on the best so far when
/// it is below `best · (1 − threshold)` (mode ``Mode/minimize``) or above `best · (1 + threshold)`
/// (mode ``Mode/maximize``). After more than `patience` observations without improvement the
/// factor is multiplied by `reduction` (never below `minimumFactor`) and the next `cooldown`
/// observations are not counted.
public struct ReduceOnPlateau: Sendable, Equatable {
  /// Whether smaller or larger values of the metric are better.
  public enum Mode: Sendable, Equatable {
    /// Smaller is better (a loss).
    case minimize
    /// Larger is better (an accuracy).
    case maximize
  }

  /// Whether smaller or larger values are better.
  public let mode: Mode
  /// The multiplier applied at each reduction, in (0, 1).
  public let reduction: Double
  /// How many observations without improvement are tolerated before a reduction.
  public let patience: Int
  /// The relative improvement that counts as one.
  public let threshold: Double
  /// Observations ignored after a reduction.
  public let cooldown: Int
  /// The factor is never reduced below this.
  public let minimumFactor: Double

  /// The current learning-rate factor, starting at 1.
  public private(set) var factor: Double = 1
  /// The best metric observed so far (`nil` before the first observation).
  public private(set) var best: Double?
  /// Observations since the last improvement (not counting cooldown).
  public private(set) var badObservations = 0
  private var cooldownRemaining = 0

  /// Creates the controller.
  ///
  /// - Parameters:
  ///   - mode: Whether smaller (`.minimize`) or larger (`.maximize`) is better.
  ///   - reduction: The multiplier at each reduction, in (0, 1).
  ///   - patience: Observations without improvement tolerated (≥ 0).
  ///   - threshold: Relative improvement that counts (≥ 0).
  ///   - cooldown: Observations ignored after a reduction (≥ 0).
  ///   - minimumFactor: The lower bound of the factor (≥ 0).
  public init(
    mode: Mode = .minimize, reduction: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4,
    cooldown: Int = 0, minimumFactor: Double = 0
  ) {
    precondition(
      reduction > 0 && reduction < 1, "ReduceOnPlateau: reduction \(reduction) must lie in (0, 1)")
    precondition(patience >= 0, "ReduceOnPlateau: patience \(patience) must be ≥ 0")
    precondition(threshold >= 0, "ReduceOnPlateau: threshold \(threshold) must be ≥ 0")
    precondition(cooldown >= 0, "ReduceOnPlateau: cooldown \(cooldown) must be ≥ 0")
    precondition(minimumFactor >= 0, "ReduceOnPlateau: minimumFactor \(minimumFactor) must be ≥ 0")
    self.mode = mode
    self.reduction = reduction
    self.patience = patience
    self.threshold = threshold
    self.cooldown = cooldown
    self.minimumFactor = minimumFactor
  }

  /// Records one value of the metric and reduces ``factor`` if the plateau has lasted too long.
  ///
  /// - Parameter metric: The monitored value (a NaN never counts as an improvement).
  /// - Returns: Whether the factor was reduced by this observation.
  @discardableResult
  public mutating func observe(_ metric: Double) -> Bool {
    if improves(metric) {
      best = metric
      badObservations = 0
    } else {
      badObservations += 1
    }
    if cooldownRemaining > 0 {
      cooldownRemaining -= 1
      badObservations = 0
    }
    guard badObservations > patience else { return false }
    badObservations = 0
    cooldownRemaining = cooldown
    let reduced = max(factor * reduction, minimumFactor)
    guard reduced < factor else { return false }
    factor = reduced
    return true
  }

  private func improves(_ metric: Double) -> Bool {
    guard let best else { return !metric.isNaN }
    switch mode {
    case .minimize: return metric < best * (1 - threshold)
    case .maximize: return metric > best * (1 + threshold)
    }
  }
}
