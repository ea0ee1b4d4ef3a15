import StateSpace
import Training

/// The key/value cache of a causal ``AttentionBlock`` stepping through a batch of sequences.
///
/// Each (sequence, head) pair u = b·heads + h owns a contiguous block of `capacity` rows of
/// d scalars in `keys` and in `values`, so a step's two GEMVs over a head's t cached rows read
/// t·d consecutive scalars (a stream the prefetcher follows; a time-major (t, B, H) layout
/// would stride B·H scalars between rows, a new page per row once B·H·4 bytes exceed 4 KiB).
/// A step writes its row in place; when the blocks are full the capacity doubles and every
/// block is copied once (amortised O(1) per step). The cache also holds the scratch rows a
/// step needs, so that stepping allocates only the returned output.
public struct AttentionCache<Scalar: DifferentiableScalar> {
  /// B, the number of sequences.
  public let batchSize: Int
  /// H.
  let width: Int
  /// The number of heads.
  let heads: Int
  /// The number of steps consumed so far (the number of cached keys per sequence).
  public private(set) var length: Int = 0
  /// The number of steps the cache holds before its buffers grow.
  public private(set) var capacity: Int
  /// (B·heads, capacity, d) keys, one block per (sequence, head).
  var keys: [Scalar]
  /// (B·heads, capacity, d) values, one block per (sequence, head).
  var values: [Scalar]
  /// (B, 3H): the step's projections.
  var projected: [Scalar]
  /// (B, H): the step's attention output before the output projection.
  var attended: [Scalar]
  /// (B·heads, capacity): one weight row per (sequence, head).
  var weights: [Scalar]

  /// An empty cache for `batchSize` sequences, with room for `capacity` steps before growing.
  init(batchSize: Int, width: Int, heads: Int, capacity: Int) {
    self.batchSize = batchSize
    self.width = width
    self.heads = heads
    self.capacity = capacity
    projected = Array(repeating: 0, count: batchSize * 3 * width)
    attended = Array(repeating: 0, count: batchSize * width)
    keys = Array(repeating: 0, count: batchSize * width * capacity)
    values = keys
    weights = Array(repeating: 0, count: batchSize * heads * capacity)
  }

  /// d = H / heads.
  var headSize: Int { width / heads }

  /// Appends the keys and values in `projected` (columns H ..< 3H of each sequence's row) as
  /// step `length`, growing the blocks first when they are full.
  mutating func appendProjectedKeysAndValues() {
    if length == capacity { grow(to: Swift.max(2 * capacity, 16)) }
    let d = headSize
    projected.withUnsafeBufferPointer { projected in
      keys.withUnsafeMutableBufferPointer { keys in
        values.withUnsafeMutableBufferPointer { values in
          for b in 0..<batchSize {
            for h in 0..<heads {
              let source = projected.baseAddress! + b * 3 * width + h * d
              let row = ((b * heads + h) * capacity + length) * d
              (keys.baseAddress! + row).update(from: source + width, count: d)
              (values.baseAddress! + row).update(from: source + 2 * width, count: d)
            }
          }
        }
      }
    }
    length += 1
  }

  /// Moves every (sequence, head) block into a buffer of `newCapacity` rows per block.
  private mutating func grow(to newCapacity: Int) {
    let (units, d) = (batchSize * heads, headSize)
    func regrown(_ old: [Scalar]) -> [Scalar] {
      var new = [Scalar](repeating: 0, count: units * newCapacity * d)
      new.withUnsafeMutableBufferPointer { new in
        old.withUnsafeBufferPointer { old in
          for unit in 0..<units {
            (new.baseAddress! + unit * newCapacity * d).update(
              from: old.baseAddress! + unit * capacity * d, count: length * d)
          }
        }
      }
      return new
    }
    keys = regrown(keys)
    values = regrown(values)
    weights = Array(repeating: 0, count: units * newCapacity)
    capacity = newCapacity
  }
}
