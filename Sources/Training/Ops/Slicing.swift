import StateSpace

// Slices and concatenation along one axis. Viewing a tensor as (outer, extent, inner) around
// the axis, a slice is `outer` contiguous blocks of `count·inner` scalars, so both ops are block
// copies. They are each other's pullback: the gradient of a slice is the gradient placed into
// zeros of the input's shape, and the gradient of a concatenation is sliced back apart.

extension Tensor where Scalar: DifferentiableScalar {
  /// Copies `outer` blocks of `block` scalars from `source` (every `sourceStride` scalars)
  /// to `destination` (every `destinationStride` scalars), on all cores when large.
  @inline(__always)
  static func copyBlocks(
    outer: Int, block: Int, from source: UnsafePointer<Scalar>, sourceStride: Int,
    to destination: UnsafeMutablePointer<Scalar>, destinationStride: Int
  ) {
    guard block > 0 else { return }
    Parallel.forEachChunk(of: outer, minimumChunk: Swift.max(1, parallelGrain / block)) { range in
      for o in range {
        (destination + o * destinationStride).initialize(from: source + o * sourceStride, count: block)
      }
    }
  }

  /// The entries `range` along `axis`.
  ///
  /// - Parameters:
  ///   - range: A range within `0..<shape[axis]`.
  ///   - axis: The axis to slice; negative values count from the end.
  /// - Returns: The shape of `self` with `range.count` along `axis`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func slice(_ range: Range<Int>, alongAxis axis: Int) -> Tensor {
    let axis = resolvedAxis(axis, shape: shape, op: "slice")
    precondition(
      range.lowerBound >= 0 && range.upperBound <= shape[axis],
      "slice: range \(range) is outside 0..<\(shape[axis]) along axis \(axis) of shape \(shape)")
    let (outer, extent, inner) = splitAround(axis: axis, of: shape)
    var resultShape = shape
    resultShape[axis] = range.count
    if range.count == extent { return self }
    return withUnsafeBufferPointer { x in
      Tensor(shape: resultShape, unsafeUninitializedScalars: { y in
        guard let x = x.baseAddress, let y = y.baseAddress else { return }
        Tensor.copyBlocks(
          outer: outer, block: range.count * inner, from: x + range.lowerBound * inner,
          sourceStride: extent * inner, to: y, destinationStride: range.count * inner)
      })
    }
  }

  /// Tensors joined along `axis`; all other extents must agree.
  ///
  /// - Parameters:
  ///   - parts: At least one tensor.
  ///   - axis: The axis to join along; negative values count from the end.
  /// - Returns: The common shape with the sum of the parts' extents along `axis`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func concatenate(_ parts: [Tensor], alongAxis axis: Int) -> Tensor {
    precondition(!parts.isEmpty, "concatenate: no tensors to join")
    let axis = resolvedAxis(axis, shape: parts[0].shape, op: "concatenate")
    let first = parts[0].shape
    for part in parts {
      precondition(
        part.rank == first.count
          && part.shape.indices.allSatisfy { $0 == axis || part.shape[$0] == first[$0] },
        "concatenate: shapes \(parts.map(\.shape)) differ outside axis \(axis)")
    }
    var resultShape = first
    resultShape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
    let (outer, extent, inner) = splitAround(axis: axis, of: resultShape)
    return Tensor(shape: resultShape, unsafeUninitializedScalars: { y in
      guard let y = y.baseAddress else { return }
      var start = 0
      for part in parts {
        let count = part.shape[axis]
        part.withUnsafeBufferPointer { x in
          guard let x = x.baseAddress else { return }
          copyBlocks(
            outer: outer, block: count * inner, from: x, sourceStride: count * inner,
            to: y + start * inner, destinationStride: extent * inner)
        }
        start += count
      }
    })
  }

  /// This tensor placed at `range` along `axis` of a zero tensor of `shape`: the adjoint of
  /// ``slice(_:alongAxis:)``.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func embedded(in shape: [Int], at range: Range<Int>, alongAxis axis: Int) -> Tensor {
    let (outer, extent, inner) = splitAround(axis: axis, of: shape)
    var result = Tensor(shape: shape, repeating: 0)
    withUnsafeBufferPointer { x in
      result.withUnsafeMutableBufferPointer { y in
        guard let x = x.baseAddress, let y = y.baseAddress else { return }
        Tensor.copyBlocks(
          outer: outer, block: range.count * inner, from: x, sourceStride: range.count * inner,
          to: y + range.lowerBound * inner, destinationStride: extent * inner)
      }
    }
    return result
  }
}

extension Variable {
  /// The entries `range` along `axis`; the pullback places the gradient into zeros of the
  /// input's shape.
  ///
  /// - Parameters:
  ///   - range: A range within `0..<shape[axis]`.
  ///   - axis: The axis to slice; negative values count from the end.
  /// - Returns: The shape of `self` with `range.count` along `axis`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func slice(_ range: Range<Int>, alongAxis axis: Int) -> Variable {
    let fullShape = shape
    let output = value.slice(range, alongAxis: axis)
    let axis = resolvedAxis(axis, shape: fullShape, op: "slice")
    return Variable.record(output, inputs: [self]) { g in
      [g.embedded(in: fullShape, at: range, alongAxis: axis)]
    }
  }

  /// Variables joined along `axis`; the pullback slices the gradient back apart.
  ///
  /// - Parameters:
  ///   - parts: At least one variable; all extents other than `axis` must agree.
  ///   - axis: The axis to join along; negative values count from the end.
  /// - Returns: The common shape with the sum of the parts' extents along `axis`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func concatenate(_ parts: [Variable], alongAxis axis: Int) -> Variable {
    let output = Tensor.concatenate(parts.map(\.value), alongAxis: axis)
    let axis = resolvedAxis(axis, shape: output.shape, op: "concatenate")
    let extents = parts.map { $0.shape[axis] }
    let needed = parts.map(\.requiresGradient)
    return record(output, inputs: parts) { g in
      var start = 0
      return extents.indices.map { index in
        defer { start += extents[index] }
        return needed[index] ? g.slice(start..<(start + extents[index]), alongAxis: axis) : nil
      }
    }
  }
}
