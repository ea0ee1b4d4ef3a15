import StateSpace
import Training

/// Inverted dropout of attention weights whose mask is recomputed rather than stored.
///
/// A weight of query i in unit u = (b, h) is kept with probability `keep` and then scaled by
/// 1/keep. The mask of a row comes from a generator seeded by the op's seed and (u, i) alone,
/// so the backward pass regenerates exactly the forward mask, tile by tile, without ever holding
/// the B·heads·L² mask; and a row's mask does not depend on the tiling or on the core that
/// computes it. Two mask entries come from each 64-bit draw: an entry is kept when its 32-bit
/// half is below keep·2³².
struct AttentionDropout: Sendable, Equatable {
  /// The probability of keeping a weight, in (0, 1].
  let keep: Double
  /// The seed of this op's masks (one draw from the tape's generator).
  let seed: UInt64

  /// Writes the mask of row `row` of unit `unit` (entries 1/keep or 0) into `mask[0..<count]`.
  ///
  /// - Parameters:
  ///   - unit: b·heads + h.
  ///   - row: The query position i.
  ///   - length: L, which makes (unit, row) a unique row index.
  ///   - count: The number of keys the row sees.
  ///   - mask: Where to write.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func fill<Scalar: DifferentiableScalar>(
    unit: Int, row: Int, length: Int, count: Int, into mask: UnsafeMutablePointer<Scalar>
  ) {
    let threshold = UInt64((keep * 0x1p32).rounded(.down))
    let kept = Scalar(1 / keep)
    let rowIndex = UInt64(unit * length + row)
    var generator = SeededGenerator(seed: seed ^ (rowIndex &* 0x9E37_79B9_7F4A_7C15))
    var j = 0
    while j < count {
      let bits = generator.next()
      mask[j] = bits & 0xFFFF_FFFF < threshold ? kept : 0
      if j + 1 < count { mask[j + 1] = bits >> 32 < threshold ? kept : 0 }
      j += 2
    }
  }
}
