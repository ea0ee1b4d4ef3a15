import ComplexModule
import RealModule

/// The diagonal-plus-low-rank (DPLR) form of a HiPPO system (S4 paper, Theorem 1 and App. C.1).
///
/// A HiPPO matrix is normal plus low rank: A = S − P·Pᵀ with S = c·I + K, K real
/// skew-symmetric. S is unitarily diagonalisable, S = V_full·diag(Λ_full)·V_fullᴴ, so in the
/// eigenbasis x̃ = V_fullᴴ·x the system reads x̃′ = (diag(Λ_full) − P̃·P̃ᴴ)·x̃ + B̃·u with
/// P̃ = V_fullᴴ·P and B̃ = V_fullᴴ·B (Lemma 3.1 applied to (A, B, C) ↦ (V⁻¹AV, V⁻¹B, CV)).
///
/// Because A and B are real, eigenvalues and eigenvectors come in conjugate pairs and a real
/// state has conjugate-symmetric coordinates, so only one member of each pair is kept:
/// the N/2 eigenvalues with negative imaginary part, V (N × N/2), P′ = Vᴴ·P and B′ = Vᴴ·B.
/// A real output row c becomes C′ = Vᵀ·c under the y = C·x convention
/// (y = cᵀ·x = cᵀ·V_full·x̃ = 2·Re(C′·x̃_half)); ``outputInEigenbasis(_:)`` computes it.
///
/// **Eigenvector phases.** Eigenvectors are defined up to a phase, and LAPACK builds choose
/// different ones, which changes B′ and P′ (not the system they describe). To make the DPLR
/// parameters reproducible across builds, each kept column v_n is rotated so that
/// (v_nᴴ·P_0)_n — the first rank row of P′ — is real and positive; if that entry vanishes
/// (|·| ≤ 1e−9·‖P_0‖), the next rank row is used, and failing all of them, the column's
/// largest-magnitude entry (lowest index on ties) is made real positive. For LegS, where
/// B = √2·P, this makes B′ = √2·P′ real, so the optional clipping of Im B′ has no effect.
///
/// A double zero eigenvalue (FouT's two free states) has a two-dimensional real null space;
/// the kept vector is (u₁ + i·u₂)/√2 for an orthonormal real basis (u₁, u₂) of it, so that it
/// and its conjugate are orthogonal.
public struct DPLRDecomposition: Sendable {
  /// Λ: the kept eigenvalues of S, (N/2), in ascending order of imaginary part (all ≤ 0).
  public let eigenvalues: Tensor<Complex<Double>>
  /// P′ = Vᴴ·P, (R, N/2).
  public let lowRank: Tensor<Complex<Double>>
  /// B′ = Vᴴ·B, (N/2), after the optional clipping of its imaginary part.
  public let input: Tensor<Complex<Double>>
  /// V: the kept unit eigenvectors of S as columns, (N, N/2), with the pinned phases.
  public let eigenvectors: Tensor<Complex<Double>>

  /// Diagonalises the normal part of a HiPPO system.
  ///
  /// - Parameters:
  ///   - matrices: The real HiPPO matrices; N must be even.
  ///   - inputClip: When set, Im B′ is clamped to [−inputClip, inputClip] (the reference's
  ///     `B_clip`, 2 by default there). Leave it `nil` where the exact system is needed.
  /// - Throws: ``LinearAlgebraError`` when LAPACK's eigensolver does not converge.
  public init(_ matrices: HiPPOMatrices, inputClip: Double? = nil) throws {
    let n = matrices.stateSize
    precondition(
      n % 2 == 0,
      "DPLRDecomposition: the state size must be even (one eigenvalue of each conjugate pair is kept), got N = \(n)"
    )
    let half = n / 2
    let rank = matrices.lowRank.shape[0]
    let s = matrices.normalPart.scalars
    // S = c·I + K with c = mean(diag S) and K = (S − Sᵀ)/2.
    let shift = (0..<n).reduce(0.0) { $0 + s[$1 * n + $1] } / Double(n)
    // −i·K is Hermitian; its eigenvalues μ give those of S: c + i·μ.
    let hermitian = Tensor<Complex<Double>>(shape: [n, n]) { index in
      let (row, column) = (index / n, index % n)
      let skew = 0.5 * (s[row * n + column] - s[column * n + row])
      return Complex(0, -skew)
    }
    let (mu, vectors) = try Eigendecomposition.hermitian(hermitian)
    let scale = mu.reduce(1.0) { max($0, abs($1)) }

    // Kept columns: the first N/2 (μ ascending, so Im λ ≤ 0).
    var kept = [[Complex<Double>]](repeating: [], count: half)
    for column in 0..<half {
      kept[column] = (0..<n).map { vectors[$0, column] }
    }
    let zeroTolerance = 1e-9 * scale
    let zeroColumns = (0..<n).filter { abs(mu[$0]) <= zeroTolerance }
    if !zeroColumns.isEmpty {
      precondition(
        zeroColumns == [half - 1, half],
        "DPLRDecomposition: only a double zero eigenvalue is supported, found \(zeroColumns.count) at \(zeroColumns)"
      )
      kept[half - 1] = DPLRDecomposition.complexNullVector(
        zeroColumns.map { column in (0..<n).map { vectors[$0, column] } })
    }

    let p = matrices.lowRank.scalars
    let pNorms = (0..<rank).map { r in (0..<n).reduce(0.0) { $0 + p[r * n + $1] * p[r * n + $1] }.squareRoot() }
    for column in 0..<half {
      kept[column] = DPLRDecomposition.pinPhase(kept[column], lowRank: p, norms: pNorms)
    }

    // Rotations into the eigenbasis: (Vᴴ·x)_k = Σ_m conj(V[m, k])·x[m].
    func rotate(_ x: ArraySlice<Double>) -> [Complex<Double>] {
      kept.map { v in
        zip(v, x).reduce(Complex<Double>.zero) { $0 + $1.0.conjugate * Complex($1.1) }
      }
    }
    var rotatedInput = rotate(matrices.input.scalars[...])
    if let inputClip {
      precondition(inputClip >= 0, "DPLRDecomposition: inputClip must be ≥ 0, got \(inputClip)")
      rotatedInput = rotatedInput.map {
        Complex($0.real, min(max($0.imaginary, -inputClip), inputClip))
      }
    }
    var rotatedLowRank: [Complex<Double>] = []
    for r in 0..<rank { rotatedLowRank += rotate(p[(r * n)..<((r + 1) * n)]) }

    eigenvalues = Tensor(shape: [half]) { Complex(shift, mu[$0]) }
    lowRank = Tensor(shape: [rank, half], scalars: rotatedLowRank)
    input = Tensor(shape: [half], scalars: rotatedInput)
    eigenvectors = Tensor(shape: [n, half]) { index in kept[index % half][index / half] }
  }

  /// The state size N.
  public var stateSize: Int { eigenvectors.shape[0] }

  /// A real output row carried into the eigenbasis: C′ = Vᵀ·c, so that cᵀ·x = 2·Re(C′·x̃) for
  /// a real state x with half coordinates x̃ = Vᴴ·x.
  ///
  /// (Under the y = C·x convention this is Vᵀ·c, not Vᴴ·c: the latter belongs to the paper's
  /// y = C*·x convention and gives a different kernel.)
  ///
  /// - Parameter output: c, (N).
  /// - Returns: C′, (N/2).
  public func outputInEigenbasis(_ output: Tensor<Double>) -> Tensor<Complex<Double>> {
    let n = stateSize
    precondition(
      output.shape == [n],
      "DPLRDecomposition.outputInEigenbasis: expected an output row of shape [\(n)], got \(output.shape)")
    let half = n / 2
    return Tensor(shape: [half]) { column in
      (0..<n).reduce(Complex<Double>.zero) { $0 + eigenvectors[$1, column] * Complex(output[$1]) }
    }
  }

  /// (u₁ + i·u₂)/√2 for an orthonormal real basis (u₁, u₂) of the span of the real and
  /// imaginary parts of two complex null vectors.
  private static func complexNullVector(_ columns: [[Complex<Double>]]) -> [Complex<Double>] {
    var basis: [[Double]] = []
    let candidates = columns.flatMap { column in [column.map(\.real), column.map(\.imaginary)] }
    for candidate in candidates where basis.count < 2 {
      var u = candidate
      for b in basis {
        let projection = zip(u, b).reduce(0.0) { $0 + $1.0 * $1.1 }
        u = zip(u, b).map { $0 - projection * $1 }
      }
      let norm = u.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
      if norm > 1e-6 { basis.append(u.map { $0 / norm }) }
    }
    precondition(basis.count == 2, "DPLRDecomposition: the null space of S is not two-dimensional")
    let scale = 1 / 2.0.squareRoot()
    return zip(basis[0], basis[1]).map { Complex($0 * scale, $1 * scale) }
  }

  /// The column rotated by a unit phase so that the pinned entry is real and positive (see the
  /// type's documentation).
  private static func pinPhase(
    _ v: [Complex<Double>], lowRank p: [Double], norms: [Double]
  ) -> [Complex<Double>] {
    let n = v.count
    for (r, norm) in norms.enumerated() where norm > 0 {
      let q = (0..<n).reduce(Complex<Double>.zero) { $0 + v[$1].conjugate * Complex(p[r * n + $1]) }
      if q.length > 1e-9 * norm {
        let phase = q / Complex(q.length)
        return v.map { $0 * phase }
      }
    }
    var largest = 0
    for index in 1..<n where v[index].length > v[largest].length * (1 + 1e-12) { largest = index }
    let phase = v[largest].conjugate / Complex(v[largest].length)
    return v.map { $0 * phase }
  }
}
