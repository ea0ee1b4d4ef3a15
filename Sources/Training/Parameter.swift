import StateSpace

/// Per-parameter optimizer settings; `nil` means "use the optimizer's default".
///
/// The S4 recipe puts Δ, Λ, P and B at learning rate 0.001 with no weight decay, and the rest
/// of the model at the optimizer's defaults.
public struct ParameterOptions: Sendable, Equatable {
  /// The learning rate for this parameter, overriding the optimizer's.
  public var learningRate: Double?
  /// The decoupled weight decay (AdamW) or L2 penalty (SGD, Adam) for this parameter.
  public var weightDecay: Double?

  /// Creates options; leave a field `nil` to inherit the optimizer's value.
  public init(learningRate: Double? = nil, weightDecay: Double? = nil) {
    self.learningRate = learningRate
    self.weightDecay = weightDecay
  }

  /// Inherit everything from the optimizer.
  public static let inherited = ParameterOptions()
}

/// A trainable tensor with an identity, a dotted name and its own optimizer options.
///
/// Parameters are the only objects an optimizer mutates. Layers own them and list them
/// explicitly (``Module/parameters``); the tape returns gradients keyed by parameter and never
/// stores them on it.
public final class Parameter<Scalar: DifferentiableScalar>: Identifiable {
  /// The dotted path of the parameter in its model, for example `layers.2.mixer.log_dt`.
  public let name: String
  /// The current value.
  public var value: Tensor<Scalar>
  /// The optimizer settings for this parameter.
  public var options: ParameterOptions

  /// Creates a parameter.
  ///
  /// - Parameters:
  ///   - name: The dotted path of the parameter in its model; checkpoints use it as the key.
  ///   - value: The initial value.
  ///   - options: Optimizer settings that override the optimizer's defaults.
  public init(name: String, value: Tensor<Scalar>, options: ParameterOptions = .inherited) {
    self.name = name
    self.value = value
    self.options = options
  }

  /// The shape of the value.
  public var shape: [Int] { value.shape }

  /// The identity of this parameter object.
  public var id: ObjectIdentifier { ObjectIdentifier(self) }
}

/// Something that owns parameters and lists them in a stable order.
///
/// The order is part of the contract: optimizers keep their state per parameter identity, and
/// checkpoints store parameters by name, but the list is what they walk.
public protocol Module {
  /// The scalar type of the parameters.
  associatedtype Scalar: DifferentiableScalar
  /// Every trainable parameter, in a stable order.
  var parameters: [Parameter<Scalar>] { get }
}
