/// The adjoint of ``CauchySums``: sums over nodes, per state, of the node gradients.
///
/// One sum r(z) = Σ_n [v/(z − w) + v̄/(z − w̄)] is holomorphic in v and w in its first term
/// and anti-holomorphic in its second, so with G_k = ∂ℓ/∂Re r(z_k) + i·∂ℓ/∂Im r(z_k):
///
///     G[v] = Σ_k G_k·X_k + Ḡ_k·Y_k,       G[w] = v̄·Σ_k G_k·X_k² + Ḡ_k·Y_k²,
///     X = conj(1/(z − w)) = 1/(α − i·t₁),  Y = 1/(z − w̄) = 1/(α + i·t₂),
///
/// with z = i·s, w = −α + i·β, t₁ = s − β, t₂ = s + β. Writing G = g + i·h and
/// E = (α − i·t₁)(α + i·t₂) = α² + t₁·t₂ + 2i·α·β (so X·Y = 1/E), the identities
/// X + Y = −2w̄/E, X − Y = 2i·s/E and X² ± Y² = (X + Y)² ∓ 2XY … give
///
///     G·X + Ḡ·Y   = −2·(w̄·S₁ + S₂),
///     G·X² + Ḡ·Y² = 4w̄²·S₃ − 2·S₁ + 4w̄·S₄,
///     S₁ = Σ g/E,  S₂ = Σ s·h/E,  S₃ = Σ g/E²,  S₄ = Σ s·h/E²,
///
/// four complex accumulations with real weights per (node, state, sum), sharing one division
/// per (node, state). The node gradients arrive as the planes g and s·h
/// (``WoodburyCombination/sumGradients(planes:spectrumGradients:nodes:paddedCount:layout:into:)``).
///
/// Nodes are processed in blocks that stay in L1 (the node gradients of a block are reused by
/// every state); lanes are reduced into Float64 totals at the end of each block.
enum TransposedCauchySums {
  /// The node block length (a multiple of every lane count).
  static let blockLength = 512

  /// S₁…S₄ for every state n and sum j.
  ///
  /// - Parameters:
  ///   - nodes: s_k, `paddedCount` values.
  ///   - sumGradients: (sumCount, 2, paddedCount): the planes g and s·h of every sum; zero at
  ///     padding nodes.
  ///   - constants: Per state: α², 2α·β, β.
  ///   - half: N/2.
  ///   - sumCount: The number of sums.
  ///   - totals: Output, (N/2, sumCount, 8) in Float64: Re S₁, Im S₁, …, Re S₄, Im S₄.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func accumulate<Scalar: SSMScalar>(
    nodes: UnsafePointer<Scalar>, paddedCount: Int, sumGradients: UnsafePointer<Scalar>,
    constants: UnsafePointer<Scalar>, half: Int, sumCount: Int,
    totals: UnsafeMutablePointer<Double>
  ) {
    typealias Lanes = KernelLanes<Scalar>
    let width = Lanes.laneCount
    totals.initialize(repeating: 0, count: half * sumCount * 8)
    let scratch = UnsafeMutablePointer<Scalar>.allocate(capacity: 4 * blockLength)
    defer { scratch.deallocate() }
    var blockStart = 0
    while blockStart < paddedCount {
      let count = min(blockLength, paddedCount - blockStart)
      for n in 0..<half {
        let alphaSquared = constants[3 * n]
        let imaginary = constants[3 * n + 1]
        let beta = constants[3 * n + 2]
        // 1/E and 1/E² for the block's nodes.
        for k in stride(from: 0, to: count, by: width) {
          let s = KernelLaneMemory.load(nodes, blockStart + k)
          let real = alphaSquared + (s - beta) * (s + beta)
          let scale = 1 / (real * real + imaginary * imaginary)
          let x = real * scale
          let y = -(imaginary * scale)
          KernelLaneMemory.store(x, scratch, k)
          KernelLaneMemory.store(y, scratch, blockLength + k)
          KernelLaneMemory.store(x * x - y * y, scratch, 2 * blockLength + k)
          KernelLaneMemory.store(2 * x * y, scratch, 3 * blockLength + k)
        }
        for j in 0..<sumCount {
          let g = sumGradients + 2 * j * paddedCount + blockStart
          let sh = g + paddedCount
          var (s1r, s1i, s2r, s2i) = (Lanes(), Lanes(), Lanes(), Lanes())
          var (s3r, s3i, s4r, s4i) = (Lanes(), Lanes(), Lanes(), Lanes())
          for k in stride(from: 0, to: count, by: width) {
            let gk = KernelLaneMemory.load(g, k)
            let hk = KernelLaneMemory.load(sh, k)
            let x = KernelLaneMemory.load(scratch, k)
            let y = KernelLaneMemory.load(scratch, blockLength + k)
            let x2 = KernelLaneMemory.load(scratch, 2 * blockLength + k)
            let y2 = KernelLaneMemory.load(scratch, 3 * blockLength + k)
            s1r += gk * x
            s1i += gk * y
            s2r += hk * x
            s2i += hk * y
            s3r += gk * x2
            s3i += gk * y2
            s4r += hk * x2
            s4i += hk * y2
          }
          let total = totals + (n * sumCount + j) * 8
          total[0] += Double(s1r.sum())
          total[1] += Double(s1i.sum())
          total[2] += Double(s2r.sum())
          total[3] += Double(s2i.sum())
          total[4] += Double(s3r.sum())
          total[5] += Double(s3i.sum())
          total[6] += Double(s4r.sum())
          total[7] += Double(s4i.sum())
        }
      }
      blockStart += count
    }
  }
}
