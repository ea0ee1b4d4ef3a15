import ComplexModule
import RealModule

/// Which Cauchy sums an S4 kernel needs, and where each lives.
///
/// The resolvent terms of the Woodbury identity are r[b, c](z) = Σ_n v_n/(z − w_n) summed over
/// the full conjugate-augmented state, with v = Δ·b·c for b in the "input stack" (B, P_1…P_R)
/// and c in the "output stack" (C̃_1…C̃_c, Q_1…Q_R), Q_r = conj(P_r) (paper Lemma C.3:
/// C̃ᵀR B, C̃ᵀR P, QᴴR B, QᴴR P with R(z) = (z − Λ)⁻¹). Sum j = i·(c + R) + o pairs input i with
/// output o.
struct DPLRSumLayout: Equatable {
  /// c, the number of output kernels.
  let outputChannels: Int
  /// R, the rank of the low-rank term.
  let rank: Int

  /// The size of the output stack, c + R.
  var outputStackSize: Int { outputChannels + rank }
  /// The number of sums, (1 + R)·(c + R).
  var count: Int { (1 + rank) * outputStackSize }

  /// The index of the sum pairing input-stack entry `input` with output-stack entry `output`.
  func index(input: Int, output: Int) -> Int { input * outputStackSize + output }
}

/// One channel's poles and residues in Float64: w_n = Δ·Λ_n and the residues v_{j,n} of every
/// Cauchy sum, plus the stacks they come from (needed again by the backward pass).
struct DPLRChannelTerms {
  let layout: DPLRSumLayout
  /// Δ of the channel.
  let timeStep: Double
  /// Λ, (N/2).
  let eigenvalues: [Complex<Double>]
  /// The input stack (B, P_1…P_R), each (N/2).
  let inputStack: [[Complex<Double>]]
  /// The output stack (C̃_1…C̃_c, Q_1…Q_R), each (N/2).
  let outputStack: [[Complex<Double>]]

  init(values: SSMComplexValues, channel: Int) {
    layout = DPLRSumLayout(outputChannels: values.outputChannels, rank: values.rank)
    timeStep = values.timeSteps[channel]
    eigenvalues = Array(values.eigenvalues(ofChannel: channel))
    let lowRank = (0..<values.rank).map { Array(values.lowRank($0, ofChannel: channel)) }
    inputStack = [Array(values.input(ofChannel: channel))] + lowRank
    outputStack =
      (0..<values.outputChannels).map { Array(values.output($0, ofChannel: channel)) }
      + lowRank.map { $0.map(\.conjugate) }
  }

  /// N/2.
  var half: Int { eigenvalues.count }

  /// w_n = Δ·Λ_n.
  func pole(_ n: Int) -> Complex<Double> { Complex(timeStep) * eigenvalues[n] }

  /// v_{j,n} = Δ·b_i[n]·c_o[n] for sum j = (i, o).
  func residue(input: Int, output: Int, _ n: Int) -> Complex<Double> {
    Complex(timeStep) * inputStack[input][n] * outputStack[output][n]
  }

  /// The number of scalars per state in ``forwardConstants``.
  var constantStride: Int { 4 + 2 * layout.count }

  /// Per state n: α = −Re w, α², 2α, β = Im w, then (p_j, q_j) for every sum j with
  /// p_j = −2·Re(v_j·w̄) and q_j = 2·Re v_j — the real coefficients of the combined
  /// conjugate-pair term (see ``CauchySums``). Computed in Float64, then rounded.
  func forwardConstants<Scalar: SSMScalar>(as _: Scalar.Type) -> [Scalar] {
    var table = [Scalar]()
    table.reserveCapacity(half * constantStride)
    for n in 0..<half {
      let w = pole(n)
      let alpha = -w.real
      table += [Scalar(alpha), Scalar(alpha * alpha), Scalar(2 * alpha), Scalar(w.imaginary)]
      for input in 0...layout.rank {
        for output in 0..<layout.outputStackSize {
          let v = residue(input: input, output: output, n)
          table.append(Scalar(-2 * (v * w.conjugate).real))
          table.append(Scalar(2 * v.real))
        }
      }
    }
    return table
  }

  /// The closed-form spectrum at the Nyquist node ω = −1 for output channel `c`:
  /// K̂(−1) = ½·Σ_full v[B, C̃_c] = Δ·Re Σ_n B_n·C̃_{c,n}.
  func nyquistValue(outputChannel c: Int) -> Double {
    (0..<half).reduce(0.0) { $0 + residue(input: 0, output: c, $1).real }
  }
}
