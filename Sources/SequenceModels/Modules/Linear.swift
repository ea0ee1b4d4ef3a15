import StateSpace
import Training

/// An affine map over the last axis, `y = x·W + b`: (…, in) → (…, out).
///
/// Initialised as PyTorch's `nn.Linear`: W and b uniform in ±1/√in.
public struct Linear<Scalar: DifferentiableScalar>: Module {
  /// W, shape (in, out).
  public let weight: Parameter<Scalar>
  /// b, shape (out), or `nil` without a bias.
  public let bias: Parameter<Scalar>?

  /// Creates a linear map with freshly initialised parameters.
  ///
  /// - Parameters:
  ///   - inputSize: in, the width of the input's last axis.
  ///   - outputSize: out, the width of the output's last axis.
  ///   - hasBias: Whether to add a bias.
  ///   - name: The dotted path of this map in its model; the parameters are `name.weight` and
  ///     `name.bias`.
  ///   - generator: The seeded generator for the initial values.
  public init(
    inputSize: Int, outputSize: Int, hasBias: Bool = true, name: String,
    generator: inout SeededGenerator
  ) {
    precondition(
      inputSize > 0 && outputSize > 0,
      "Linear(inputSize:outputSize:): sizes must be positive, got \(inputSize) and \(outputSize)")
    let bound = 1 / Double(inputSize).squareRoot()
    weight = Parameter(
      name: name + ".weight",
      value: .randomUniform(shape: [inputSize, outputSize], in: -bound..<bound, using: &generator))
    bias =
      hasBias
      ? Parameter(
        name: name + ".bias",
        value: .randomUniform(shape: [outputSize], in: -bound..<bound, using: &generator))
      : nil
  }

  /// in.
  public var inputSize: Int { weight.value.shape[0] }
  /// out.
  public var outputSize: Int { weight.value.shape[1] }

  /// W and, if present, b.
  public var parameters: [Parameter<Scalar>] { [weight] + (bias.map { [$0] } ?? []) }

  /// The map on a recorded variable: (…, in) → (…, out).
  public func callAsFunction(_ input: Variable<Scalar>, on tape: Tape<Scalar>) -> Variable<Scalar> {
    input.linear(weight: tape.watch(weight), bias: bias.map { tape.watch($0) })
  }

  /// The map on a tensor, for inference and step code: (…, in) → (…, out).
  public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
    input.linear(weight: weight.value, bias: bias?.value)
  }
}
