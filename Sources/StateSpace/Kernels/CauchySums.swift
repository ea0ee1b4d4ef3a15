import _FFTKernels

/// The conjugate-symmetric Cauchy sums of one channel, vectorised over nodes (``KernelLanes``).
///
/// For each sum j and node z = i·s (``CauchyNodes``) the kernel needs
///
///     r_j(z) = Σ_n [ v_n/(z − w_n) + v̄_n/(z − w̄_n) ]
///
/// (the full state is each stored pair and its conjugate). With w = −α + i·β the two
/// denominators are d₁ = α + i·(s − β) and d₂ = α + i·(s + β), and the pair combines into
///
///     v/d₁ + v̄/d₂ = (v·d₂ + v̄·d₁)/(d₁·d₂) = (p + i·s·q)/D,
///     p = −2·Re(v·w̄),  q = 2·Re v,  D = d₁·d₂ = α² − (s − β)(s + β) + 2i·α·s.
///
/// p and q are real per state, so with 1/D = x + i·y each sum costs four real multiply-adds
/// per (node, state): Re += p·x − q·(s·y), Im += p·y + q·(s·x); the one division per
/// (node, state) is shared by every sum. (s − β)(s + β) is formed from the differences rather
/// than as s² − β², which keeps D accurate near a resonance s ≈ β.
///
/// The loop is C (`s4cauchy_sums`, `_FFTKernels/CauchyLoops.h`) so that every build runs its
/// AVX-512 or AVX2 + FMA version: the accumulators of four sums live in registers while the
/// loop runs over the states (no O(N·L) buffer), sums taken in groups of four and two.
enum CauchySums {
  /// r_j(z_k) for every sum j and node k.
  ///
  /// - Parameters:
  ///   - nodes: s_k, `paddedCount` values (a multiple of ``CauchyNodes/nodeMultiple``).
  ///   - constants: Per state: α, α², 2α, β, then (p_j, q_j) for every sum
  ///     (``DPLRChannelTerms/forwardConstants(as:)``).
  ///   - half: N/2, the number of states.
  ///   - sumCount: The number of sums.
  ///   - planes: Output, (sumCount, 2, paddedCount): real then imaginary plane of each sum.
  @inline(__always)
  static func evaluate<Scalar: SSMScalar>(
    nodes: UnsafePointer<Scalar>, paddedCount: Int, constants: UnsafePointer<Scalar>,
    half: Int, sumCount: Int, into planes: UnsafeMutablePointer<Scalar>
  ) {
    precondition(
      paddedCount % CauchyNodes<Scalar>.nodeMultiple == 0,
      "CauchySums: \(paddedCount) nodes is not a multiple of \(CauchyNodes<Scalar>.nodeMultiple)")
    if Scalar.self == Float.self {
      s4cauchy_sums_f32(asFloat(nodes), paddedCount, asFloat(constants), half, sumCount, asFloat(planes))
    } else {
      s4cauchy_sums_f64(asDouble(nodes), paddedCount, asDouble(constants), half, sumCount, asDouble(planes))
    }
  }
}
