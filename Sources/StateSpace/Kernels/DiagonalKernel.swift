import ComplexModule
import RealModule

/// S4D's convolution kernel: a Vandermonde product evaluated as matrix products
/// (S4D paper, Gu et al. 2022, eq. (5); S4 paper §3.1 for the diagonal case).
///
/// For one channel with poles z_n = Ā_n and weights C′_n = B_n·C_n·φ_n (φ from the
/// discretization, ``DiagonalDiscretization``):
///
///     K[l] = 2·Re Σ_n C′_n·z_n^l,   l < L.
///
/// Writing l = m·T + j (T ≈ √L, j < T), z^l = z^{mT}·z^j, so the L taps form an M×T matrix
///
///     K[m, j] = Σ_n 2·Re(C′_n z_n^{mT})·Re(z_n^j) − 2·Im(C′_n z_n^{mT})·Im(z_n^j)
///             = (Left · Right)[m, j],  Left: M×N = [2·Re a, −2·Im a],  Right: N×T = [Re zʲ; Im zʲ],
///
/// one real matrix product of 2·L·N flops per kernel (``SmallMatrixProduct``), with
/// a_{m,n} = C′_n·z_n^{mT} and z_n^j built by repeated multiplication in Float64 (so the
/// powers carry no accumulated Float32 error) and rounded. Channels run in parallel; no O(N·L)
/// buffer is built.
enum DiagonalKernel {
  /// The block width T and row count M for a kernel of length L.
  struct Blocking {
    let length: Int
    let width: Int
    let rows: Int

    init(length: Int) {
      self.length = length
      var width = 16
      while width * width < length && width < 256 { width *= 2 }
      self.width = width
      rows = (length + width - 1) / width
    }
  }

  /// K for every (output channel, channel), (c, H, L).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func forward<Scalar: SSMScalar>(
    _ parameters: SSMParameters<Scalar>, discretization: SSMDiscretization, length: Int
  ) -> Tensor<Scalar> {
    precondition(length >= 1, "S4D kernel: the kernel length must be ≥ 1, got \(length)")
    let values = parameters.complexValues
    let blocking = Blocking(length: length)
    let (h, c) = (parameters.channels, parameters.outputChannels)
    var kernel = Tensor<Scalar>(zeros: [c, h, length])
    kernel.withUnsafeMutableBufferPointer { kernel in
      let kernel = kernel.baseAddress!
      // Channels are independent; each worker owns its workspace and its channels' rows.
      Parallel.forEachChunk(of: h) { channels in
        let workspace = VandermondeWorkspace<Scalar>(blocking: blocking, half: values.half)
        for channel in channels {
          let factors = DiagonalDiscretization(values: values, channel: channel, discretization: discretization)
          workspace.prepare(factors)
          for output in 0..<c {
            workspace.fillLeft(weights: factors.weights(values.output(output, ofChannel: channel)))
            workspace.multiplyLeftRight(into: kernel + (output * h + channel) * length)
          }
        }
      }
    }
    return kernel
  }
}

/// One worker's buffers for the S4D Vandermonde products, with N padded to the product
/// kernel's column multiple (the padding rows and columns stay zero).
final class VandermondeWorkspace<Scalar: SSMScalar> {
  let blocking: Blocking
  let half: Int
  /// N rounded up to ``SmallMatrixProduct/columnMultiple(for:)``.
  let paddedStates: Int
  /// Left, (M, paddedStates): [2·Re a, −2·Im a].
  let left: UnsafeMutablePointer<Scalar>
  /// Right, (paddedStates, T): [Re z^j; Im z^j].
  let right: UnsafeMutablePointer<Scalar>
  /// A block of M×T results, for lengths that are not a multiple of T.
  let block: UnsafeMutablePointer<Scalar>
  /// Backward only: Rightᵀ (T, paddedStates), Leftᵀ (paddedStates, M), and the gradients
  /// ∂ℓ/∂Left (M, paddedStates) and ∂ℓ/∂Right (paddedStates, T); `block` holds ∂ℓ/∂K.
  let rightTransposed: UnsafeMutablePointer<Scalar>?
  let leftTransposed: UnsafeMutablePointer<Scalar>?
  let leftGradient: UnsafeMutablePointer<Scalar>?
  let rightGradient: UnsafeMutablePointer<Scalar>?
  /// z_n^j (N/2, T) and z_n^{mT} (N/2, M) of the prepared channel.
  private(set) var powers: [Complex<Double>] = []
  private(set) var blockPowers: [Complex<Double>] = []

  typealias Blocking = DiagonalKernel.Blocking

  init(blocking: Blocking, half: Int, forBackward: Bool = false) {
    self.blocking = blocking
    self.half = half
    let multiple = SmallMatrixProduct.columnMultiple(for: Scalar.self)
    paddedStates = (2 * half + multiple - 1) / multiple * multiple
    let (m, t) = (blocking.rows, blocking.width)
    left = .allocate(capacity: m * paddedStates)
    left.initialize(repeating: 0, count: m * paddedStates)
    right = .allocate(capacity: paddedStates * t)
    right.initialize(repeating: 0, count: paddedStates * t)
    block = .allocate(capacity: m * t)
    block.initialize(repeating: 0, count: m * t)
    func zeros(_ count: Int) -> UnsafeMutablePointer<Scalar>? {
      guard forBackward else { return nil }
      let buffer = UnsafeMutablePointer<Scalar>.allocate(capacity: count)
      buffer.initialize(repeating: 0, count: count)
      return buffer
    }
    rightTransposed = zeros(t * paddedStates)
    leftTransposed = zeros(paddedStates * m)
    leftGradient = zeros(m * paddedStates)
    rightGradient = zeros(paddedStates * t)
  }

  deinit {
    for buffer in [left, right, block, rightTransposed, leftTransposed, leftGradient, rightGradient] {
      buffer?.deallocate()
    }
  }

  /// Computes the channel's powers and fills Right.
  func prepare(_ factors: DiagonalDiscretization) {
    let t = blocking.width
    powers = factors.powers(count: t)
    blockPowers = factors.powers(of: t, count: blocking.rows)
    for state in 0..<half {
      for j in 0..<t {
        right[state * t + j] = rounded(powers[state * t + j].real)
        right[(half + state) * t + j] = rounded(powers[state * t + j].imaginary)
        rightTransposed?[j * paddedStates + state] = rounded(powers[state * t + j].real)
        rightTransposed?[j * paddedStates + half + state] = rounded(powers[state * t + j].imaginary)
      }
    }
  }

  /// `value` rounded to `Scalar`, with magnitudes below 1e−18 flushed to zero in Float32.
  ///
  /// Powers of strongly damped poles underflow into Float32's subnormal range, where every
  /// multiply-add takes a microcode assist (the S4D kernel ran 8× slower at L = 16384). Terms
  /// this small are far below the kernel's rounding error; with both factors of every product
  /// ≥ 1e−18 or zero, no product is subnormal either.
  @inline(__always)
  func rounded(_ value: Double) -> Scalar {
    Scalar.self == Float.self && Swift.abs(value) < 1e-18 ? 0 : Scalar(value)
  }

  /// a_{m,n} = C′_n·z_n^{mT} for the weights C′ of one output row.
  func blockWeight(_ weights: [Complex<Double>], row: Int, state: Int) -> Complex<Double> {
    weights[state] * blockPowers[state * blocking.rows + row]
  }

  /// Fills Left from the weights C′ of one output row.
  func fillLeft(weights: [Complex<Double>]) {
    for row in 0..<blocking.rows {
      for state in 0..<half {
        let a = blockWeight(weights, row: row, state: state)
        left[row * paddedStates + state] = rounded(2 * a.real)
        left[row * paddedStates + half + state] = rounded(-2 * a.imaginary)
        leftTransposed?[state * blocking.rows + row] = rounded(2 * a.real)
        leftTransposed?[(half + state) * blocking.rows + row] = rounded(-2 * a.imaginary)
      }
    }
  }

  /// ∂ℓ/∂Left = G·Rightᵀ and ∂ℓ/∂Right = Leftᵀ·G for the kernel gradient G of one row
  /// (copied into `block`, zero beyond L).
  func multiplyGradient(_ gradient: UnsafePointer<Scalar>) {
    let (m, t) = (blocking.rows, blocking.width)
    block.update(from: gradient, count: blocking.length)
    SmallMatrixProduct.multiply(block, rightTransposed!, into: leftGradient!, m: m, n: paddedStates, k: t)
    SmallMatrixProduct.multiply(leftTransposed!, block, into: rightGradient!, m: paddedStates, n: t, k: m)
  }

  /// The L taps Left·Right into `destination`.
  func multiplyLeftRight(into destination: UnsafeMutablePointer<Scalar>) {
    let (m, t, length) = (blocking.rows, blocking.width, blocking.length)
    if m * t == length {
      SmallMatrixProduct.multiply(left, right, into: destination, m: m, n: t, k: paddedStates)
    } else {
      SmallMatrixProduct.multiply(left, right, into: block, m: m, n: t, k: paddedStates)
      destination.update(from: block, count: length)
    }
  }
}
