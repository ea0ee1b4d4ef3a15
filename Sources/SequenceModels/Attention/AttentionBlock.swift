import StateSpace
import Training

/// Multi-head self-attention as a sequence block (Vaswani et al. 2017, §3.2):
/// y = concatₕ softmax(Qₕ·Kₕᵀ/√d)·Vₕ · W_O + b_O, with [Q | K | V] = x·W_QKV + b_QKV.
///
/// The three input projections are one (H, 3H) GEMM; the attention core runs by query tiles
/// with a hand-written backward (``Variable/multiHeadAttention(heads:isCausal:dropoutRate:queryTileSize:on:)``),
/// so training memory grows as B·heads·L rather than B·heads·L². A causal block also steps
/// through a key/value cache (``AttentionCache``), O(t·H) per step at position t.
///
/// Shape legend: B batch, L length, H width, d = H / heads.
public struct AttentionBlock<Scalar: DifferentiableScalar>: SequenceLayer {
  /// The settings the block was built with.
  public let options: AttentionOptions
  /// The fused query/key/value projection, H → 3H (`name.qkv`); its output columns are
  /// [Q | K | V], head h at columns h·d ..< (h + 1)·d of each part.
  public let inputProjection: Linear<Scalar>
  /// The output projection, H → H (`name.output`).
  public let outputProjection: Linear<Scalar>

  /// Creates a block with freshly initialised projections.
  ///
  /// - Parameters:
  ///   - width: H, the input and output width; `options.heads` must divide it.
  ///   - options: Heads, mask, dropout, biases, tiling.
  ///   - name: The dotted path of the block; parameters `name.qkv.weight`, `name.qkv.bias`,
  ///     `name.output.weight`, `name.output.bias`.
  ///   - generator: The seeded generator for the initial weights (uniform in ±1/√H, as
  ///     ``Linear``).
  public init(
    width: Int, options: AttentionOptions = AttentionOptions(), name: String,
    generator: inout SeededGenerator
  ) {
    precondition(
      width > 0 && options.heads > 0 && width % options.heads == 0,
      "AttentionBlock(width:options:): \(options.heads) heads do not divide width \(width)")
    precondition(
      options.attentionDropout >= 0 && options.attentionDropout < 1
        && options.outputDropout >= 0 && options.outputDropout < 1,
      "AttentionBlock(width:options:): dropout rates \(options.attentionDropout), \(options.outputDropout) are outside [0, 1)"
    )
    precondition(
      options.queryTileSize > 0,
      "AttentionBlock(width:options:): query tile size must be positive, got \(options.queryTileSize)")
    self.options = options
    inputProjection = Linear(
      inputSize: width, outputSize: 3 * width, hasBias: options.hasBias, name: name + ".qkv",
      generator: &generator)
    outputProjection = Linear(
      inputSize: width, outputSize: width, hasBias: options.hasBias, name: name + ".output",
      generator: &generator)
  }

  /// H.
  public var inputSize: Int { outputProjection.outputSize }
  /// H.
  public var outputSize: Int { outputProjection.outputSize }
  /// Whether the causal mask applies (then ``step(_:state:)`` is available).
  public var isCausal: Bool { options.isCausal }
  /// d = H / heads.
  public var headSize: Int { inputSize / options.heads }

  /// The QKV projection's weight and bias, then the output projection's.
  public var parameters: [Parameter<Scalar>] {
    inputProjection.parameters + outputProjection.parameters
  }

  /// Self-attention over whole sequences: (B, L, H) → (B, L, H).
  ///
  /// - Parameters:
  ///   - input: (B, L, H).
  ///   - tape: The pass; dropout (weights and output) is active when `tape.isTraining`.
  /// - Returns: (B, L, H).
  public func callAsFunction(_ input: Variable<Scalar>, on tape: Tape<Scalar>) -> Variable<Scalar> {
    precondition(
      input.rank == 3 && input.shape[2] == inputSize && input.shape[0] > 0 && input.shape[1] > 0,
      "AttentionBlock: input must be (B, L, H = \(inputSize)), got \(input.shape)")
    let packed = inputProjection(input, on: tape)
    let attended = packed.multiHeadAttention(
      heads: options.heads, isCausal: options.isCausal, dropoutRate: options.attentionDropout,
      queryTileSize: options.queryTileSize, on: tape)
    return outputProjection(attended, on: tape).dropout(rate: options.outputDropout, on: tape)
  }
}
