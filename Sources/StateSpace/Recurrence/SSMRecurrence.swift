import ComplexModule
import RealModule

/// The recurrent (step-by-step) form of an S4 or S4D layer's state-space part, for generation
/// and streaming (S4 paper §3.3 and App. C.2).
///
/// Each channel h keeps the N/2 stored coordinates of its conjugate-symmetric state x ∈ ℂᴺ,
/// advances it by one input u and reads out y_c = 2·Re(C_c·x) (the layer adds D·u itself):
///
/// - **S4** (bilinear, A = Λ − Σ_r P_r·P_rᴴ on the augmented state): x ← A₁·(A₀·x + 2B·u) with
///   A₀ = 2/Δ·I + A and A₁ = (2/Δ·I − A)⁻¹, which is Ā·x + B̄·u. A₀ is diagonal plus low rank, and
///   Woodbury makes A₁ = D − D·P·(I + Pᴴ·D·P)⁻¹·Pᴴ·D with D = diag(1/(2/Δ − Λ)) — an O(N) step.
///   On the stored half every low-rank contraction Pᴴ·x of a conjugate-symmetric vector is the
///   real number 2·Re Σ_n P̄_n·x_n, so with E = 2/Δ + Λ, M = I + 2·Re(Pᴴ·D·P) (real, R×R) and
///   W = M⁻¹·(P̄∘D):
///
///       s = 2·Re(P̄·x),  x′ = E∘x − P·s + 2B·u,  t = 2·Re(W·x′),  x ← D∘x′ − (D∘P)·t.
///
///   Expanding x′ inside t and x folds this into one pass over the coordinates:
///   t = 2·Re((W∘E)·x) + α·s + β·u with α_rk = −2·Re(W_r·P_k), β_r = 2·Re(W_r·2B), so
///   σ = s + t = ζ + β·u with ζ_r = 2·Re(Z_r·x), Z_r = Σ_k (δ_rk + α_rk)·P̄_k + W_r∘E, and
///   x ← (D∘E)∘x + 2(D∘B)·u − (D∘P)·σ. The contractions ζ of the new state are accumulated
///   while it is written and kept in the state for the next step.
///   C is recovered from the trained C̃ by solving (I − Ā^L)ᵀ·C = C̃ (paper Lemma C.3).
/// - **S4D**: x ← Ā∘x + B̄·u with Ā, B̄ from zero-order hold or bilinear
///   (``SSMDiscretization``), and C used as is.
///
/// The coefficients are computed once in Float64 and rounded; a step is then one vectorised
/// pass over each channel's N/2 coordinates, with no allocation besides the output. Rebuild
/// the recurrence after every parameter update.
public struct SSMRecurrence<Scalar: SSMScalar>: Sendable {
  /// H, the number of channels.
  public let channels: Int
  /// c, the number of outputs per channel.
  public let outputChannels: Int
  /// R for S4, 0 for S4D.
  public let rank: Int
  /// N/2 rounded up to a multiple of ``stepLanes``; the padding coordinates stay zero.
  let paddedHalf: Int
  /// The C step (`s4rec_step`) works in vectors of 8 Float or 4 Double lanes; a multiple of 8
  /// suits both.
  static var stepLanes: Int { 8 }
  /// Per channel, the coefficient planes (``CoefficientLayout``), each a real and an
  /// imaginary plane of `paddedHalf`.
  let coefficients: [Scalar]
  /// S4 only, per channel: β (R).
  let contractionCoefficients: [Scalar]
  let layout: CoefficientLayout

  /// The running state of a batch: the stored half of every channel's state.
  public struct State: Sendable {
    /// B, the number of sequences.
    public let batchSize: Int
    /// (B, H, stateStride): per (sequence, channel) the real and imaginary planes of the
    /// coordinates, then (S4) the contractions ζ_r = 2·Re(Z_r·x) of the current state.
    var storage: [Scalar]
  }

  /// The scalars per (sequence, channel) in ``State``.
  var stateStride: Int { 2 * paddedHalf + rank }

  /// Builds the recurrence of a layer's parameters.
  ///
  /// - Parameters:
  ///   - parameters: The trained parameters.
  ///   - kernelLength: The L that S4's C̃ was defined for (ignored by S4D).
  /// - Throws: ``LinearAlgebraError`` when (I − Ā^L)ᵀ is singular (S4 only).
  public init(parameters: SSMParameters<Scalar>, kernelLength: Int) throws {
    precondition(kernelLength >= 1, "SSMRecurrence: kernelLength must be ≥ 1, got \(kernelLength)")
    let values = parameters.complexValues
    channels = parameters.channels
    outputChannels = parameters.outputChannels
    rank = parameters.rank
    let half = values.half
    let lanes = Self.stepLanes
    paddedHalf = (half + lanes - 1) / lanes * lanes
    layout = CoefficientLayout(outputChannels: outputChannels, rank: rank)
    var planes = [Scalar](repeating: 0, count: channels * layout.count * 2 * paddedHalf)
    var scalars = [Scalar]()
    let outputRows: [Complex<Double>]
    switch parameters.structure {
    case .diagonalPlusLowRank:
      outputRows = try values.untruncatedOutput(kernelLength: kernelLength)
    case .diagonal:
      outputRows = values.output
    }
    for channel in 0..<channels {
      let (rows, channelScalars) = Self.channelCoefficients(
        values: values, structure: parameters.structure, channel: channel, outputRows: outputRows)
      for (index, row) in rows.enumerated() {
        let base = (channel * layout.count + index) * 2 * paddedHalf
        for (n, value) in row.enumerated() {
          planes[base + n] = Scalar(value.real)
          planes[base + paddedHalf + n] = Scalar(value.imaginary)
        }
      }
      scalars += channelScalars.map { Scalar($0) }
    }
    coefficients = planes
    contractionCoefficients = scalars
  }

  /// A zero state for `batch` sequences.
  public func initialState(batch: Int) -> State {
    precondition(batch >= 1, "SSMRecurrence.initialState(batch:): batch must be ≥ 1, got \(batch)")
    return State(batchSize: batch, storage: Array(repeating: 0, count: batch * channels * stateStride))
  }

  /// The coefficient rows of one channel in Float64, in ``CoefficientLayout`` order, and (S4)
  /// the input coefficients β (R) of the contractions.
  private static func channelCoefficients(
    values: SSMComplexValues, structure: SSMStructure, channel: Int, outputRows: [Complex<Double>]
  ) -> (rows: [[Complex<Double>]], scalars: [Double]) {
    let half = values.half
    let outputs = (0..<values.outputChannels).map { c in
      Array(outputRows[((c * values.channels + channel) * half)..<((c * values.channels + channel + 1) * half)])
    }
    let delta = values.timeSteps[channel]
    let lambda = Array(values.eigenvalues(ofChannel: channel))
    let b = Array(values.input(ofChannel: channel))
    switch structure {
    case .diagonal(let discretization):
      let factors = DiagonalDiscretization(values: values, channel: channel, discretization: discretization)
      return ([factors.poles, zip(factors.inputFactors, b).map { $0 * $1 }] + outputs, [])
    case .diagonalPlusLowRank(let rank):
      let twoOverDelta = Complex(2 / delta)
      let e = lambda.map { twoOverDelta + $0 }
      let d = lambda.map { Complex<Double>.one / (twoOverDelta - $0) }
      let p = (0..<rank).map { Array(values.lowRank($0, ofChannel: channel)) }
      let twoB = b.map { Complex(2) * $0 }
      // M = I + 2·Re(Pᴴ·D·P), inverted in Float64; W = M⁻¹·(P̄∘D).
      var solver = SmallComplexInverse(size: rank)
      solver.invertIdentityPlus { r, s in
        Complex(2 * (0..<half).reduce(Complex<Double>.zero) { $0 + p[r][$1].conjugate * d[$1] * p[s][$1] }.real)
      }
      let w = (0..<rank).map { r in
        (0..<half).map { n in
          (0..<rank).reduce(Complex<Double>.zero) {
            $0 + Complex(solver.inverse[r * rank + $1].real) * p[$1][n].conjugate * d[n]
          }
        }
      }
      func twiceRealDot(_ a: [Complex<Double>], _ b: [Complex<Double>]) -> Double {
        2 * zip(a, b).reduce(Complex<Double>.zero) { $0 + $1.0 * $1.1 }.real
      }
      let beta = (0..<rank).map { r in twiceRealDot(w[r], twoB) }
      // Z_r = Σ_k (δ_rk + α_rk)·P̄_k + W_r∘E with α_rk = −2·Re(W_r·P_k).
      let z = (0..<rank).map { r in
        (0..<half).map { n in
          (0..<rank).reduce(w[r][n] * e[n]) { sum, k in
            sum + Complex((r == k ? 1 : 0) - twiceRealDot(w[r], p[k])) * p[k][n].conjugate
          }
        }
      }
      let rows =
        [zip(d, e).map { $0 * $1 }, zip(d, twoB).map { $0 * $1 }] + outputs + z
        + p.map { row in zip(d, row).map { $0 * $1 } }
      return (rows, beta)
    }
  }
}

/// The order of a channel's coefficient rows in ``SSMRecurrence``:
/// S4D — Ā, B̄, C_1…C_c; S4 — D∘E, 2(D∘B), C_1…C_c, Z_1…Z_R, (D∘P)_1…(D∘P)_R.
struct CoefficientLayout: Sendable {
  let outputChannels: Int
  let rank: Int

  /// The number of rows per channel.
  var count: Int { 2 + outputChannels + 2 * rank }
  /// The first output row C_1.
  var firstOutput: Int { 2 }
  /// The row of Z_r.
  func contraction(_ r: Int) -> Int { 2 + outputChannels + r }
  /// The row of (D∘P)_r.
  func scaledLowRank(_ r: Int) -> Int { 2 + outputChannels + rank + r }
}
