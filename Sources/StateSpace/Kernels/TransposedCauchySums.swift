import _FFTKernels

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
/// The loop is C (`s4cauchy_adjoint`, `_FFTKernels/CauchyLoops.h`): nodes are processed in
/// blocks of 512 that stay in L1 (the node terms of a block are reused by every sum); lanes are
/// reduced into Float64 totals at the end of each block.
enum TransposedCauchySums {
  /// S₁…S₄ for every state n and sum j.
  ///
  /// - Parameters:
  ///   - nodes: s_k, `paddedCount` values (a multiple of ``CauchyNodes/nodeMultiple``).
  ///   - sumGradients: (sumCount, 2, paddedCount): the planes g and s·h of every sum; zero at
  ///     padding nodes.
  ///   - constants: Per state: α², 2α·β, β.
  ///   - half: N/2.
  ///   - sumCount: The number of sums.
  ///   - totals: Output, (N/2, sumCount, 8) in Float64: Re S₁, Im S₁, …, Re S₄, Im S₄.
  @inline(__always)
  static func accumulate<Scalar: SSMScalar>(
    nodes: UnsafePointer<Scalar>, paddedCount: Int, sumGradients: UnsafePointer<Scalar>,
    constants: UnsafePointer<Scalar>, half: Int, sumCount: Int,
    totals: UnsafeMutablePointer<Double>
  ) {
    precondition(
      paddedCount % CauchyNodes<Scalar>.nodeMultiple == 0,
      "TransposedCauchySums: \(paddedCount) nodes is not a multiple of \(CauchyNodes<Scalar>.nodeMultiple)")
    if Scalar.self == Float.self {
      s4cauchy_adjoint_f32(
        asFloat(nodes), paddedCount, asFloat(sumGradients), asFloat(constants), half, sumCount, totals)
    } else {
      s4cauchy_adjoint_f64(
        asDouble(nodes), paddedCount, asDouble(sumGradients), asDouble(constants), half, sumCount, totals)
    }
  }
}
