import RealModule
import StateSpace

// The gated linear unit: the input is split in two halves a, b along an axis and the output is
// a·σ(b). Viewed as (outer, 2·half, inner) around the axis, each outer block holds a then b as
// contiguous runs of half·inner scalars. Pullback: ∂a = g·σ(b), ∂b = g·a·σ(b)(1 − σ(b)).

extension Tensor where Scalar: DifferentiableScalar {
  /// The GLU geometry: (outer, half·inner) of a split along `axis`.
  func gluBlocks(alongAxis axis: Int) -> (axis: Int, outer: Int, block: Int) {
    let axis = resolvedAxis(axis, shape: shape, op: "glu")
    precondition(
      shape[axis] % 2 == 0, "glu: axis \(axis) of shape \(shape) has an odd extent \(shape[axis])")
    let (outer, extent, inner) = splitAround(axis: axis, of: shape)
    return (axis, outer, extent / 2 * inner)
  }

  /// GLU: the first half along `axis` gated by the sigmoid of the second half, a·σ(b).
  ///
  /// - Parameter axis: The axis to split (even extent); negative values count from the end.
  ///   S4's output layer maps H → 2H with a linear layer and applies GLU along the last axis.
  /// - Returns: The shape of `self` with half the extent along `axis`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func glu(alongAxis axis: Int = -1) -> Tensor {
    let (axis, outer, block) = gluBlocks(alongAxis: axis)
    var resultShape = shape
    resultShape[axis] /= 2
    return withUnsafeBufferPointer { x in
      Tensor(shape: resultShape, unsafeUninitializedScalars: { y in
        guard let x = x.baseAddress, let y = y.baseAddress, block > 0 else { return }
        Parallel.forEachChunk(of: outer, minimumChunk: Swift.max(1, parallelGrain / block)) {
          range in
          for o in range {
            let (a, b, out) = (x + 2 * o * block, x + (2 * o + 1) * block, y + o * block)
            for j in 0..<block { out[j] = a[j] * logistic(b[j]) }
          }
        }
      })
    }
  }
}

extension Variable {
  /// GLU: the first half along `axis` gated by the sigmoid of the second half, a·σ(b);
  /// pullback ∂a = g·σ(b), ∂b = g·a·σ(b)(1 − σ(b)).
  ///
  /// - Parameter axis: The axis to split (even extent); negative values count from the end.
  /// - Returns: The shape of `self` with half the extent along `axis`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func glu(alongAxis axis: Int = -1) -> Variable {
    let x = value
    let (_, outer, block) = x.gluBlocks(alongAxis: axis)
    return Variable.record(x.glu(alongAxis: axis), inputs: [self]) { g in
      let dx = x.withUnsafeBufferPointer { x in
        g.withUnsafeBufferPointer { g in
          Tensor<Scalar>(shape: [x.count], unsafeUninitializedScalars: { dx in
            guard let x = x.baseAddress, let g = g.baseAddress, let dx = dx.baseAddress, block > 0
            else { return }
            Parallel.forEachChunk(of: outer, minimumChunk: Swift.max(1, parallelGrain / block)) {
              range in
              for o in range {
                let (a, b, upstream) = (x + 2 * o * block, x + (2 * o + 1) * block, g + o * block)
                let (da, db) = (dx + 2 * o * block, dx + (2 * o + 1) * block)
                for j in 0..<block {
                  let s = logistic(b[j])
                  da[j] = upstream[j] * s
                  db[j] = upstream[j] * a[j] * s * (1 - s)
                }
              }
            }
          })
        }
      }
      return [dx.reshaped(to: x.shape)]
    }
  }
}
