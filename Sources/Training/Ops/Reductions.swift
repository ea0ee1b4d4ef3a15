import StateSpace

/// The sum of `count` contiguous scalars, with eight independent partial sums (so the adds
/// pipeline and vectorise, and rounding error grows more slowly than with one running sum).
@inline(__always)
func contiguousSum<Scalar: DifferentiableScalar>(_ x: UnsafePointer<Scalar>, count: Int) -> Scalar {
  var (s0, s1, s2, s3, s4, s5, s6, s7) = (Scalar.zero, Scalar.zero, Scalar.zero, Scalar.zero,
    Scalar.zero, Scalar.zero, Scalar.zero, Scalar.zero)
  var i = 0
  while i + 8 <= count {
    s0 += x[i]
    s1 += x[i + 1]
    s2 += x[i + 2]
    s3 += x[i + 3]
    s4 += x[i + 4]
    s5 += x[i + 5]
    s6 += x[i + 6]
    s7 += x[i + 7]
    i += 8
  }
  while i < count {
    s0 += x[i]
    i += 1
  }
  return ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7))
}

extension Tensor where Scalar: DifferentiableScalar {
  /// The sum over the axes along which a tensor of `shape` would be broadcast to this tensor's
  /// shape: the one reduction every broadcasting op's pullback uses to return a gradient to its
  /// operand's shape.
  ///
  /// For example a gradient of shape (B, L, H) summed to (H) gives the bias gradient, and to
  /// (B, L, 1) the gradient of a per-position scale.
  ///
  /// - Parameter shape: A shape that broadcasts to `self.shape` (it may have fewer axes).
  /// - Returns: A tensor of `shape`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func summed(toShape shape: [Int]) -> Tensor {
    if self.shape == shape { return self }
    // The output plays the broadcast operand: its strides are 0 along the summed axes.
    guard let layout = BroadcastLayout(lhs: shape, rhs: self.shape), layout.shape == self.shape
    else {
      preconditionFailure("summed(toShape:): shape \(shape) does not broadcast to \(self.shape)")
    }
    var result = Tensor(shape: shape, repeating: 0)
    let (n, rows, count) = (layout.innerCount, layout.rowCount, result.scalarCount)
    guard scalarCount > 0 else { return result }
    let chunks = Swift.min(Parallel.workerCount, Swift.max(1, scalarCount / parallelGrain))
    withUnsafeBufferPointer { source in
      let source = source.baseAddress!
      // Adds rows `rows` of the source into `output`.
      func accumulate(_ rows: Range<Int>, into output: UnsafeMutablePointer<Scalar>) {
        layout.forEachRow(in: rows) { _, outputOffset, sourceOffset in
          if layout.lhsInnerStride == 1 {
            let (y, x) = (output + outputOffset, source + sourceOffset)
            for j in 0..<n { y[j] += x[j] }
          } else {
            output[outputOffset] += contiguousSum(source + sourceOffset, count: n)
          }
        }
      }
      result.withUnsafeMutableBufferPointer { output in
        let output = output.baseAddress!
        if chunks == 1 {
          accumulate(0..<rows, into: output)
        } else if rows == 1 {
          // One long run summed to one scalar: partial sums per core, then their sum.
          var partials = [Scalar](repeating: 0, count: chunks)
          partials.withUnsafeMutableBufferPointer { partials in
            let partials = partials
            Parallel.forEachChunk(of: chunks) { range in
              for c in range {
                let start = n * c / chunks
                partials[c] = contiguousSum(source + start, count: n * (c + 1) / chunks - start)
              }
            }
          }
          output[0] = partials.reduce(0, +)
        } else if let first = layout.outerExtents.first, layout.lhsOuterStrides[0] != 0,
          first >= chunks
        {
          // The outermost axis is kept: its entries write disjoint outputs, split them.
          let rowsPerEntry = rows / first
          Parallel.forEachChunk(of: first) { entries in
            accumulate(
              (entries.lowerBound * rowsPerEntry)..<(entries.upperBound * rowsPerEntry),
              into: output)
          }
        } else if count * (chunks - 1) <= scalarCount / 4 {
          // A small output: each core sums its rows into its own copy, then the copies add.
          var copies = [Scalar](repeating: 0, count: count * (chunks - 1))
          copies.withUnsafeMutableBufferPointer { copies in
            let copies = copies
            Parallel.forEachChunk(of: chunks) { range in
              for c in range {
                let target = c == 0 ? output : copies.baseAddress! + (c - 1) * count
                accumulate((rows * c / chunks)..<(rows * (c + 1) / chunks), into: target)
              }
            }
            for c in 1..<chunks {
              let copy = copies.baseAddress! + (c - 1) * count
              for j in 0..<count { output[j] += copy[j] }
            }
          }
        } else {
          accumulate(0..<rows, into: output)
        }
      }
    }
    return result
  }

  /// The sum over `axes`.
  ///
  /// - Parameters:
  ///   - axes: The axes to sum over; negative values count from the end.
  ///   - keepingDimensions: Keep the summed axes with extent 1 (for broadcasting back).
  /// - Returns: The shape without the summed axes, or with extent 1 there.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func sum(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
    let (kept, dropped) = reducedShapes(alongAxes: axes, op: "sum(alongAxes:)")
    let total = summed(toShape: kept)
    return keepingDimensions ? total : total.reshaped(to: dropped)
  }

  /// The mean over `axes`.
  ///
  /// - Parameters:
  ///   - axes: The axes to average over; negative values count from the end.
  ///   - keepingDimensions: Keep the averaged axes with extent 1 (for broadcasting back).
  /// - Returns: The shape without the averaged axes, or with extent 1 there.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func mean(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
    let (kept, dropped) = reducedShapes(alongAxes: axes, op: "mean(alongAxes:)")
    let count = scalarCount / Swift.max(Tensor.scalarCount(of: kept), 1)
    let total = summed(toShape: kept).applying(Scaling(factor: 1 / Scalar(Swift.max(count, 1))))
    return keepingDimensions ? total : total.reshaped(to: dropped)
  }

  /// The sum of all scalars.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func sum() -> Scalar {
    summed(toShape: []).scalars[0]
  }

  /// The mean of all scalars (NaN for an empty tensor).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func mean() -> Scalar {
    sum() / Scalar(scalarCount)
  }

  /// The shape with extent 1 along `axes`, and the shape without them.
  func reducedShapes(alongAxes axes: [Int], op: StaticString) -> (kept: [Int], dropped: [Int]) {
    let axes = resolvedAxes(axes, shape: shape, op: op)
    var kept = shape
    for axis in axes { kept[axis] = 1 }
    let dropped = shape.indices.filter { !axes.contains($0) }.map { shape[$0] }
    return (kept, dropped)
  }
}

extension Variable {
  /// The sum over `axes`; the pullback broadcasts the gradient back over them.
  ///
  /// - Parameters:
  ///   - axes: The axes to sum over; negative values count from the end.
  ///   - keepingDimensions: Keep the summed axes with extent 1.
  /// - Returns: The shape without the summed axes, or with extent 1 there.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func sum(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Variable {
    let inputShape = shape
    let (kept, _) = value.reducedShapes(alongAxes: axes, op: "sum(alongAxes:)")
    let output = value.sum(alongAxes: axes, keepingDimensions: keepingDimensions)
    return Variable.record(output, inputs: [self]) { g in
      [g.reshaped(to: kept).broadcast(toShape: inputShape)]
    }
  }

  /// The mean over `axes`; the pullback broadcasts the gradient, divided by the number of
  /// averaged scalars, back over them.
  ///
  /// - Parameters:
  ///   - axes: The axes to average over; negative values count from the end.
  ///   - keepingDimensions: Keep the averaged axes with extent 1.
  /// - Returns: The shape without the averaged axes, or with extent 1 there.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func mean(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Variable {
    let inputShape = shape
    let (kept, _) = value.reducedShapes(alongAxes: axes, op: "mean(alongAxes:)")
    let scale = 1 / Scalar(Swift.max(value.scalarCount / Swift.max(Tensor<Scalar>.scalarCount(of: kept), 1), 1))
    let output = value.mean(alongAxes: axes, keepingDimensions: keepingDimensions)
    return Variable.record(output, inputs: [self]) { g in
      [g.applying(Scaling(factor: scale)).reshaped(to: kept).broadcast(toShape: inputShape)]
    }
  }

  /// The sum of all scalars, as a variable of shape `[]`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func sum() -> Variable {
    let inputShape = shape
    return Variable.record(Tensor(shape: [], scalars: [value.sum()]), inputs: [self]) { g in
      [g.broadcast(toShape: inputShape)]
    }
  }

  /// The mean of all scalars, as a variable of shape `[]`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func mean() -> Variable {
    let inputShape = shape
    let scale = 1 / Scalar(value.scalarCount)
    return Variable.record(Tensor(shape: [], scalars: [value.mean()]), inputs: [self]) { g in
      [Tensor(shape: inputShape, repeating: g.scalars[0] * scale)]
    }
  }
}
