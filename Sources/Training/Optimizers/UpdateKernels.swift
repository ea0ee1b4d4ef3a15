import StateSpace

/// The elementwise update loops of the optimizers, specialised for `Float` and `Double`.
///
/// Each loop reads and writes contiguous buffers once, with the per-tensor constants hoisted
/// out and converted to the scalar type; tensors above ``parallelMinimum`` scalars are split
/// across the cores. Inside a chunk the captured pointers and constants are copied to locals
/// first (otherwise every store through a pointer forces them to be reloaded, and the loop
/// does not vectorise), and a zero L2 penalty selects a loop without it rather than being
/// multiplied in, so that it never turns an infinite parameter into a NaN gradient.
enum UpdateKernels {
  /// Below this many scalars per chunk an update runs on the calling thread.
  static let parallelMinimum = 1 << 15

  /// Plain gradient descent with an L2 penalty: `p ← p − η·(g + λ·p)`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func gradientDescent<Scalar: DifferentiableScalar>(
    _ value: inout Tensor<Scalar>, gradient: Tensor<Scalar>, learningRate: Double,
    weightDecay: Double
  ) {
    let eta = Scalar(learningRate)
    let lambda = Scalar(weightDecay)
    let penalised = weightDecay != 0
    value.withUnsafeMutableBufferPointer { valueBuffer in
      gradient.withUnsafeBufferPointer { gradientBuffer in
        let count = valueBuffer.count
        guard count > 0 else { return }
        let (p, g) = (valueBuffer.baseAddress!, gradientBuffer.baseAddress!)
        Parallel.forEachChunk(of: count, minimumChunk: parallelMinimum) { range in
          let (p, g, eta, lambda) = (p, g, eta, lambda)
          if penalised {
            for i in range { p[i] -= eta * (g[i] + lambda * p[i]) }
          } else {
            for i in range { p[i] -= eta * g[i] }
          }
        }
      }
    }
  }

  /// Gradient descent with heavy-ball or Nesterov momentum (PyTorch's `SGD`, no dampening):
  /// `d = g + λ·p`, `b ← μ·b + d`, `p ← p − η·b` (heavy ball) or `p ← p − η·(d + μ·b)`
  /// (Nesterov). A zero buffer makes the first step `b = d`, as in PyTorch.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func momentumDescent<Scalar: DifferentiableScalar>(
    _ value: inout Tensor<Scalar>, gradient: Tensor<Scalar>, buffer: inout Tensor<Scalar>,
    learningRate: Double, momentum: Double, weightDecay: Double, nesterov: Bool
  ) {
    let eta = Scalar(learningRate)
    let mu = Scalar(momentum)
    let lambda = Scalar(weightDecay)
    let penalised = weightDecay != 0
    value.withUnsafeMutableBufferPointer { valueBuffer in
      gradient.withUnsafeBufferPointer { gradientBuffer in
        buffer.withUnsafeMutableBufferPointer { momentumBuffer in
          let count = valueBuffer.count
          guard count > 0 else { return }
          let (p, g, b) = (valueBuffer.baseAddress!, gradientBuffer.baseAddress!, momentumBuffer.baseAddress!)
          Parallel.forEachChunk(of: count, minimumChunk: parallelMinimum) { range in
            let (p, g, b, eta, mu, lambda) = (p, g, b, eta, mu, lambda)
            switch (penalised, nesterov) {
            case (false, false):
              for i in range {
                let velocity = mu * b[i] + g[i]
                b[i] = velocity
                p[i] -= eta * velocity
              }
            case (false, true):
              for i in range {
                let direction = g[i]
                let velocity = mu * b[i] + direction
                b[i] = velocity
                p[i] -= eta * (direction + mu * velocity)
              }
            case (true, false):
              for i in range {
                let velocity = mu * b[i] + (g[i] + lambda * p[i])
                b[i] = velocity
                p[i] -= eta * velocity
              }
            case (true, true):
              for i in range {
                let direction = g[i] + lambda * p[i]
                let velocity = mu * b[i] + direction
                b[i] = velocity
                p[i] -= eta * (direction + mu * velocity)
              }
            }
          }
        }
      }
    }
  }

  /// The per-tensor constants of one Adam step.
  struct AdamConstants {
    /// η / (1 − β₁ᵗ): the learning rate with the first moment's bias correction folded in.
    var stepSize: Double
    /// 1 / √(1 − β₂ᵗ): the second moment's bias correction, applied to √v.
    var inverseSecondCorrection: Double
    var beta1: Double
    var beta2: Double
    var epsilon: Double
    /// λ of the L2 penalty added to the gradient (Adam); 0 for AdamW.
    var gradientPenalty: Double
    /// 1 − η·λ, the decoupled weight decay (AdamW); 1 for Adam.
    var decay: Double

    /// The constants of step `t` (counting from 1).
    init(
      step t: Int, learningRate: Double, beta1: Double, beta2: Double, epsilon: Double,
      weightDecay: Double, decoupled: Bool
    ) {
      stepSize = learningRate / (1 - beta1.raised(toPower: t))
      inverseSecondCorrection = 1 / (1 - beta2.raised(toPower: t)).squareRoot()
      self.beta1 = beta1
      self.beta2 = beta2
      self.epsilon = epsilon
      gradientPenalty = decoupled ? 0 : weightDecay
      decay = decoupled ? 1 - learningRate * weightDecay : 1
    }
  }

  /// One Adam or AdamW step (Kingma & Ba, Algorithm 1; Loshchilov & Hutter, Algorithm 2):
  /// `g ← g + λ·p` (Adam's L2), `p ← (1 − ηλ)·p` (AdamW's decay), `m ← β₁m + (1 − β₁)g`,
  /// `v ← β₂v + (1 − β₂)g²`, `p ← p − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)`.
  ///
  /// The bulk runs on SSE lanes (``AdamLanes``) where available; this loop does the rest with
  /// the same operations in the same order, so both give identical results.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func adam<Scalar: DifferentiableScalar>(
    _ value: inout Tensor<Scalar>, gradient: Tensor<Scalar>, firstMoment: inout Tensor<Scalar>,
    secondMoment: inout Tensor<Scalar>, constants: AdamConstants
  ) {
    let stepSize = Scalar(constants.stepSize)
    let correction = Scalar(constants.inverseSecondCorrection)
    let beta1 = Scalar(constants.beta1)
    let beta2 = Scalar(constants.beta2)
    let oneMinusBeta1 = Scalar(1 - constants.beta1)
    let oneMinusBeta2 = Scalar(1 - constants.beta2)
    let epsilon = Scalar(constants.epsilon)
    let penalty = Scalar(constants.gradientPenalty)
    let penalised = constants.gradientPenalty != 0
    let decay = Scalar(constants.decay)
    value.withUnsafeMutableBufferPointer { valueBuffer in
      gradient.withUnsafeBufferPointer { gradientBuffer in
        firstMoment.withUnsafeMutableBufferPointer { firstBuffer in
          secondMoment.withUnsafeMutableBufferPointer { secondBuffer in
            let count = valueBuffer.count
            guard count > 0 else { return }
            let p = valueBuffer.baseAddress!
            let g = gradientBuffer.baseAddress!
            let m = firstBuffer.baseAddress!
            let v = secondBuffer.baseAddress!
            Parallel.forEachChunk(of: count, minimumChunk: parallelMinimum) { range in
              let start = AdamLanes.step(range, p, g, m, v, constants)
              for i in start..<range.upperBound {
                let parameter = p[i]
                let direction = penalised ? g[i] + penalty * parameter : g[i]
                let first = beta1 * m[i] + oneMinusBeta1 * direction
                let second = beta2 * v[i] + oneMinusBeta2 * (direction * direction)
                m[i] = first
                v[i] = second
                let denominator = second.squareRoot() * correction + epsilon
                p[i] = parameter * decay - stepSize * (first / denominator)
              }
            }
          }
        }
      }
    }
  }
}

extension Double {
  /// `self` raised to a non-negative integer power by repeated squaring.
  fileprivate func raised(toPower exponent: Int) -> Double {
    var result = 1.0
    var base = self
    var remaining = exponent
    while remaining > 0 {
      if remaining & 1 == 1 { result *= base }
      base *= base
      remaining >>= 1
    }
    return result
  }
}
