import StateSpace

extension Gradients {
  /// The Euclidean norm of all parameter gradients taken together, √(Σ‖gᵢ‖²).
  ///
  /// The squares are accumulated in `Double`, and the per-tensor sums are added in increasing
  /// order, so the result does not depend on the order in which the gradients are stored.
  public var globalNorm: Double {
    var squares = parameters.values.map(UpdateNorms.sumOfSquares)
    squares.sort()
    return squares.reduce(0, +).squareRoot()
  }

  /// Scales every parameter gradient by the same factor so that their global norm is at most
  /// `maxNorm` (PyTorch's `clip_grad_norm_`: factor `maxNorm / (norm + 10⁻⁶)` when below 1).
  ///
  /// Gradients whose norm is not finite are left unchanged: the caller decides what a NaN
  /// means (``Optimizer/minimize(_:on:clippingNormTo:loss:)`` reports it as an error).
  ///
  /// - Parameter maxNorm: The largest global norm allowed (> 0).
  /// - Returns: The global norm before clipping.
  @discardableResult
  public mutating func clipByGlobalNorm(_ maxNorm: Double) -> Double {
    precondition(maxNorm > 0, "Gradients.clipByGlobalNorm: maxNorm \(maxNorm) must be positive")
    let norm = globalNorm
    let factor = maxNorm / (norm + 1e-6)
    guard norm.isFinite, factor < 1 else { return norm }
    for index in parameters.values.indices {
      UpdateNorms.scale(&parameters.values[index], by: factor)
    }
    return norm
  }
}

/// The reductions and scalings behind gradient clipping.
enum UpdateNorms {
  /// Σ xᵢ² in `Double`, over eight independent partial sums.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func sumOfSquares<Scalar: DifferentiableScalar>(_ tensor: Tensor<Scalar>) -> Double {
    tensor.withUnsafeBufferPointer { x in
      var partial = SIMD8<Double>()
      let blocked = x.count / 8 * 8
      var i = 0
      while i < blocked {
        for lane in 0..<8 {
          let value = Double(x[i + lane])
          partial[lane] += value * value
        }
        i += 8
      }
      var total = partial.sum()
      while i < x.count {
        let value = Double(x[i])
        total += value * value
        i += 1
      }
      return total
    }
  }

  /// `tensor ← factor · tensor`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func scale<Scalar: DifferentiableScalar>(_ tensor: inout Tensor<Scalar>, by factor: Double) {
    let s = Scalar(factor)
    tensor.withUnsafeMutableBufferPointer { x in
      for i in x.indices { x[i] *= s }
    }
  }
}
