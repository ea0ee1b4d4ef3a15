import StateSpace
import Synchronization
import Training

// The attention core works on the fused projection of a block, packed as (B, L, 3H) rows
// [Q | K | V], each part H = heads·d wide with head h in columns h·d ..< (h + 1)·d. A head's
// queries, keys and values are then matrices of L rows of d scalars with a row stride of 3H,
// which BLAS reads in place (leading dimension 3H): no head is ever copied or transposed.
// The output (B, L, H) has the same head columns with row stride H.

/// The shapes, strides and tiling of one call of the attention core.
struct AttentionLayout: Sendable, Equatable {
  /// B.
  let batch: Int
  /// L.
  let length: Int
  /// The number of heads.
  let heads: Int
  /// d = H / heads, the size of a head's queries, keys and values.
  let headSize: Int
  /// Whether query i sees only keys 0 … i.
  let isCausal: Bool
  /// The number of query rows processed together.
  let tileSize: Int

  /// Checks the packed shape against the head count and tile size and derives the layout.
  ///
  /// - Parameters:
  ///   - packedShape: (B, L, 3H).
  ///   - heads: The number of heads, dividing H.
  ///   - isCausal: Whether the causal mask applies.
  ///   - tileSize: The query tile size, at least 1.
  ///   - caller: The name of the public entry point, for precondition messages.
  init(packedShape: [Int], heads: Int, isCausal: Bool, tileSize: Int, caller: String) {
    precondition(
      packedShape.count == 3 && packedShape[2] % 3 == 0 && packedShape.allSatisfy { $0 > 0 },
      "\(caller): packed projections must be (B, L, 3H) with positive sizes, got \(packedShape)")
    let width = packedShape[2] / 3
    precondition(
      heads > 0 && width % heads == 0,
      "\(caller): \(heads) heads do not divide the width H = \(width) of packed shape \(packedShape)")
    precondition(tileSize > 0, "\(caller): query tile size must be positive, got \(tileSize)")
    self.batch = packedShape[0]
    self.length = packedShape[1]
    self.heads = heads
    self.headSize = width / heads
    self.isCausal = isCausal
    self.tileSize = tileSize
  }

  /// H.
  var width: Int { heads * headSize }
  /// 3H, the row stride of the packed projections.
  var packedWidth: Int { 3 * width }
  /// B·heads, the independent (sequence, head) pairs.
  var unitCount: Int { batch * heads }

  /// 1/√d, the scale of the dot products (Vaswani et al., eq. 1).
  func scale<Scalar: DifferentiableScalar>(as _: Scalar.Type) -> Scalar {
    1 / Scalar(headSize).squareRoot()
  }

  /// The keys a query tile ending (exclusively) at `tileEnd` needs: all L, or with the causal
  /// mask only 0 ..< tileEnd, so that tiles of keys every query of the tile masks are skipped.
  func keyCount(tileEnd: Int) -> Int { isCausal ? tileEnd : length }

  /// The keys query `row` sees: 0 … row with the causal mask, else all L.
  func visibleKeys(row: Int) -> Int { isCausal ? row + 1 : length }

  /// The offset of unit (b, h)'s queries (its keys and values follow at +H and +2H) in the
  /// packed projections.
  func packedOffset(unit: Int) -> Int {
    let (b, h) = unit.quotientAndRemainder(dividingBy: heads)
    return b * length * packedWidth + h * headSize
  }

  /// The offset of unit (b, h)'s output columns in the (B, L, H) output.
  func outputOffset(unit: Int) -> Int {
    let (b, h) = unit.quotientAndRemainder(dividingBy: heads)
    return b * length * width + h * headSize
  }

  /// The number of query tiles of a sequence, ⌈L / tile⌉.
  var tileCount: Int { (length + tileSize - 1) / tileSize }

  /// The (unit, first query) of work item `item` of ``forEachTileRange(_:)``.
  ///
  /// Items run unit by unit; within a unit the tiles are taken from both ends in turn
  /// (0, n − 1, 1, n − 2, …). With the causal mask tile k costs about k + 1 tiles of keys, so
  /// consecutive pairs cost the same and any contiguous range of items is close to its share
  /// of the work, even when one unit is split between cores.
  func tile(item: Int) -> (unit: Int, tileStart: Int) {
    let (unit, slot) = item.quotientAndRemainder(dividingBy: tileCount)
    let tile = slot % 2 == 0 ? slot / 2 : tileCount - 1 - slot / 2
    return (unit, tile * tileSize)
  }

  /// Runs `worker` on every core, each claiming ranges of the B·heads·⌈L / tile⌉ (unit, query
  /// tile) items (see ``tile(item:)``) until none are left; on the calling thread alone when
  /// the work is too small to share. Query tiles are independent in the forward pass, so this
  /// keeps every core busy even for a single sequence and head.
  func forEachTileRange(_ worker: (_ claim: () -> Range<Int>?) -> Void) {
    let items = unitCount * tileCount
    // Sharing should give each core at least 2¹⁸ multiply-adds (tens of microseconds) to pay
    // for waking it; a tile sees (L + tile)/2 keys on average with the causal mask.
    let averageKeys = isCausal ? Swift.min(length, (length + tileSize) / 2) : length
    let itemWork = Swift.max(1, 2 * Swift.min(tileSize, length) * averageKeys * headSize)
    forEachClaimedRange(
      of: items, grain: Swift.max(1, items / (16 * Parallel.workerCount)),
      parallel: items * itemWork >= 2 << 18, worker)
  }

  /// Runs `worker` on every core, each claiming single units (sequence, head) of
  /// 0 ..< B·heads until none are left; on the calling thread alone for a single unit.
  func forEachUnitRange(_ worker: (_ claim: () -> Range<Int>?) -> Void) {
    forEachClaimedRange(of: unitCount, grain: 1, parallel: unitCount > 1, worker)
  }
}

/// Runs `worker` once per core with single-threaded BLAS (or once on the calling thread when
/// `parallel` is false or there is one core); `claim` hands out consecutive ranges of at most
/// `grain` items of 0 ..< `count` from a shared counter and `nil` when all are taken.
///
/// Claiming small ranges instead of splitting the items into one fixed range per core keeps
/// the cores finishing together when one of them is slowed down (another process on the
/// core, a longer tile): the others take over its share. Each worker allocates its scratch
/// once and reuses it for every range it claims.
func forEachClaimedRange(
  of count: Int, grain: Int, parallel: Bool, _ worker: (_ claim: () -> Range<Int>?) -> Void
) {
  guard parallel && Parallel.workerCount > 1 else {
    var claimed = false
    worker {
      defer { claimed = true }
      return claimed ? nil : 0..<count
    }
    return
  }
  let next = Atomic<Int>(0)
  OpenBLAS.withSingleThread {
    Parallel.forEachChunk(of: Parallel.workerCount) { _ in
      worker {
        let start = next.wrappingAdd(grain, ordering: .relaxed).oldValue
        return start < count ? start..<Swift.min(count, start + grain) : nil
      }
    }
  }
}
