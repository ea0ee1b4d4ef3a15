import StateSpace
import Training

// One step of causal attention at position t: project the new input to q, k, v, append k and v
// to the cache, and for each (sequence, head) take softmax(Kq/√d) over the t + 1 cached keys
// (a GEMV over the head's contiguous block of the cache) and the weighted sum of the cached
// values (a second GEMV). The cost is O(t·H) per step; the whole-sequence causal output at
// row t is the same sum.

extension AttentionBlock {
  /// The empty key/value cache for `batchSize` sequences.
  public func initialState(batchSize: Int) -> AttentionCache<Scalar> {
    initialState(batchSize: batchSize, capacity: 0)
  }

  /// The empty key/value cache for `batchSize` sequences, with room for `capacity` steps
  /// before it grows (the cache doubles when full, so this only saves the regrowth copies).
  ///
  /// - Parameters:
  ///   - batchSize: B.
  ///   - capacity: The number of steps to preallocate.
  /// - Returns: A cache with no steps.
  public func initialState(batchSize: Int, capacity: Int) -> AttentionCache<Scalar> {
    precondition(
      isCausal, "AttentionBlock.initialState: a bidirectional (non-causal) block cannot step")
    precondition(
      batchSize > 0 && capacity >= 0,
      "AttentionBlock.initialState: batch size \(batchSize) must be positive and capacity \(capacity) non-negative"
    )
    return AttentionCache(
      batchSize: batchSize, width: inputSize, heads: options.heads, capacity: capacity)
  }

  /// Attends from one new time step to it and every earlier step: (B, H) → (B, H).
  ///
  /// - Parameters:
  ///   - input: (B, H), the inputs at step t = `state.length`.
  ///   - state: The cache of steps 0 ..< t; step t is appended.
  /// - Returns: (B, H), row t of the whole-sequence causal output (no dropout).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func step(_ input: Tensor<Scalar>, state: inout AttentionCache<Scalar>) -> Tensor<Scalar> {
    precondition(isCausal, "AttentionBlock.step: a bidirectional (non-causal) block cannot step")
    precondition(
      input.shape == [state.batchSize, inputSize] && state.width == inputSize
        && state.heads == options.heads,
      "AttentionBlock.step: input must be (B = \(state.batchSize), H = \(inputSize)) for a cache of width \(state.width) and \(state.heads) heads, got \(input.shape)"
    )
    let (batch, width) = (state.batchSize, inputSize)
    input.withUnsafeBufferPointer { input in
      state.projected.withUnsafeMutableBufferPointer { projected in
        affine(
          rows: batch, input: input.baseAddress!, projection: inputProjection,
          output: projected.baseAddress!)
      }
    }
    state.appendProjectedKeysAndValues()
    attendToCache(&state)
    return Tensor(shape: [batch, width], unsafeUninitializedScalars: { output in
      state.attended.withUnsafeBufferPointer { attended in
        affine(
          rows: batch, input: attended.baseAddress!, projection: outputProjection,
          output: output.baseAddress!)
      }
    })
  }

  /// Writes softmax(K·q/√d)ᵀ·V of every (sequence, head) over the cache into `attended`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func attendToCache(_ state: inout AttentionCache<Scalar>) {
    let (batch, width, heads, d) = (state.batchSize, inputSize, options.heads, headSize)
    let (steps, capacity) = (state.length, state.capacity)
    let scale = 1 / Scalar(d).squareRoot()
    let units = batch * heads
    // A unit reads 2·t·d cached scalars: split units between cores once that pays for waking
    // a thread (tens of microseconds of work per chunk).
    let minimumChunk = Swift.max(1, 65_536 / Swift.max(1, steps * d))
    state.keys.withUnsafeBufferPointer { keys in
      state.values.withUnsafeBufferPointer { values in
        state.projected.withUnsafeBufferPointer { projected in
          state.attended.withUnsafeMutableBufferPointer { attended in
            state.weights.withUnsafeMutableBufferPointer { weights in
              let (keys, values) = (keys.baseAddress!, values.baseAddress!)
              let (projected, attended) = (projected.baseAddress!, attended.baseAddress!)
              let weights = weights.baseAddress!
              let run = { (range: Range<Int>) in
                for unit in range {
                  let (b, h) = unit.quotientAndRemainder(dividingBy: heads)
                  let block = unit * capacity * d
                  let row = weights + unit * capacity
                  Scalar.gemv(
                    .none, m: steps, n: d, alpha: scale, a: keys + block, lda: d,
                    x: projected + b * 3 * width + h * d, incx: 1, beta: 0, y: row, incy: 1)
                  let (_, sum) = softmaxNumerators(row, visible: steps, count: steps)
                  Scalar.gemv(
                    .transpose, m: steps, n: d, alpha: 1 / sum, a: values + block, lda: d,
                    x: row, incx: 1, beta: 0, y: attended + b * width + h * d, incy: 1)
                }
              }
              if units >= 2 * minimumChunk && Parallel.workerCount > 1 {
                OpenBLAS.withSingleThread {
                  Parallel.forEachChunk(of: units, minimumChunk: minimumChunk, run)
                }
              } else {
                run(0..<units)
              }
            }
          }
        }
      }
    }
  }
}

/// `output ← input·W + b` for `rows` rows of a linear map's input, straight into `output`
/// (a matrix–vector product for one row).
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
func affine<Scalar: DifferentiableScalar>(
  rows: Int, input: UnsafePointer<Scalar>, projection: Linear<Scalar>,
  output: UnsafeMutablePointer<Scalar>
) {
  let (fanIn, fanOut) = (projection.inputSize, projection.outputSize)
  if let bias = projection.bias {
    bias.value.withUnsafeBufferPointer { bias in
      for row in 0..<rows { (output + row * fanOut).update(from: bias.baseAddress!, count: fanOut) }
    }
  }
  projection.weight.value.withUnsafeBufferPointer { weight in
    Scalar.rowsTimesMatrix(
      rows: rows, n: fanOut, k: fanIn, a: input, lda: fanIn, b: weight.baseAddress!, ldb: fanOut,
      beta: projection.bias == nil ? 0 : 1, c: output, ldc: fanOut)
  }
}
