import StateSpace

/// The gradients a backward pass produced, keyed by parameter (and by watched variable).
///
/// A parameter the loss does not depend on has no entry.
public struct Gradients<Scalar: DifferentiableScalar> {
  let byNode: [Int: Tensor<Scalar>]
  var parameters: [ObjectIdentifier: Tensor<Scalar>]

  /// The gradient of the loss with respect to `parameter`, if the loss depends on it.
  public subscript(_ parameter: Parameter<Scalar>) -> Tensor<Scalar>? {
    get { parameters[parameter.id] }
    set { parameters[parameter.id] = newValue }
  }

  /// The gradient with respect to a variable made by ``Tape/watch(_:)-(Tensor)``.
  public subscript(_ variable: Variable<Scalar>) -> Tensor<Scalar>? {
    guard let node = variable.recording?.node else { return nil }
    return byNode[node]
  }

  /// The number of parameters with a gradient.
  public var parameterCount: Int { parameters.count }
}
