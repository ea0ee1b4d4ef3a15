import RealModule
import _FFTKernels

/// The frequency nodes of a length-L S4 kernel, as the Cauchy sums see them.
///
/// The kernel's spectrum is needed at the rfft nodes ω_k = exp(−2πi·k/L), k = 0…L/2. The
/// bilinear transform maps them to z_k = 2·(1 − ω_k)/(1 + ω_k), and with
/// ω = e^{−iθ}, (1 − ω)/(1 + ω) = i·tan(θ/2), so every node is purely imaginary:
///
///     z_k = i·s_k,   s_k = 2·tan(π·k/L),
///
/// and the bilinear factor 2/(1 + ω_k) (paper Lemma C.3) is 1 + i·s_k/2. This turns every
/// complex division of the Cauchy sums into real arithmetic on s_k (see ``CauchySums``). Δ is
/// folded into the poles (w = Δ·Λ) and residues (v = Δ·b·c), as in the reference, so one node
/// table serves every channel.
///
/// The Nyquist node k = L/2 (ω = −1) has s = ∞ and is not in the table; its value has the
/// closed-form limit K̂(−1) = Δ·Re Σ_n B_n·C̃_n (the resolvent term vanishes there, since
/// (I + Ā)⁻¹·B̄ = Δ·B/2 for the bilinear Ā, B̄).
struct CauchyNodes<Scalar: SSMScalar> {
  /// L, a power of two ≥ 2.
  let length: Int
  /// The nodes evaluated by Cauchy sums: k = 0..<L/2.
  let count: Int
  /// `count` rounded up to a multiple of ``nodeMultiple``; the padding nodes have s = 0 and
  /// are ignored.
  let paddedCount: Int
  /// The multiple the Cauchy loops take; also a multiple of the Swift lane count (4 or 8) of
  /// the loops that combine their sums (WoodburyCombination).
  static var nodeMultiple: Int { Int(S4CAUCHY_NODE_MULTIPLE) }
  /// s_k = 2·tan(π·k/L), computed in Float64 and rounded, padded with zeros.
  let s: [Scalar]

  init(length: Int) {
    precondition(
      length >= 2 && length & (length - 1) == 0,
      "S4 kernel: the kernel length must be a power of two ≥ 2 (the inverse real FFT needs it), got L = \(length)"
    )
    self.length = length
    count = length / 2
    let multiple = Self.nodeMultiple
    paddedCount = (count + multiple - 1) / multiple * multiple
    var s = [Scalar](repeating: 0, count: paddedCount)
    for k in 0..<count { s[k] = Scalar(2 * Double.tan(Double.pi * Double(k) / Double(length))) }
    self.s = s
  }
}
