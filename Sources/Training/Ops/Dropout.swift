import StateSpace

// Inverted dropout: during training each scalar is kept with probability p = 1 − rate and
// scaled by 1/p, so the expected output equals the input and inference needs no rescaling.
// The mask is drawn from the tape's seeded generator: one 64-bit draw seeds the op, and each
// block of 4096 mask entries gets its own generator derived from that seed and the block
// index, so the mask depends only on the seed — not on how many cores fill it.

/// Mask entries generated from one derived generator.
private let maskBlock = 4096

extension Tensor where Scalar: DifferentiableScalar {
  /// A dropout mask: each scalar is 1/keep with probability `keep`, else 0.
  ///
  /// Two entries are drawn from each 64-bit output: an entry is kept when its 32-bit half is
  /// below keep·2³², which gives the probability to within 2⁻³².
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func dropoutMask(shape: [Int], keep: Double, seed: UInt64) -> Tensor {
    let threshold = UInt64((keep * 0x1p32).rounded(.down))
    let scale = Scalar(1 / keep)
    let count = Tensor.scalarCount(of: shape)
    let blocks = (count + maskBlock - 1) / maskBlock
    return Tensor(shape: shape, unsafeUninitializedScalars: { mask in
      Parallel.forEachChunk(of: blocks, minimumChunk: Swift.max(1, parallelGrain / maskBlock)) {
        range in
        for block in range {
          var generator = SeededGenerator(seed: seed ^ (UInt64(block) &* 0x9E37_79B9_7F4A_7C15))
          var i = block * maskBlock
          let end = Swift.min(i + maskBlock, count)
          while i < end {
            let bits = generator.next()
            mask[i] = bits & 0xFFFF_FFFF < threshold ? scale : 0
            if i + 1 < end { mask[i + 1] = bits >> 32 < threshold ? scale : 0 }
            i += 2
          }
        }
      }
    })
  }
}

extension Variable {
  /// Inverted dropout: during training each scalar is zeroed with probability `rate` and the
  /// others are scaled by 1/(1 − rate); otherwise the identity.
  ///
  /// The mask is drawn from `tape.generator`, so two passes on tapes with the same seed drop
  /// the same scalars. Pullback: the gradient times the same mask.
  ///
  /// - Parameters:
  ///   - rate: The probability of dropping a scalar, in [0, 1).
  ///   - tape: The pass; dropout is active only when `tape.isTraining`.
  ///   - sharedAxes: Axes along which one mask value is shared (S4's tied dropout shares the
  ///     mask of (B, L, H) along L: `sharingMaskAlong: [1]`); negative values count from the end.
  /// - Returns: The shape of `self`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func dropout(rate: Double, on tape: Tape<Scalar>, sharingMaskAlong sharedAxes: [Int] = [])
    -> Variable
  {
    precondition(rate >= 0 && rate < 1, "dropout: rate \(rate) is outside [0, 1)")
    if let own = self.tape {
      precondition(own === tape, "dropout: the input was recorded on another tape")
    }
    guard tape.isTraining && rate > 0 else { return self }
    var maskShape = shape
    for axis in resolvedAxes(sharedAxes, shape: shape, op: "dropout") { maskShape[axis] = 1 }
    let mask = Tensor<Scalar>.dropoutMask(
      shape: maskShape, keep: 1 - rate, seed: tape.generator.next())
    return Variable.record(value * mask, inputs: [self]) { g in [g * mask] }
  }
}
