import StateSpace

/// A training step that could not be taken because the numbers went bad.
///
/// When one of these is thrown no parameter and no optimizer state has changed, so the caller
/// can lower the learning rate, skip the batch or restore a checkpoint.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The loss was NaN or infinite.
  case nonFiniteLoss(Double)
  /// The loss was finite but a gradient holds NaN or infinity (its global norm is given).
  case nonFiniteGradient(norm: Double)

  /// A sentence describing the failure.
  public var description: String {
    switch self {
    case .nonFiniteLoss(let value): "the loss is \(value); no update was made"
    case .nonFiniteGradient(let norm):
      "the gradients' global norm is \(norm) (a NaN or Inf in a gradient); no update was made"
    }
  }
}

/// What one training step measured.
public struct TrainingStepResult: Sendable, Equatable {
  /// The loss before the update.
  public let loss: Double
  /// The global norm of the gradients before clipping.
  public let gradientNorm: Double
}

extension Optimizer {
  /// One training step: runs `loss` on `tape`, differentiates it, optionally clips the
  /// gradients by global norm, checks that loss and gradients are finite, and updates.
  ///
  /// ```swift
  /// let result = try optimizer.minimize(model.parameters, on: Tape(seed: step)) { tape in
  ///   meanSquaredError(model(x, on: tape), y)
  /// }
  /// ```
  ///
  /// - Parameters:
  ///   - parameters: The parameters to update (the model's parameter list).
  ///   - tape: A fresh recording tape for this step (its seed drives dropout).
  ///   - maxNorm: Clip the gradients to this global norm first (`nil`: no clipping).
  ///   - loss: The forward pass: records the computation on the tape and returns a scalar.
  /// - Returns: The loss and the gradient norm before clipping.
  /// - Throws: ``TrainingError/nonFiniteLoss(_:)`` or
  ///   ``TrainingError/nonFiniteGradient(norm:)``; parameters and state are then untouched.
  @discardableResult
  public mutating func minimize(
    _ parameters: [Parameter<Scalar>], on tape: Tape<Scalar>, clippingNormTo maxNorm: Double? = nil,
    loss: (Tape<Scalar>) -> Variable<Scalar>
  ) throws(TrainingError) -> TrainingStepResult {
    let output = loss(tape)
    precondition(
      output.value.scalarCount == 1,
      "Optimizer.minimize: the loss must hold one scalar, got shape \(output.shape)")
    let value = output.value.withUnsafeBufferPointer { Double($0[0]) }
    guard value.isFinite else { throw .nonFiniteLoss(value) }
    var gradients = tape.gradients(of: output)
    let norm = maxNorm.map { gradients.clipByGlobalNorm($0) } ?? gradients.globalNorm
    guard norm.isFinite else { throw .nonFiniteGradient(norm: norm) }
    update(parameters, with: gradients)
    return TrainingStepResult(loss: value, gradientNorm: norm)
  }
}
