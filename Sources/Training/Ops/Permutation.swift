import StateSpace

/// A permutation of axes reduced to its essentials: extents of 1 dropped and runs of source
/// axes that stay adjacent and in order merged, so that for example swapping the last two
/// axes of (B, L, H) stays a batch of L×H transposes and moving a (B, L) block past H becomes
/// one (B·L)×H transpose.
struct AxisPermutation {
  /// The merged source extents, in source order.
  let sourceShape: [Int]
  /// Output axis j is merged source axis `order[j]`.
  let order: [Int]

  init(shape: [Int], permutation: [Int]) {
    // Source axes with extent > 1, in output order.
    let kept = permutation.filter { shape[$0] != 1 }
    // Runs of consecutive source axes in output order become one axis.
    var runs: [[Int]] = []
    for axis in kept {
      if let last = runs.last?.last, last + 1 == axis {
        runs[runs.count - 1].append(axis)
      } else {
        runs.append([axis])
      }
    }
    let bySource = runs.indices.sorted { runs[$0][0] < runs[$1][0] }
    sourceShape = bySource.map { run in runs[run].reduce(1) { $0 * shape[$1] } }
    var order = [Int](repeating: 0, count: runs.count)
    for (merged, run) in bySource.enumerated() { order[run] = merged }
    self.order = order
  }

  /// Whether the permutation leaves the scalars in place (a reshape).
  var isIdentity: Bool { order == Array(order.indices) }
}

/// Position and offsets of an odometer over some axes of a copy, with the stride of each axis
/// in the source and in the destination.
struct StridedOdometer {
  let extents: [Int]
  let sourceStrides: [Int]
  let destinationStrides: [Int]
  private var index: [Int]
  private(set) var source = 0
  private(set) var destination = 0

  /// An odometer positioned at the `start`-th point in row-major order.
  init(extents: [Int], sourceStrides: [Int], destinationStrides: [Int], start: Int) {
    (self.extents, self.sourceStrides, self.destinationStrides) =
      (extents, sourceStrides, destinationStrides)
    index = [Int](repeating: 0, count: extents.count)
    var remainder = start
    for axis in extents.indices.reversed() {
      index[axis] = remainder % extents[axis]
      remainder /= extents[axis]
      source += index[axis] * sourceStrides[axis]
      destination += index[axis] * destinationStrides[axis]
    }
  }

  /// Moves to the next point in row-major order.
  @inline(__always)
  mutating func advance() {
    var axis = extents.count - 1
    while axis >= 0 {
      index[axis] += 1
      source += sourceStrides[axis]
      destination += destinationStrides[axis]
      if index[axis] < extents[axis] { return }
      source -= extents[axis] * sourceStrides[axis]
      destination -= extents[axis] * destinationStrides[axis]
      index[axis] = 0
      axis -= 1
    }
  }
}

extension Tensor where Scalar: DifferentiableScalar {
  /// The tensor with its axes reordered: axis `i` of the result is axis `permutation[i]` of
  /// `self`.
  ///
  /// When the innermost axis moves, the copy runs as cache-sized tiles of 2-D transposes;
  /// otherwise as contiguous row copies.
  ///
  /// - Parameter permutation: A permutation of `0..<rank`.
  /// - Returns: A tensor of shape `permutation.map { shape[$0] }`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func permuted(_ permutation: [Int]) -> Tensor {
    precondition(
      permutation.sorted() == Array(0..<rank),
      "permuted: \(permutation) is not a permutation of the axes of shape \(shape)")
    let resultShape = permutation.map { shape[$0] }
    let reduced = AxisPermutation(shape: shape, permutation: permutation)
    if reduced.isIdentity || scalarCount == 0 { return reshaped(to: resultShape) }
    let (extents, order) = (reduced.sourceShape, reduced.order)
    let rank = extents.count
    let sourceStrides = Tensor.rowMajorStrides(of: extents)
    let outputExtents = order.map { extents[$0] }
    let outputStrides = Tensor.rowMajorStrides(of: outputExtents)
    // Stride in the output of each source axis.
    var outputStrideOfSource = [Int](repeating: 0, count: rank)
    for (j, axis) in order.enumerated() { outputStrideOfSource[axis] = outputStrides[j] }
    let innerSource = order[rank - 1]  // the source axis that is innermost in the output
    return withUnsafeBufferPointer { x in
      Tensor(shape: resultShape, unsafeUninitializedScalars: { y in
        let (x, y) = (x.baseAddress!, y.baseAddress!)
        if innerSource == rank - 1 {
          // The innermost axis stays innermost: copy contiguous rows.
          let n = extents[rank - 1]
          let rowAxes = Array(order.dropLast())
          let rows = scalarCount / n
          Parallel.forEachChunk(of: rows, minimumChunk: Swift.max(1, parallelGrain / n)) { range in
            var odometer = StridedOdometer(
              extents: rowAxes.map { extents[$0] }, sourceStrides: rowAxes.map { sourceStrides[$0] },
              destinationStrides: rowAxes.map { outputStrideOfSource[$0] }, start: range.lowerBound)
            for _ in range {
              (y + odometer.destination).initialize(from: x + odometer.source, count: n)
              odometer.advance()
            }
          }
          return
        }
        // Tiles of the 2-D transpose between the source's innermost axis (read contiguously)
        // and the output's innermost axis (written contiguously); the rest is a batch.
        let (rowsExtent, columnsExtent) = (extents[rank - 1], extents[innerSource])
        let (readStride, writeStride) = (sourceStrides[innerSource], outputStrideOfSource[rank - 1])
        let batchAxes = (0..<rank).filter { $0 != rank - 1 && $0 != innerSource }
        let tile = 32
        let rowTiles = (rowsExtent + tile - 1) / tile
        let batch = batchAxes.reduce(1) { $0 * extents[$1] }
        let minimumItems = Swift.max(1, parallelGrain / (tile * columnsExtent))
        Parallel.forEachChunk(of: batch * rowTiles, minimumChunk: minimumItems) { range in
          var item = range.lowerBound
          var odometer = StridedOdometer(
            extents: batchAxes.map { extents[$0] }, sourceStrides: batchAxes.map { sourceStrides[$0] },
            destinationStrides: batchAxes.map { outputStrideOfSource[$0] },
            start: item / rowTiles)
          while item < range.upperBound {
            let rowStart = (item % rowTiles) * tile
            let rowEnd = Swift.min(rowStart + tile, rowsExtent)
            let (source, destination) = (x + odometer.source, y + odometer.destination)
            var columnStart = 0
            while columnStart < columnsExtent {
              let columnEnd = Swift.min(columnStart + tile, columnsExtent)
              for r in rowStart..<rowEnd {
                let write = destination + r * writeStride
                for c in columnStart..<columnEnd { write[c] = source[r + c * readStride] }
              }
              columnStart = columnEnd
            }
            item += 1
            if item % rowTiles == 0 { odometer.advance() }
          }
        }
      })
    }
  }

  /// The last two axes swapped (the matrix transpose of each matrix in a batch).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func transposed() -> Tensor {
    precondition(rank >= 2, "transposed: needs rank ≥ 2, got shape \(shape)")
    return permuted(Array(0..<(rank - 2)) + [rank - 1, rank - 2])
  }
}

extension Variable {
  /// The same scalars viewed with another shape of equal scalar count; the pullback reshapes
  /// the gradient back.
  ///
  /// - Parameter newShape: The new shape.
  public func reshaped(to newShape: [Int]) -> Variable {
    let oldShape = shape
    return Variable.record(value.reshaped(to: newShape), inputs: [self]) { g in
      [g.reshaped(to: oldShape)]
    }
  }

  /// The axes reordered: axis `i` of the result is axis `permutation[i]` of `self`; the
  /// pullback applies the inverse permutation.
  ///
  /// - Parameter permutation: A permutation of `0..<rank`, for example `[0, 2, 1]` to turn
  ///   (B, L, H) into (B, H, L).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func permuted(_ permutation: [Int]) -> Variable {
    let output = value.permuted(permutation)
    var inverse = permutation
    for (index, axis) in permutation.enumerated() { inverse[axis] = index }
    return Variable.record(output, inputs: [self]) { g in [g.permuted(inverse)] }
  }

  /// The last two axes swapped.
  public func transposed() -> Variable {
    precondition(rank >= 2, "transposed: needs rank ≥ 2, got shape \(shape)")
    return permuted(Array(0..<(rank - 2)) + [rank - 1, rank - 2])
  }
}
