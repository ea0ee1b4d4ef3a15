import RealModule
import StateSpace
import _FFTKernels

// softmax(x)_i = e^{x_i − m} / Σ_j e^{x_j − m} and log-softmax(x)_i = x_i − m − log Σ_j e^{x_j − m}
// along one axis, with m the maximum along it: every exponent is ≤ 0, so the sum lies in
// [1, n] and both are finite for any finite logits (±1e4 included).
// Pullbacks, per line along the axis:
//   y = softmax(x):      ∂x = y ⊙ (g − ⟨g, y⟩)
//   y = log-softmax(x):  ∂x = g − softmax(x)·Σ g = g − e^y·Σ g
// Lines are contiguous when the axis is the last one; another axis is moved last first (an
// axis permutation before and after), which is rare in sequence models. Float rows run in C
// (_FFTKernels/NormalizationRows.c: AVX-512, AVX2 or baseline chosen at load time); Double
// rows, used by the gradient checks, in the Swift loops below with libm's exp.

extension Tensor where Scalar: DifferentiableScalar {
  /// softmax or log-softmax of every contiguous row of length `n`.
  @inline(__always)
  func normalizedExponentialRows(logarithm: Bool) -> Tensor {
    let n = shape.last ?? 1
    return withUnsafeBufferPointer { x in
      Tensor(shape: shape, unsafeUninitializedScalars: { y in
        guard let x = x.baseAddress, let y = y.baseAddress, n > 0 else { return }
        Parallel.forEachChunk(of: scalarCount / n, minimumChunk: Swift.max(1, parallelGrain / n)) {
          rows in
          if Scalar.self == Float.self {
            let offset = rows.lowerBound * n
            s4norm_softmax_rows_f32(
              asFloat(x + offset), rows.count, n, logarithm ? 1 : 0, asFloat(y + offset))
            return
          }
          for row in rows {
            let (line, out) = (x + row * n, y + row * n)
            var maximum = -Scalar.infinity
            for j in 0..<n { maximum = Swift.max(maximum, line[j]) }
            // Exponentials first (a loop the compiler vectorises), then their sum.
            for j in 0..<n { out[j] = exponential(line[j] - maximum) }
            let total = contiguousSum(out, count: n)
            if logarithm {
              let shift = maximum + Scalar.log(total)
              for j in 0..<n { out[j] = line[j] - shift }
            } else {
              let scale = 1 / total
              for j in 0..<n { out[j] *= scale }
            }
          }
        }
      })
    }
  }

  /// The permutation that moves `axis` last (and, applied again inverted, back).
  func movingLast(_ axis: Int) -> (forward: [Int], backward: [Int]) {
    var forward = Array(0..<rank)
    forward.remove(at: axis)
    forward.append(axis)
    var backward = forward
    for (index, source) in forward.enumerated() { backward[source] = index }
    return (forward, backward)
  }

  /// softmax along `axis`: e^{x − max} / Σ e^{x − max}, finite for any finite logits.
  ///
  /// - Parameter axis: The axis to normalise; negative values count from the end.
  /// - Returns: A tensor of the same shape whose lines along `axis` sum to 1.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func softmax(alongAxis axis: Int = -1) -> Tensor {
    let axis = resolvedAxis(axis, shape: shape, op: "softmax")
    if axis == rank - 1 { return normalizedExponentialRows(logarithm: false) }
    let (forward, backward) = movingLast(axis)
    return permuted(forward).normalizedExponentialRows(logarithm: false).permuted(backward)
  }

  /// log-softmax along `axis`: x − max − log Σ e^{x − max}, finite for any finite logits.
  ///
  /// - Parameter axis: The axis to normalise; negative values count from the end.
  /// - Returns: A tensor of the same shape.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func logSoftmax(alongAxis axis: Int = -1) -> Tensor {
    let axis = resolvedAxis(axis, shape: shape, op: "logSoftmax")
    if axis == rank - 1 { return normalizedExponentialRows(logarithm: true) }
    let (forward, backward) = movingLast(axis)
    return permuted(forward).normalizedExponentialRows(logarithm: true).permuted(backward)
  }

  /// The pullback of softmax (`logarithm == false`, y the softmax) or log-softmax (y the
  /// log-softmax) over contiguous rows.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func normalizedExponentialRowsPullback(output y: Tensor, logarithm: Bool) -> Tensor {
    let n = shape.last ?? 1
    return withUnsafeBufferPointer { g in
      y.withUnsafeBufferPointer { y in
        Tensor(shape: shape, unsafeUninitializedScalars: { dx in
          guard let g = g.baseAddress, let y = y.baseAddress, let dx = dx.baseAddress, n > 0
          else { return }
          Parallel.forEachChunk(of: scalarCount / n, minimumChunk: Swift.max(1, parallelGrain / n)) {
            rows in
            if Scalar.self == Float.self {
              let offset = rows.lowerBound * n
              s4norm_softmax_rows_backward_f32(
                asFloat(g + offset), asFloat(y + offset), rows.count, n, logarithm ? 1 : 0,
                asFloat(dx + offset))
              return
            }
            for row in rows {
              let (gLine, yLine, out) = (g + row * n, y + row * n, dx + row * n)
              if logarithm {
                var total: Scalar = 0
                for j in 0..<n { total += gLine[j] }
                for j in 0..<n { out[j] = gLine[j] - exponential(yLine[j]) * total }
              } else {
                var dot: Scalar = 0
                for j in 0..<n { dot += gLine[j] * yLine[j] }
                for j in 0..<n { out[j] = yLine[j] * (gLine[j] - dot) }
              }
            }
          }
        })
      }
    }
  }
}

extension Variable {
  /// softmax along `axis`; pullback y ⊙ (g − ⟨g, y⟩) along the axis.
  ///
  /// - Parameter axis: The axis to normalise; negative values count from the end.
  /// - Returns: A variable of the same shape whose lines along `axis` sum to 1.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func softmax(alongAxis axis: Int = -1) -> Variable {
    normalizedExponentials(alongAxis: axis, logarithm: false)
  }

  /// log-softmax along `axis`; pullback g − softmax(x)·Σ g along the axis.
  ///
  /// - Parameter axis: The axis to normalise; negative values count from the end.
  /// - Returns: A variable of the same shape.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func logSoftmax(alongAxis axis: Int = -1) -> Variable {
    normalizedExponentials(alongAxis: axis, logarithm: true)
  }

  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func normalizedExponentials(alongAxis axis: Int, logarithm: Bool) -> Variable {
    let axis = resolvedAxis(axis, shape: shape, op: logarithm ? "logSoftmax" : "softmax")
    guard axis == rank - 1 else {
      let (forward, backward) = value.movingLast(axis)
      return permuted(forward).normalizedExponentials(alongAxis: -1, logarithm: logarithm)
        .permuted(backward)
    }
    let y = value.normalizedExponentialRows(logarithm: logarithm)
    return Variable.record(y, inputs: [self]) { g in
      [g.normalizedExponentialRowsPullback(output: y, logarithm: logarithm)]
    }
  }
}
