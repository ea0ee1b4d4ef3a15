import StateSpace
import Training

/// Where a residual block normalises.
public enum NormalizationPlacement: Sendable, Equatable {
  /// y = x + dropout(layer(norm(x))): the norm sees the block's input (stable for deep stacks;
  /// the model then normalises once more after the last block).
  case preNorm
  /// y = norm(x + dropout(layer(x))): the norm sees the residual sum (the original Transformer
  /// and the S4 paper's LRA configurations).
  case postNorm
}

/// A sequence layer wrapped in a residual connection with layer normalisation and dropout
/// (S4-REFERENCE.md §5.3).
///
/// The wrapped layer must keep the width (`outputSize == inputSize`). The block is itself a
/// ``SequenceLayer``; its step applies the same normalisation to each time step.
public struct ResidualBlock<Scalar: DifferentiableScalar>: SequenceLayer {
  /// The wrapped layer.
  public let layer: any SequenceLayer<Scalar>
  /// The layer normalisation.
  public let norm: LayerNorm<Scalar>
  /// Pre- or post-normalisation.
  public let placement: NormalizationPlacement
  /// The dropout rate applied to the layer's output before the residual sum.
  public let dropoutRate: Double

  /// Wraps `layer`.
  ///
  /// - Parameters:
  ///   - layer: A width-preserving sequence layer.
  ///   - placement: Where to normalise.
  ///   - dropoutRate: Dropout on the layer's output during training, in [0, 1).
  ///   - name: The dotted path of the block; the norm's parameters are `name.norm.*`.
  public init(
    _ layer: any SequenceLayer<Scalar>, placement: NormalizationPlacement = .preNorm,
    dropoutRate: Double = 0, name: String
  ) {
    precondition(
      layer.inputSize == layer.outputSize,
      "ResidualBlock: the layer maps width \(layer.inputSize) to \(layer.outputSize); a residual needs equal widths"
    )
    precondition(
      dropoutRate >= 0 && dropoutRate < 1,
      "ResidualBlock: dropout rate \(dropoutRate) is outside [0, 1)")
    self.layer = layer
    self.norm = LayerNorm(size: layer.inputSize, name: name + ".norm")
    self.placement = placement
    self.dropoutRate = dropoutRate
  }

  /// H, the wrapped layer's width.
  public var inputSize: Int { layer.inputSize }
  /// H, equal to ``inputSize``.
  public var outputSize: Int { layer.outputSize }
  /// Whether the wrapped layer is causal.
  public var isCausal: Bool { layer.isCausal }

  /// The layer's parameters, then the norm's.
  public var parameters: [Parameter<Scalar>] { layer.parameters + norm.parameters }

  /// x + dropout(layer(norm(x))) (pre-norm) or norm(x + dropout(layer(x))) (post-norm) over
  /// whole sequences: (B, L, H) → (B, L, H).
  public func callAsFunction(_ input: Variable<Scalar>, on tape: Tape<Scalar>) -> Variable<Scalar> {
    switch placement {
    case .preNorm:
      let update = layer(norm(input, on: tape), on: tape).dropout(rate: dropoutRate, on: tape)
      return input + update
    case .postNorm:
      let update = layer(input, on: tape).dropout(rate: dropoutRate, on: tape)
      return norm(input + update, on: tape)
    }
  }

  /// The wrapped layer's state.
  public func initialState(batchSize: Int) -> Any {
    layer.initialState(batchSize: batchSize)
  }

  /// The same map for one time step, (B, H) → (B, H), through the wrapped layer's step (no
  /// dropout).
  public func step(_ input: Tensor<Scalar>, state: inout Any) -> Tensor<Scalar> {
    switch placement {
    case .preNorm:
      return input + stepOpened(layer, norm(input), &state)
    case .postNorm:
      return norm(input + stepOpened(layer, input, &state))
    }
  }
}

/// Steps a layer held as an existential, whose state travels as `Any`.
///
/// The typed state is taken out of the box and the box emptied before stepping, so the state's
/// buffers are uniquely referenced and updated in place (no copy on write).
func stepOpened<Layer: SequenceLayer>(
  _ layer: Layer, _ input: Tensor<Layer.Scalar>, _ state: inout Any
) -> Tensor<Layer.Scalar> {
  guard var typed = state as? Layer.State else {
    preconditionFailure(
      "step: the state (\(type(of: state))) was not made by this layer's initialState (\(Layer.State.self))")
  }
  state = ()
  let output = layer.step(input, state: &typed)
  state = typed
  return output
}
