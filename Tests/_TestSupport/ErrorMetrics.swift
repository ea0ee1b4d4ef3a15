import Numerics
import StateSpace

/// The largest |a − b| over two equally long sequences.
public func maxAbsoluteError<A: BinaryFloatingPoint, B: BinaryFloatingPoint>(
  _ a: [A], _ b: [B]
) -> Double {
  precondition(a.count == b.count, "maxAbsoluteError: lengths \(a.count) and \(b.count) differ")
  var worst = 0.0
  for (x, y) in zip(a, b) { worst = max(worst, abs(Double(x) - Double(y))) }
  return worst
}

/// max |a − b| / max |b|: the error relative to the reference's scale (robust to entries of b
/// near zero).
public func relativeError<A: BinaryFloatingPoint, B: BinaryFloatingPoint>(
  _ a: [A], reference b: [B]
) -> Double {
  let scale = b.reduce(0.0) { max($0, abs(Double($1))) }
  return maxAbsoluteError(a, b) / max(scale, .leastNormalMagnitude)
}

/// max |a − b| / max |b| for complex sequences.
public func relativeError(_ a: [Complex<Double>], reference b: [Complex<Double>]) -> Double {
  precondition(a.count == b.count, "relativeError: lengths \(a.count) and \(b.count) differ")
  var worst = 0.0
  var scale = 0.0
  for (x, y) in zip(a, b) {
    worst = max(worst, (x - y).length)
    scale = max(scale, y.length)
  }
  return worst / max(scale, .leastNormalMagnitude)
}
