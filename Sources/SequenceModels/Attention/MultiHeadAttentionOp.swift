import StateSpace
import Training

// The attention core as one op on the tape: packed projections in, head outputs out, with the
// hand-written tiled backward of AttentionLayout+Backward.swift as its pullback. It keeps the
// packed input (which the projection's own pullback keeps anyway), the output and B·heads·L
// log-sum-exps; no L × L matrix is stored or materialised.

extension Variable {
  /// Multi-head scaled dot-product attention, softmax(Q·Kᵀ/√d)·V per head, on packed
  /// projections: (B, L, 3H) → (B, L, H).
  ///
  /// The last axis of `self` holds [Q | K | V], each H = heads·d wide, head h in columns
  /// h·d ..< (h + 1)·d of each part (the output of one fused (H, 3H) projection); the output
  /// puts head h in the same columns. The computation runs by tiles of `queryTileSize`
  /// queries, so memory is O(tile·L) per core beyond the inputs and outputs, and it enters the
  /// tape as one op whose pullback recomputes the weights tile by tile.
  ///
  /// - Parameters:
  ///   - heads: The number of heads, dividing H.
  ///   - isCausal: Whether query i attends only to keys 0 … i.
  ///   - dropoutRate: The probability of dropping an attention weight when `tape.isTraining`
  ///     (inverted dropout: kept weights are scaled by 1/(1 − rate)), in [0, 1).
  ///   - queryTileSize: The number of queries processed together (at least 1).
  ///   - tape: The pass; its generator seeds the dropout masks.
  /// - Returns: (B, L, H).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func multiHeadAttention(
    heads: Int, isCausal: Bool, dropoutRate: Double = 0, queryTileSize: Int = 128,
    on tape: Tape<Scalar>
  ) -> Variable {
    precondition(
      dropoutRate >= 0 && dropoutRate < 1,
      "multiHeadAttention: dropout rate \(dropoutRate) is outside [0, 1)")
    if let own = self.tape {
      precondition(own === tape, "multiHeadAttention: the input was recorded on another tape")
    }
    let layout = AttentionLayout(
      packedShape: shape, heads: heads, isCausal: isCausal, tileSize: queryTileSize,
      caller: "multiHeadAttention")
    let dropout =
      tape.isTraining && dropoutRate > 0
      ? AttentionDropout(keep: 1 - dropoutRate, seed: tape.generator.next()) : nil
    let packed = value
    guard requiresGradient else {
      return Variable(
        packed.attentionOutput(layout: layout, keepingLogSumExp: false, dropout: dropout).output)
    }
    let (output, statistics) = packed.attentionOutput(
      layout: layout, keepingLogSumExp: true, dropout: dropout)
    let logSumExp = statistics!
    return Variable.record(output, inputs: [self]) { outputGradient in
      [
        Tensor(shape: packed.shape, unsafeUninitializedScalars: { packedGradient in
          packed.withUnsafeBufferPointer { packed in
            output.withUnsafeBufferPointer { output in
              outputGradient.withUnsafeBufferPointer { outputGradient in
                logSumExp.withUnsafeBufferPointer { logSumExp in
                  layout.backward(
                    packed: packed.baseAddress!, output: output.baseAddress!,
                    outputGradient: outputGradient.baseAddress!,
                    logSumExp: logSumExp.baseAddress!, dropout: dropout,
                    packedGradient: packedGradient.baseAddress!)
                }
              }
            }
          }
        })
      ]
    }
  }
}

extension Tensor where Scalar: DifferentiableScalar {
  /// Multi-head scaled dot-product attention on packed projections, for inference:
  /// (B, L, 3H) → (B, L, H), no dropout.
  ///
  /// See ``Variable/multiHeadAttention(heads:isCausal:dropoutRate:queryTileSize:on:)`` for the
  /// layout of the packed projections.
  ///
  /// - Parameters:
  ///   - heads: The number of heads, dividing H.
  ///   - isCausal: Whether query i attends only to keys 0 … i.
  ///   - queryTileSize: The number of queries processed together (at least 1).
  /// - Returns: (B, L, H).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func multiHeadAttention(heads: Int, isCausal: Bool, queryTileSize: Int = 128) -> Tensor {
    let layout = AttentionLayout(
      packedShape: shape, heads: heads, isCausal: isCausal, tileSize: queryTileSize,
      caller: "multiHeadAttention")
    return attentionOutput(layout: layout, keepingLogSumExp: false, dropout: nil).output
  }

  /// Runs the forward kernel over these packed projections: the output (B, L, H) and, if
  /// asked, the log-sum-exp of every query (B·heads, L).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func attentionOutput(
    layout: AttentionLayout, keepingLogSumExp: Bool, dropout: AttentionDropout?
  ) -> (output: Tensor, logSumExp: Tensor?) {
    var logSumExp = keepingLogSumExp ? Tensor(zeros: [layout.unitCount, layout.length]) : nil
    let output = Tensor(
      shape: [layout.batch, layout.length, layout.width],
      unsafeUninitializedScalars: { output in
        withUnsafeBufferPointer { packed in
          if logSumExp == nil {
            layout.forward(
              packed: packed.baseAddress!, output: output.baseAddress!, logSumExp: nil,
              dropout: dropout)
          } else {
            logSumExp!.withUnsafeMutableBufferPointer { logSumExp in
              layout.forward(
                packed: packed.baseAddress!, output: output.baseAddress!,
                logSumExp: logSumExp.baseAddress!, dropout: dropout)
            }
          }
        }
      })
    return (output, logSumExp)
  }
}
