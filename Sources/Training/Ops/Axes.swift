/// Axis arguments as ops accept them: an axis may count from the end (−1 is the last axis),
/// as in NumPy and PyTorch.

/// `axis` resolved against `rank`, with negative values counted from the end.
///
/// - Precondition: −rank ≤ axis < rank; the message names `op` and the shape.
func resolvedAxis(_ axis: Int, shape: [Int], op: StaticString) -> Int {
  let resolved = axis < 0 ? axis + shape.count : axis
  precondition(
    resolved >= 0 && resolved < shape.count,
    "\(op): axis \(axis) is out of range for shape \(shape)")
  return resolved
}

/// Distinct axes resolved against `shape`, in increasing order.
///
/// - Precondition: every axis is in range and none is repeated.
func resolvedAxes(_ axes: [Int], shape: [Int], op: StaticString) -> [Int] {
  let resolved = axes.map { resolvedAxis($0, shape: shape, op: op) }.sorted()
  precondition(
    Set(resolved).count == resolved.count, "\(op): axes \(axes) repeat an axis of shape \(shape)")
  return resolved
}

/// The extents before, at and after `axis`: a tensor viewed as (outer, extent, inner), where
/// consecutive entries along the axis are `inner` scalars apart.
func splitAround(axis: Int, of shape: [Int]) -> (outer: Int, extent: Int, inner: Int) {
  (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
}
