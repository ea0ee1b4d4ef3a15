import StateSpace
import Training

/// One kind of sequence block, with its typed options.
///
/// A model is described by a list of these (``ModelConfiguration/blocks``): every option is a
/// stored, checked Swift value, so a configuration can be compared, printed and reused.
public enum BlockKind: Sendable, Equatable {
  /// An S4 block: S4 (DPLR) or S4D (diagonal), chosen by ``S4BlockOptions/structure``.
  case s4(S4BlockOptions)
  /// A multi-head self-attention block.
  case attention(AttentionOptions)
  /// An LSTM layer; inside a model its hidden size must equal the model width.
  case lstm(RecurrentOptions)
  /// A GRU layer; inside a model its hidden size must equal the model width.
  case gru(RecurrentOptions)

  /// The reference S4 block (``S4BlockOptions/s4``).
  public static var s4: BlockKind { .s4(.s4) }
  /// The S4D block (``S4BlockOptions/s4d``).
  public static var s4d: BlockKind { .s4(.s4d) }
  /// Causal attention with four heads (``AttentionOptions/init(heads:isCausal:attentionDropout:outputDropout:hasBias:queryTileSize:)``'s defaults).
  public static var attention: BlockKind { .attention(AttentionOptions()) }
  /// An LSTM whose hidden size is the model width.
  public static var lstm: BlockKind { .lstm(RecurrentOptions()) }
  /// A GRU whose hidden size is the model width.
  public static var gru: BlockKind { .gru(RecurrentOptions()) }

  /// The kind's short name, as the benchmarks print it: `s4`, `s4d`, `attention`, `lstm`,
  /// `gru`.
  public var name: String {
    switch self {
    case .s4(let options): options.structure == .diagonal ? "s4d" : "s4"
    case .attention: "attention"
    case .lstm: "lstm"
    case .gru: "gru"
    }
  }

  /// Builds a block of this kind for inputs of width H (outputs H, or H′ for a recurrent kind
  /// given its own hidden size).
  ///
  /// - Parameters:
  ///   - width: H.
  ///   - name: The dotted path of the block; its parameter names start with it.
  ///   - generator: The seeded generator for the initial values.
  /// - Returns: The block, as an existential sequence layer.
  /// - Throws: ``LinearAlgebraError`` from the S4 block's HiPPO eigendecomposition.
  public func makeLayer<Scalar: DifferentiableScalar & SSMScalar>(
    width: Int, name: String, generator: inout SeededGenerator
  ) throws -> any SequenceLayer<Scalar> {
    switch self {
    case .s4(let options):
      try S4Block<Scalar>(width: width, options: options, name: name, generator: &generator)
    case .attention(let options):
      AttentionBlock<Scalar>(width: width, options: options, name: name, generator: &generator)
    case .lstm(let options):
      LSTMBlock<Scalar>(width: width, options: options, name: name, generator: &generator)
    case .gru(let options):
      GRUBlock<Scalar>(width: width, options: options, name: name, generator: &generator)
    }
  }
}

/// Everything needed to build a ``SequenceModel``: input, width, the list of blocks, the
/// residual wiring and the output head.
///
/// ```swift
/// let configuration = ModelConfiguration(
///   input: .tokens(vocabularySize: 256), width: 128,
///   blocks: [.s4, .attention, .gru], output: .perStep(size: 256))
/// var generator = SeededGenerator(seed: 0)
/// let model = try SequenceModel<Float>(configuration, generator: &generator)
/// ```
public struct ModelConfiguration: Sendable, Equatable {
  /// How the model reads its input.
  public var input: InputEncoding
  /// H, the width of every block.
  public var width: Int
  /// The blocks, bottom to top; each is wrapped in a residual block.
  public var blocks: [BlockKind]
  /// Pre- or post-normalisation of every residual block.
  public var placement: NormalizationPlacement
  /// Dropout on each block's output before its residual sum, in [0, 1).
  public var dropoutRate: Double
  /// What the decoder outputs.
  public var output: OutputHead

  /// Creates a configuration.
  ///
  /// - Parameters:
  ///   - input: Features or tokens.
  ///   - width: H ≥ 1.
  ///   - blocks: At least one block kind.
  ///   - placement: Pre-norm (default) or post-norm.
  ///   - dropoutRate: Residual dropout, 0 by default.
  ///   - output: A per-step or mean-pooled head.
  public init(
    input: InputEncoding, width: Int, blocks: [BlockKind],
    placement: NormalizationPlacement = .preNorm, dropoutRate: Double = 0, output: OutputHead
  ) {
    self.input = input
    self.width = width
    self.blocks = blocks
    self.placement = placement
    self.dropoutRate = dropoutRate
    self.output = output
  }
}

extension SequenceModel where Scalar: SSMScalar {
  /// Builds a model from a configuration, with fresh parameters.
  ///
  /// Block `i` is named `blocks.i.layer` (its residual norm `blocks.i.norm`); the encoder,
  /// `encoder`, and the decoder, `decoder`. Random draws happen in the order of the blocks,
  /// then the encoder and decoder, so one seed gives one model.
  ///
  /// - Parameters:
  ///   - configuration: The model's description.
  ///   - generator: The seeded generator for every initial value.
  /// - Throws: ``LinearAlgebraError`` from an S4 block's HiPPO eigendecomposition.
  public init(_ configuration: ModelConfiguration, generator: inout SeededGenerator) throws {
    precondition(
      configuration.width > 0, "SequenceModel: width must be positive, got \(configuration.width)")
    precondition(!configuration.blocks.isEmpty, "SequenceModel: the configuration has no blocks")
    var layers: [any SequenceLayer<Scalar>] = []
    for (index, kind) in configuration.blocks.enumerated() {
      let layer: any SequenceLayer<Scalar> = try kind.makeLayer(
        width: configuration.width, name: "blocks.\(index).layer", generator: &generator)
      layers.append(layer)
    }
    self.init(
      input: configuration.input, width: configuration.width, layers: layers,
      placement: configuration.placement, dropoutRate: configuration.dropoutRate,
      output: configuration.output, generator: &generator)
  }
}
