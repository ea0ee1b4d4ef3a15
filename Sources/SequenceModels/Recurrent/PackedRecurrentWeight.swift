import StateSpace
import Training

/// W_hh packed for the C time loops, kept in an LSTM or GRU step state.
///
/// The loops stream W_hh in panels of hidden units; read unpacked, every row sits on its own
/// page and the register panels stall on loads (B = 16 generation ran about 4× slower), while
/// packing costs as much as several steps. So a state packs once and reuses the result. It
/// holds the weight tensor it packed from: an optimizer update or an assignment then writes the
/// parameter into fresh storage (copy on write, since the cache shares the old one), so a stale
/// cache is recognised by the storage address and packed again.
struct PackedRecurrentWeight<Scalar: DifferentiableScalar> {
  /// The W_hh the panels were packed from, (H′, G·H′).
  let source: Tensor<Scalar>
  /// The packed panels.
  let packed: Tensor<Scalar>

  /// The panels of `weight` (G = `gates` gate blocks), from `cache` when it was packed from
  /// the same storage; otherwise packed now and stored in `cache`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func panels(of weight: Tensor<Scalar>, gates: Int, cache: inout Self?) -> Tensor<Scalar> {
    if let cache, cache.source.shape == weight.shape, sameStorage(cache.source, weight) {
      return cache.packed
    }
    let fresh = Self(source: weight, packed: RecurrentCells.packed(weight, gates: gates, transposed: false))
    cache = fresh
    return fresh.packed
  }

  private static func sameStorage(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>) -> Bool {
    a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress } }
  }
}
