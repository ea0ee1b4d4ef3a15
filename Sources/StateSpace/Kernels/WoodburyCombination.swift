import ComplexModule
import RealModule

/// The Woodbury step of the S4 kernel and its derivative, per node (paper Lemma C.3).
///
/// With the Cauchy sums r00_c = C̃_cᵀR B, a_{c,s} = C̃_cᵀR P_s, b_r = Q_rᵀR B and
/// M_{rs} = Q_rᵀR P_s (``DPLRSumLayout``), the Woodbury identity for
/// (z − Λ + P·Qᵀ)⁻¹ gives the spectrum
///
///     K̂_c(ω) = f(ω)·(r00_c − a_c·X·b),   X = (I + M)⁻¹,   f(ω) = 2/(1 + ω) = 1 + i·s/2.
///
/// Derivative (all maps are holomorphic in the sums, so a gradient G — ∂ℓ/∂Re + i·∂ℓ/∂Im —
/// flows back as G·conj(∂K̂/∂r)). With β = X·b, α_c = a_c·X and G′_c = G_c·conj(f):
///
///     G[r00_c] = G′_c,              G[a_{c,s}] = −G′_c·conj(β_s),
///     G[b_r] = −Σ_c G′_c·conj(α_{c,r}),   G[M_{rs}] = Σ_c G′_c·conj(α_{c,r}·β_s)
///
/// (from d(a·X·b) = da·X·b + a·X·db − a·X·dM·X·b). Rank 1 runs vectorised over nodes;
/// higher ranks use a small Gauss–Jordan inverse per node in Float64.
enum WoodburyCombination {
  /// K̂_c(z_k) for every output channel c and node k, from the Cauchy sums.
  ///
  /// - Parameters:
  ///   - planes: The sums, (S, 2, paddedCount) (``CauchySums``).
  ///   - nodes: s_k, (paddedCount).
  ///   - layout: Which sum is which.
  ///   - spectra: Output, (c, 2, paddedCount): real and imaginary planes of K̂_c.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func spectrum<Scalar: SSMScalar>(
    planes: UnsafePointer<Scalar>, nodes: UnsafePointer<Scalar>, paddedCount: Int,
    layout: DPLRSumLayout, into spectra: UnsafeMutablePointer<Scalar>
  ) {
    let plane = 2 * paddedCount
    if layout.rank == 1 {
      let outputs = layout.outputChannels
      let bIndex = layout.index(input: 0, output: outputs)
      let mIndex = layout.index(input: 1, output: outputs)
      for k in stride(from: 0, to: paddedCount, by: KernelLanes<Scalar>.laneCount) {
        let s = KernelLaneMemory.load(nodes, k)
        let f = ComplexLanes<Scalar>(real: KernelLanes<Scalar>(repeating: 1), imaginary: s * 0.5)
        let b = ComplexLanes<Scalar>(planes: planes + bIndex * plane, planeLength: paddedCount, offset: k)
        let m = ComplexLanes<Scalar>(planes: planes + mIndex * plane, planeLength: paddedCount, offset: k)
        let beta = b * (m + ComplexLanes<Scalar>(real: KernelLanes<Scalar>(repeating: 1), imaginary: KernelLanes<Scalar>())).reciprocal
        for c in 0..<outputs {
          let r00 = ComplexLanes<Scalar>(
            planes: planes + layout.index(input: 0, output: c) * plane, planeLength: paddedCount,
            offset: k)
          let a = ComplexLanes<Scalar>(
            planes: planes + layout.index(input: 1, output: c) * plane, planeLength: paddedCount,
            offset: k)
          (f * (r00 - a * beta)).store(planes: spectra + c * plane, planeLength: paddedCount, offset: k)
        }
      }
      return
    }
    var solver = SmallComplexInverse(size: layout.rank)
    for k in 0..<paddedCount {
      let f = Complex(1, Double(nodes[k]) / 2)
      func sum(_ input: Int, _ output: Int) -> Complex<Double> {
        let base = layout.index(input: input, output: output) * plane + k
        return Complex(Double(planes[base]), Double(planes[base + paddedCount]))
      }
      solver.invertIdentityPlus { r, s in sum(1 + s, layout.outputChannels + r) }
      let b = (0..<layout.rank).map { sum(0, layout.outputChannels + $0) }
      let beta = solver.apply(to: b)
      for c in 0..<layout.outputChannels {
        var value = sum(0, c)
        for s in 0..<layout.rank { value -= sum(1 + s, c) * beta[s] }
        value = f * value
        spectra[c * plane + k] = Scalar(value.real)
        spectra[c * plane + paddedCount + k] = Scalar(value.imaginary)
      }
    }
  }

  /// The gradients of every Cauchy sum from the gradients of the spectra, written as the two
  /// real planes the transposed sums consume: Re G[r_j] and s·Im G[r_j].
  ///
  /// - Parameters:
  ///   - planes: The sums, (S, 2, paddedCount).
  ///   - spectrumGradients: G_c at every node, (c, 2, paddedCount); zero at padding nodes.
  ///   - nodes: s_k, (paddedCount).
  ///   - layout: Which sum is which.
  ///   - sumGradients: Output, (S, 2, paddedCount): Re G[r_j] and s·Im G[r_j].
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func sumGradients<Scalar: SSMScalar>(
    planes: UnsafePointer<Scalar>, spectrumGradients: UnsafePointer<Scalar>,
    nodes: UnsafePointer<Scalar>, paddedCount: Int, layout: DPLRSumLayout,
    into sumGradients: UnsafeMutablePointer<Scalar>
  ) {
    let plane = 2 * paddedCount
    let outputs = layout.outputChannels
    if layout.rank == 1 {
      let bIndex = layout.index(input: 0, output: outputs)
      let mIndex = layout.index(input: 1, output: outputs)
      for k in stride(from: 0, to: paddedCount, by: KernelLanes<Scalar>.laneCount) {
        let s = KernelLaneMemory.load(nodes, k)
        let fConjugate = ComplexLanes<Scalar>(real: KernelLanes<Scalar>(repeating: 1), imaginary: s * -0.5)
        let b = ComplexLanes<Scalar>(planes: planes + bIndex * plane, planeLength: paddedCount, offset: k)
        let m = ComplexLanes<Scalar>(planes: planes + mIndex * plane, planeLength: paddedCount, offset: k)
        let u = (m + ComplexLanes<Scalar>(real: KernelLanes<Scalar>(repeating: 1), imaginary: KernelLanes<Scalar>())).reciprocal
        let betaConjugate = (b * u).conjugate
        var gB = ComplexLanes<Scalar>(real: KernelLanes<Scalar>(), imaginary: KernelLanes<Scalar>())
        var gM = gB
        for c in 0..<outputs {
          let g = ComplexLanes<Scalar>(
            planes: spectrumGradients + c * plane, planeLength: paddedCount, offset: k)
          let gf = g * fConjugate
          let a = ComplexLanes<Scalar>(
            planes: planes + layout.index(input: 1, output: c) * plane, planeLength: paddedCount,
            offset: k)
          let alphaConjugate = (a * u).conjugate
          store(gf, s: s, into: sumGradients, sum: layout.index(input: 0, output: c), paddedCount, k)
          store(-(gf * betaConjugate), s: s, into: sumGradients, sum: layout.index(input: 1, output: c), paddedCount, k)
          gB = gB - gf * alphaConjugate
          gM = gM + gf * alphaConjugate * betaConjugate
        }
        store(gB, s: s, into: sumGradients, sum: bIndex, paddedCount, k)
        store(gM, s: s, into: sumGradients, sum: mIndex, paddedCount, k)
      }
      return
    }
    let rank = layout.rank
    var solver = SmallComplexInverse(size: rank)
    for k in 0..<paddedCount {
      let s = Double(nodes[k])
      let fConjugate = Complex(1, -s / 2)
      func sum(_ input: Int, _ output: Int) -> Complex<Double> {
        let base = layout.index(input: input, output: output) * plane + k
        return Complex(Double(planes[base]), Double(planes[base + paddedCount]))
      }
      func write(_ gradient: Complex<Double>, _ input: Int, _ output: Int) {
        let base = layout.index(input: input, output: output) * plane + k
        sumGradients[base] = Scalar(gradient.real)
        sumGradients[base + paddedCount] = Scalar(s * gradient.imaginary)
      }
      solver.invertIdentityPlus { r, s in sum(1 + s, outputs + r) }
      let beta = solver.apply(to: (0..<rank).map { sum(0, outputs + $0) })
      var gB = [Complex<Double>](repeating: .zero, count: rank)
      var gM = [Complex<Double>](repeating: .zero, count: rank * rank)
      for c in 0..<outputs {
        let g = Complex(
          Double(spectrumGradients[c * plane + k]),
          Double(spectrumGradients[c * plane + paddedCount + k]))
        let gf = g * fConjugate
        let alpha = solver.applyFromLeft(to: (0..<rank).map { sum(1 + $0, c) })
        write(gf, 0, c)
        for s in 0..<rank { write(-(gf * beta[s].conjugate), 1 + s, c) }
        for r in 0..<rank {
          gB[r] -= gf * alpha[r].conjugate
          for s in 0..<rank { gM[r * rank + s] += gf * (alpha[r] * beta[s]).conjugate }
        }
      }
      for r in 0..<rank {
        write(gB[r], 0, outputs + r)
        for s in 0..<rank { write(gM[r * rank + s], 1 + s, outputs + r) }
      }
    }
  }

  @inline(__always)
  private static func store<Scalar: SSMScalar>(
    _ gradient: ComplexLanes<Scalar>, s: KernelLanes<Scalar>, into planes: UnsafeMutablePointer<Scalar>,
    sum: Int, _ paddedCount: Int, _ k: Int
  ) {
    KernelLaneMemory.store(gradient.real, planes, 2 * sum * paddedCount + k)
    KernelLaneMemory.store(s * gradient.imaginary, planes, (2 * sum + 1) * paddedCount + k)
  }
}

/// (I + M)⁻¹ for a small complex matrix, by Gauss–Jordan elimination with partial pivoting,
/// reusing its storage across nodes.
struct SmallComplexInverse {
  let size: Int
  private var work: [Complex<Double>]
  private(set) var inverse: [Complex<Double>]

  init(size: Int) {
    self.size = size
    work = Array(repeating: .zero, count: size * size)
    inverse = Array(repeating: .zero, count: size * size)
  }

  /// Sets ``inverse`` to (I + M)⁻¹ where M[r, s] = `entry(r, s)`.
  mutating func invertIdentityPlus(_ entry: (Int, Int) -> Complex<Double>) {
    let n = size
    for r in 0..<n {
      for s in 0..<n {
        work[r * n + s] = entry(r, s) + (r == s ? .one : .zero)
        inverse[r * n + s] = r == s ? .one : .zero
      }
    }
    for column in 0..<n {
      var pivot = column
      for row in (column + 1)..<n where work[row * n + column].length > work[pivot * n + column].length {
        pivot = row
      }
      if pivot != column {
        for j in 0..<n {
          work.swapAt(pivot * n + j, column * n + j)
          inverse.swapAt(pivot * n + j, column * n + j)
        }
      }
      let scale = Complex<Double>.one / work[column * n + column]
      for j in 0..<n {
        work[column * n + j] *= scale
        inverse[column * n + j] *= scale
      }
      for row in 0..<n where row != column {
        let factor = work[row * n + column]
        for j in 0..<n {
          work[row * n + j] -= factor * work[column * n + j]
          inverse[row * n + j] -= factor * inverse[column * n + j]
        }
      }
    }
  }

  /// X·v.
  func apply(to v: [Complex<Double>]) -> [Complex<Double>] {
    (0..<size).map { r in (0..<size).reduce(Complex<Double>.zero) { $0 + inverse[r * size + $1] * v[$1] } }
  }

  /// v·X (v a row vector).
  func applyFromLeft(to v: [Complex<Double>]) -> [Complex<Double>] {
    (0..<size).map { s in (0..<size).reduce(Complex<Double>.zero) { $0 + v[$1] * inverse[$1 * size + s] } }
  }
}
