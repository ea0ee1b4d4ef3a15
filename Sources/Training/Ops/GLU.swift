import StateSpace
import _FFTKernels

// The gated linear unit: the input is split in two halves a, b along an axis and the output is
// a·σ(b). Viewed as (outer, 2·half, inner) around the axis, each outer block holds a then b as
// contiguous runs of half·inner scalars: the row layout of the C loops (ElementwiseKernels.h)
// with rows = outer and half = half·inner. Pullback: ∂a = g·σ(b), ∂b = g·a·σ(b)(1 − σ(b)).

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
        let shared = UncheckedSendable((x, y))
        Parallel.forEachChunk(of: outer, minimumChunk: Swift.max(1, parallelGrain / block)) { range in
          let (x, y) = shared.value
          let (xo, yo) = (2 * range.lowerBound * block, range.lowerBound * block)
          if Scalar.self == Float.self {
            s4ew_glu_f32(asFloat(x + xo), range.count, block, asFloat(y + yo))
          } else {
            s4ew_glu_f64(asDouble(x + xo), range.count, block, asDouble(y + yo))
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
            let shared = UncheckedSendable((x, g, dx))
            Parallel.forEachChunk(of: outer, minimumChunk: Swift.max(1, parallelGrain / block)) { range in
              let (x, g, dx) = shared.value
              let (xo, go) = (2 * range.lowerBound * block, range.lowerBound * block)
              if Scalar.self == Float.self {
                s4ew_glu_backward_f32(asFloat(x + xo), asFloat(g + go), range.count, block, asFloat(dx + xo))
              } else {
                s4ew_glu_backward_f64(asDouble(x + xo), asDouble(g + go), range.count, block, asDouble(dx + xo))
              }
            }
          })
        }
      }
      return [dx.reshaped(to: x.shape)]
    }
  }
}
