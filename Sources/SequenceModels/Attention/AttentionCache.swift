import StateSpace
import Training

/// The key/value cache of a causal ``AttentionBlock`` stepping through a batch of sequences.
///
/// The keys and values of step t are appended as one (B, H) row to time-major buffers
/// (t, B, H), so a step writes in place and the buffers grow geometrically (their capacity
/// doubles when full: amortised O(1) per step, no O(t) copy per step). A head's keys are then
/// t rows of d scalars with stride B·H, which BLAS reads in place. The cache also holds the
/// scratch rows a step needs, so that stepping allocates only the returned output.
public struct AttentionCache<Scalar: DifferentiableScalar> {
  /// B, the number of sequences.
  public let batchSize: Int
  /// H.
  let width: Int
  /// The number of heads.
  let heads: Int
  /// The number of steps consumed so far (the number of cached keys per sequence).
  public private(set) var length: Int = 0
  /// (length, B, H) keys, time-major.
  var keys: [Scalar] = []
  /// (length, B, H) values, time-major.
  var values: [Scalar] = []
  /// (B, 3H): the step's projections.
  var projected: [Scalar]
  /// (B, H): the step's attention output before the output projection.
  var attended: [Scalar]
  /// (B·heads, rowCapacity): one weight row per (sequence, head).
  var weights: [Scalar] = []
  /// The length of each row of `weights`.
  var rowCapacity = 0

  /// An empty cache for `batchSize` sequences, with room for `capacity` steps before growing.
  init(batchSize: Int, width: Int, heads: Int, capacity: Int) {
    self.batchSize = batchSize
    self.width = width
    self.heads = heads
    projected = Array(repeating: 0, count: batchSize * 3 * width)
    attended = Array(repeating: 0, count: batchSize * width)
    keys.reserveCapacity(capacity * batchSize * width)
    values.reserveCapacity(capacity * batchSize * width)
    reserveWeightRows(capacity)
  }

  /// The number of steps the cache holds before its buffers grow.
  public var capacity: Int { Swift.min(keys.capacity, values.capacity) / (batchSize * width) }

  /// Appends the keys and values in `projected` (columns H ..< 3H of each sequence's row) as
  /// step `length`, and makes room for one more weight per row.
  mutating func appendProjectedKeysAndValues() {
    for b in 0..<batchSize {
      let row = b * 3 * width
      keys.append(contentsOf: projected[(row + width)..<(row + 2 * width)])
      values.append(contentsOf: projected[(row + 2 * width)..<(row + 3 * width)])
    }
    length += 1
    if length > rowCapacity { reserveWeightRows(Swift.max(2 * rowCapacity, length)) }
  }

  /// Makes each weight row `count` long (its contents are scratch and not kept).
  private mutating func reserveWeightRows(_ count: Int) {
    rowCapacity = count
    weights = Array(repeating: 0, count: batchSize * heads * count)
  }
}
