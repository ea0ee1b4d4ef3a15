import StateSpace
import Training

/// How a model reads its input.
public enum InputEncoding: Sendable, Equatable {
  /// Real feature vectors of width `size` per time step, (B, L, size), mapped to the model
  /// width by a Linear encoder.
  case features(size: Int)
  /// Token ids in 0..<`vocabularySize`, (B, L), looked up in an Embedding.
  case tokens(vocabularySize: Int)
}

/// What a model outputs.
public enum OutputHead: Sendable, Equatable {
  /// A Linear decoder at every time step, (B, L, size): language models and sequence labelling.
  case perStep(size: Int)
  /// The mean over time, then a Linear decoder, (B, size): sequence classification.
  case meanPooled(size: Int)
}

/// An encoder, a residual stack of sequence blocks, and a decoder.
///
/// With pre-normalisation the stack ends with one more LayerNorm before the decoder, as in the
/// reference backbone (S4-REFERENCE.md §5.3).
public struct SequenceModel<Scalar: DifferentiableScalar>: Module {
  /// How the input is read.
  public let input: InputEncoding
  /// What is output.
  public let output: OutputHead
  /// The residual blocks, in order.
  public let blocks: [ResidualBlock<Scalar>]
  let featureEncoder: Linear<Scalar>?
  let tokenEncoder: Embedding<Scalar>?
  let finalNorm: LayerNorm<Scalar>?
  let decoder: Linear<Scalar>

  /// Assembles a model from already built layers.
  ///
  /// - Parameters:
  ///   - input: How the input is read.
  ///   - width: H, the width of every layer.
  ///   - layers: Width-preserving sequence layers (H → H), wrapped in residual blocks named
  ///     `blocks.<index>`; the layers' own parameter names should start with the same prefix.
  ///   - placement: Pre- or post-normalisation of every residual block.
  ///   - dropoutRate: Dropout on each layer's output before its residual sum.
  ///   - output: What the decoder produces.
  ///   - generator: The seeded generator for the encoder and decoder weights.
  public init(
    input: InputEncoding, width: Int, layers: [any SequenceLayer<Scalar>],
    placement: NormalizationPlacement = .preNorm, dropoutRate: Double = 0, output: OutputHead,
    generator: inout SeededGenerator
  ) {
    precondition(width > 0, "SequenceModel: width must be positive, got \(width)")
    for (index, layer) in layers.enumerated() {
      precondition(
        layer.inputSize == width && layer.outputSize == width,
        "SequenceModel: layer \(index) maps \(layer.inputSize) → \(layer.outputSize), the model width is \(width)"
      )
    }
    self.input = input
    self.output = output
    switch input {
    case .features(let size):
      featureEncoder = Linear(
        inputSize: size, outputSize: width, name: "encoder", generator: &generator)
      tokenEncoder = nil
    case .tokens(let vocabularySize):
      featureEncoder = nil
      tokenEncoder = Embedding(
        vocabularySize: vocabularySize, size: width, name: "encoder", generator: &generator)
    }
    blocks = layers.enumerated().map { index, layer in
      ResidualBlock(layer, placement: placement, dropoutRate: dropoutRate, name: "blocks.\(index)")
    }
    finalNorm = placement == .preNorm ? LayerNorm(size: width, name: "final_norm") : nil
    let outputSize: Int
    switch output {
    case .perStep(let size), .meanPooled(let size): outputSize = size
    }
    decoder = Linear(inputSize: width, outputSize: outputSize, name: "decoder", generator: &generator)
  }

  /// Every parameter: encoder, blocks in order, final norm, decoder.
  public var parameters: [Parameter<Scalar>] {
    (featureEncoder?.parameters ?? []) + (tokenEncoder?.parameters ?? [])
      + blocks.flatMap(\.parameters) + (finalNorm?.parameters ?? []) + decoder.parameters
  }

  /// Whether every block is causal (then ``step(tokens:state:)`` and
  /// ``step(features:state:)`` are available).
  public var isCausal: Bool { blocks.allSatisfy(\.isCausal) }

  /// The model on real features: (B, L, F) → (B, L, out) or (B, out).
  public func callAsFunction(features: Variable<Scalar>, on tape: Tape<Scalar>) -> Variable<Scalar> {
    guard let featureEncoder else {
      preconditionFailure("SequenceModel: this model reads tokens, not features (\(input))")
    }
    return decode(body(featureEncoder(features, on: tape), on: tape), on: tape)
  }

  /// The model on token ids: (B, L) → (B, L, out) or (B, out).
  public func callAsFunction(tokens: Tensor<Int>, on tape: Tape<Scalar>) -> Variable<Scalar> {
    guard let tokenEncoder else {
      preconditionFailure("SequenceModel: this model reads features, not tokens (\(input))")
    }
    precondition(tokens.rank == 2, "SequenceModel: tokens must be (B, L), got shape \(tokens.shape)")
    return decode(body(tokenEncoder(tokens, on: tape), on: tape), on: tape)
  }

  private func body(_ hidden: Variable<Scalar>, on tape: Tape<Scalar>) -> Variable<Scalar> {
    var hidden = hidden
    for block in blocks { hidden = block(hidden, on: tape) }
    if let finalNorm { hidden = finalNorm(hidden, on: tape) }
    return hidden
  }

  private func decode(_ hidden: Variable<Scalar>, on tape: Tape<Scalar>) -> Variable<Scalar> {
    switch output {
    case .perStep: decoder(hidden, on: tape)
    case .meanPooled: decoder(hidden.mean(alongAxes: [1]), on: tape)
    }
  }
}
