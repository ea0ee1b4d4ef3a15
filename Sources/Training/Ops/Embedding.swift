import StateSpace

// Embedding lookup: row i of the output is row indices[i] of a (V, D) table. The pullback
// scatter-adds each output row's gradient into the row it came from, so a token that appears
// several times accumulates all its gradients.

extension Tensor where Scalar: DifferentiableScalar {
  /// Checks that `indices` address rows of this (V, D) table.
  func checkRowIndices(_ indices: Tensor<Int>, op: StaticString) {
    precondition(rank == 2, "\(op): the table must have shape (V, D), got \(shape)")
    let rows = shape[0]
    for index in indices.scalars {
      precondition(
        index >= 0 && index < rows, "\(op): index \(index) is outside 0..<\(rows) (table \(shape))")
    }
  }

  /// The rows of this (V, D) table at `indices`: an embedding lookup.
  ///
  /// - Parameter indices: (…) row indices in 0..<V, for example token ids of shape (B, L).
  /// - Returns: (…, D), for example (B, L, D).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func gatheringRows(at indices: Tensor<Int>) -> Tensor {
    checkRowIndices(indices, op: "gatheringRows(at:)")
    let width = shape[1]
    return withUnsafeBufferPointer { table in
      indices.withUnsafeBufferPointer { indices in
        Tensor(shape: [indices.count, width],
          unsafeUninitializedScalars: { y in
            guard let table = table.baseAddress, let y = y.baseAddress, width > 0 else { return }
            Parallel.forEachChunk(of: indices.count, minimumChunk: Swift.max(1, parallelGrain / width)) {
              range in
              for i in range {
                (y + i * width).initialize(from: table + indices[i] * width, count: width)
              }
            }
          })
      }
    }.reshaped(to: indices.shape + [width])
  }

  /// Adds row i of this (N, D) tensor into row `indices[i]` of a zero (V, D) tensor: the
  /// adjoint of ``gatheringRows(at:)``.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func scatteringRows(at indices: Tensor<Int>, tableShape: [Int]) -> Tensor {
    let width = tableShape[1]
    var table = Tensor(shape: tableShape, repeating: 0)
    withUnsafeBufferPointer { rows in
      indices.withUnsafeBufferPointer { indices in
        table.withUnsafeMutableBufferPointer { table in
          guard let rows = rows.baseAddress, let table = table.baseAddress else { return }
          for i in indices.indices {
            let (source, destination) = (rows + i * width, table + indices[i] * width)
            for j in 0..<width { destination[j] += source[j] }
          }
        }
      }
    }
    return table
  }
}

extension Variable {
  /// The rows of this (V, D) table at `indices`: an embedding lookup. The pullback adds each
  /// output row's gradient into the table row it came from (repeated indices accumulate).
  ///
  /// - Parameter indices: (…) row indices in 0..<V, for example token ids of shape (B, L).
  /// - Returns: (…, D).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func gatheringRows(at indices: Tensor<Int>) -> Variable {
    let tableShape = shape
    return Variable.record(value.gatheringRows(at: indices), inputs: [self]) { g in
      [g.scatteringRows(at: indices, tableShape: tableShape)]
    }
  }
}
