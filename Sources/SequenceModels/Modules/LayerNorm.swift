import StateSpace
import Training

/// Layer normalisation over the last axis with a learned gain and bias:
/// (x − μ)/√(σ² + ε)·γ + β, μ and σ² the mean and variance of each row.
public struct LayerNorm<Scalar: DifferentiableScalar>: Module {
  /// γ, shape (H), initially 1.
  public let gain: Parameter<Scalar>
  /// β, shape (H), initially 0.
  public let bias: Parameter<Scalar>
  /// ε, added to the variance.
  public let epsilon: Scalar

  /// Creates a layer normalisation of width `size`.
  ///
  /// - Parameters:
  ///   - size: H, the width of the normalised axis.
  ///   - epsilon: ε.
  ///   - name: The dotted path in the model; parameters `name.gain`, `name.bias`.
  public init(size: Int, epsilon: Scalar = 1e-5, name: String) {
    precondition(size > 0, "LayerNorm(size:): size must be positive, got \(size)")
    gain = Parameter(name: name + ".gain", value: Tensor(shape: [size], repeating: 1))
    bias = Parameter(name: name + ".bias", value: Tensor(shape: [size], repeating: 0))
    self.epsilon = epsilon
  }

  /// γ and β.
  public var parameters: [Parameter<Scalar>] { [gain, bias] }

  /// Normalises a recorded variable: (…, H) → (…, H).
  public func callAsFunction(_ input: Variable<Scalar>, on tape: Tape<Scalar>) -> Variable<Scalar> {
    input.layerNormalized(gain: tape.watch(gain), bias: tape.watch(bias), epsilon: epsilon)
  }

  /// Normalises a tensor, for inference and step code: (…, H) → (…, H).
  public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
    input.layerNormalized(gain: gain.value, bias: bias.value, epsilon: epsilon)
  }
}
