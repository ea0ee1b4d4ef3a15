import StateSpace

/// The result shape of broadcasting two shapes (NumPy rules), or `nil` when they are
/// incompatible.
///
/// The shapes are aligned at their last axes; a missing leading axis counts as extent 1, and
/// along each axis the extents must agree or one of them must be 1.
///
/// - Parameters:
///   - lhs: The first shape.
///   - rhs: The second shape.
/// - Returns: The broadcast shape; for example `[8, 1, 256]` and `[4096, 1]` give
///   `[8, 4096, 256]`.
public func broadcastShape(_ lhs: [Int], _ rhs: [Int]) -> [Int]? {
  let rank = max(lhs.count, rhs.count)
  var shape = [Int](repeating: 1, count: rank)
  for axis in 0..<rank {
    let a = axis >= rank - lhs.count ? lhs[axis - (rank - lhs.count)] : 1
    let b = axis >= rank - rhs.count ? rhs[axis - (rank - rhs.count)] : 1
    guard a == b || a == 1 || b == 1 else { return nil }
    shape[axis] = a == 1 ? b : a
  }
  return shape
}

/// The loop nest of a broadcast between two shapes, with as few loops as the shapes allow.
///
/// Axes of extent 1 in the result are dropped, and neighbouring axes that both operands walk
/// contiguously (or both skip) are merged, so that `(B, L, H) + (H)` becomes B·L rows of one
/// H-long contiguous inner loop that re-reads the bias from its start. The inner loop's stride is
/// 0 or 1 for each operand; the outer axes are walked by an odometer, once per row.
struct BroadcastLayout {
  /// The result shape.
  let shape: [Int]
  /// Extents of the merged outer axes (the inner axis excluded), outermost first.
  let outerExtents: [Int]
  /// Strides of the merged outer axes in each operand (0 where it is broadcast).
  let lhsOuterStrides: [Int]
  let rhsOuterStrides: [Int]
  /// The length of the innermost loop.
  let innerCount: Int
  /// 1 when the operand advances along the inner loop, 0 when one scalar is repeated.
  let lhsInnerStride: Int
  let rhsInnerStride: Int

  /// The number of inner loops (rows).
  var rowCount: Int { outerExtents.reduce(1, *) }

  /// The layout of an op between tensors of shapes `lhs` and `rhs`, or `nil` when the shapes
  /// do not broadcast.
  init?(lhs: [Int], rhs: [Int]) {
    guard let shape = broadcastShape(lhs, rhs) else { return nil }
    self.shape = shape
    let rank = shape.count
    let lhsPadded = [Int](repeating: 1, count: rank - lhs.count) + lhs
    let rhsPadded = [Int](repeating: 1, count: rank - rhs.count) + rhs
    let lhsNatural = Tensor<Float>.rowMajorStrides(of: lhsPadded)
    let rhsNatural = Tensor<Float>.rowMajorStrides(of: rhsPadded)
    // (extent, lhs stride, rhs stride) of every axis that is not 1 in the result.
    var axes: [(extent: Int, lhs: Int, rhs: Int)] = []
    for axis in 0..<rank where shape[axis] != 1 {
      let axisLHS = lhsPadded[axis] == 1 ? 0 : lhsNatural[axis]
      let axisRHS = rhsPadded[axis] == 1 ? 0 : rhsNatural[axis]
      if let last = axes.last, last.lhs == axisLHS * shape[axis], last.rhs == axisRHS * shape[axis]
      {
        // One step of the previous axis is exactly one run of this axis in both operands.
        axes[axes.count - 1] = (last.extent * shape[axis], axisLHS, axisRHS)
      } else {
        axes.append((shape[axis], axisLHS, axisRHS))
      }
    }
    guard let inner = axes.popLast() else {
      // Every extent is 1: one scalar on each side.
      (outerExtents, lhsOuterStrides, rhsOuterStrides) = ([], [], [])
      (innerCount, lhsInnerStride, rhsInnerStride) = (Tensor<Float>.scalarCount(of: shape), 0, 0)
      return
    }
    outerExtents = axes.map(\.extent)
    lhsOuterStrides = axes.map(\.lhs)
    rhsOuterStrides = axes.map(\.rhs)
    (innerCount, lhsInnerStride, rhsInnerStride) = (inner.extent, inner.lhs, inner.rhs)
  }

  /// Calls `body(row, lhsOffset, rhsOffset)` for each row in `rows`, in order; row `r` of the
  /// result starts at `r · innerCount`.
  @inline(__always)
  func forEachRow(in rows: Range<Int>, _ body: (Int, Int, Int) -> Void) {
    guard !rows.isEmpty else { return }
    let depth = outerExtents.count
    if depth <= 1 {
      let (lhsStride, rhsStride) = depth == 0 ? (0, 0) : (lhsOuterStrides[0], rhsOuterStrides[0])
      for row in rows { body(row, row * lhsStride, row * rhsStride) }
      return
    }
    // An odometer over the outer axes, started at the first row of the range.
    var index = [Int](repeating: 0, count: depth)
    var remainder = rows.lowerBound
    var lhsOffset = 0
    var rhsOffset = 0
    for axis in stride(from: depth - 1, through: 0, by: -1) {
      index[axis] = remainder % outerExtents[axis]
      remainder /= outerExtents[axis]
      lhsOffset += index[axis] * lhsOuterStrides[axis]
      rhsOffset += index[axis] * rhsOuterStrides[axis]
    }
    for row in rows {
      body(row, lhsOffset, rhsOffset)
      var axis = depth - 1
      while axis >= 0 {
        index[axis] += 1
        lhsOffset += lhsOuterStrides[axis]
        rhsOffset += rhsOuterStrides[axis]
        if index[axis] < outerExtents[axis] { break }
        lhsOffset -= outerExtents[axis] * lhsOuterStrides[axis]
        rhsOffset -= outerExtents[axis] * rhsOuterStrides[axis]
        index[axis] = 0
        axis -= 1
      }
    }
  }
}

extension Tensor where Scalar: DifferentiableScalar {
  /// `f(lhs, rhs)` elementwise with NumPy broadcasting, on all cores for large results.
  ///
  /// Equal shapes take one flat loop; otherwise the rows of a ``BroadcastLayout`` are split
  /// across the cores and each row runs one of three contiguous inner loops.
  @inline(__always)
  static func broadcasting<F: BinaryElementwise>(
    _ f: F, _ lhs: Tensor, _ rhs: Tensor, op: StaticString
  ) -> Tensor where F.Scalar == Scalar {
    if lhs.shape == rhs.shape { return lhs.applying(f, rhs) }
    guard let layout = BroadcastLayout(lhs: lhs.shape, rhs: rhs.shape) else {
      preconditionFailure("\(op): shapes \(lhs.shape) and \(rhs.shape) do not broadcast")
    }
    let n = layout.innerCount
    return lhs.withUnsafeBufferPointer { a in
      rhs.withUnsafeBufferPointer { b in
        Tensor(shape: layout.shape, unsafeUninitializedScalars: { y in
          guard let a = a.baseAddress, let b = b.baseAddress, let y = y.baseAddress else { return }
          Parallel.forEachChunk(of: layout.rowCount, minimumChunk: max(1, parallelGrain / max(n, 1))) {
            rows in
            layout.forEachRow(in: rows) { row, aOffset, bOffset in
              let (yRow, aRow, bRow) = (y + row * n, a + aOffset, b + bOffset)
              switch (layout.lhsInnerStride, layout.rhsInnerStride) {
              case (1, 1):
                for j in 0..<n { yRow[j] = f(aRow[j], bRow[j]) }
              case (1, _):
                let bValue = bRow[0]
                for j in 0..<n { yRow[j] = f(aRow[j], bValue) }
              case (_, 1):
                let aValue = aRow[0]
                for j in 0..<n { yRow[j] = f(aValue, bRow[j]) }
              default:
                for j in 0..<n { yRow[j] = f(aRow[0], bRow[0]) }
              }
            }
          }
        })
      }
    }
  }

  /// The tensor repeated along its broadcast axes to fill `shape` (NumPy broadcasting).
  ///
  /// - Parameter shape: A shape that `self.shape` broadcasts to.
  /// - Returns: A tensor of `shape`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func broadcast(toShape shape: [Int]) -> Tensor {
    if self.shape == shape { return self }
    guard let layout = BroadcastLayout(lhs: self.shape, rhs: shape), layout.shape == shape else {
      preconditionFailure("broadcast(toShape:): shape \(self.shape) does not broadcast to \(shape)")
    }
    let n = layout.innerCount
    return withUnsafeBufferPointer { a in
      Tensor(shape: shape, unsafeUninitializedScalars: { y in
        guard let a = a.baseAddress, let y = y.baseAddress else { return }
        Parallel.forEachChunk(of: layout.rowCount, minimumChunk: max(1, parallelGrain / max(n, 1))) {
          rows in
          layout.forEachRow(in: rows) { row, aOffset, _ in
            if layout.lhsInnerStride == 1 {
              (y + row * n).update(from: a + aOffset, count: n)
            } else {
              (y + row * n).update(repeating: a[aOffset], count: n)
            }
          }
        }
      })
    }
  }
}
