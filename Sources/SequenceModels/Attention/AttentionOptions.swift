/// The settings of an ``AttentionBlock``.
///
/// The defaults describe the block the benchmarks measure: four heads, a causal mask (so that
/// the block can generate through its key/value cache), no dropout, biases on both projections,
/// and query tiles of 128 rows.
public struct AttentionOptions: Sendable, Equatable {
  /// The number of heads; it must divide the block's width H. Each head attends with queries,
  /// keys and values of size H / heads. Default 4.
  public var heads: Int
  /// Whether position t attends only to positions 0 … t (autoregressive models, and the step
  /// mode); otherwise every position attends to the whole sequence. Default `true`.
  public var isCausal: Bool
  /// The probability of dropping an attention weight during training (after the softmax, as
  /// PyTorch's `nn.MultiheadAttention(dropout:)`). Default 0.
  public var attentionDropout: Double
  /// The probability of dropping a scalar of the block's output during training. Default 0.
  public var outputDropout: Double
  /// Whether the query/key/value and output projections add a bias. Default `true`.
  public var hasBias: Bool
  /// The number of query rows whose scores against all keys are held at once. The working
  /// memory of the attention core is about 2·tile·L scalars per core instead of B·heads·L²; the
  /// result does not depend on it beyond rounding. Default 128: against 64, each key and value
  /// row is packed for the GEMMs half as often and the backward pass's dK and dV accumulators
  /// are read and written half as often, which outweighs the larger masked corner of the
  /// diagonal tiles (Zen 3, 1 MiB L2, d = 64, L = 1024 and 4096: about 4% less forward and
  /// 6–11% less backward core time).
  public var queryTileSize: Int

  /// Creates options; every argument has the default documented on its property.
  public init(
    heads: Int = 4, isCausal: Bool = true, attentionDropout: Double = 0,
    outputDropout: Double = 0, hasBias: Bool = true, queryTileSize: Int = 128
  ) {
    self.heads = heads
    self.isCausal = isCausal
    self.attentionDropout = attentionDropout
    self.outputDropout = outputDropout
    self.hasBias = hasBias
    self.queryTileSize = queryTileSize
  }
}
