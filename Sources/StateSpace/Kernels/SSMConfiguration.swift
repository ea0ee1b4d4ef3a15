/// How an SSM layer's (Λ, P, B) start out.
public enum SSMInitialization: Sendable, Equatable, CaseIterable {
  /// S4 with the HiPPO-LegS matrix in DPLR form (paper §3 and App. C.1): Λ, P and B from
  /// ``DPLRDecomposition`` of LegS (rank-1 P, padded with zero rows to the configured rank).
  case s4LegS
  /// S4D-LegS: the diagonal part of the LegS DPLR form alone (Λ and B of ``s4LegS``, no P).
  case s4dLegS
  /// S4D-Inv: Λ_n = −½ − i·(N/π)·(N/(2n+1) − 1), B = 1 (an approximation of LegS's spectrum).
  case s4dInverse
  /// S4D-Lin: Λ_n = −½ − i·π·n, B = 1 (the damped Fourier basis).
  case s4dLinear

  /// Whether the layer keeps the low-rank term (S4) or is diagonal (S4D).
  public var isDiagonalPlusLowRank: Bool { self == .s4LegS }
}

/// How the continuous system x′ = A·x + B·u becomes a discrete recurrence with step Δ
/// (paper §2.3).
public enum SSMDiscretization: Sendable, Equatable, CaseIterable {
  /// The bilinear (Tustin) transform, paper eq. (3): Ā = (I − Δ/2·A)⁻¹(I + Δ/2·A),
  /// B̄ = (I − Δ/2·A)⁻¹·Δ·B. S4's DPLR kernel is derived for it.
  case bilinear
  /// Zero-order hold (diagonal A only): Ā = exp(Δ·Λ), B̄ = (exp(Δ·Λ) − 1)/Λ·B.
  case zeroOrderHold
}

/// Everything needed to initialise the state-space part of an S4 or S4D layer.
///
/// Shape legend: H channels, N state size (N/2 stored conjugate pairs), c output kernels per
/// channel (2 for bidirectional blocks).
public struct SSMConfiguration: Sendable, Equatable {
  /// H: the number of independent channels (the model width).
  public let channels: Int
  /// N: the real state size; must be even because one member of each conjugate pair is stored.
  public let stateSize: Int
  /// n_ssm: the number of distinct (Λ, P, B) copies; channel h uses copy h mod n_ssm.
  /// Must divide ``channels``. The reference configs default to 1 (all channels share them).
  public let sharedCopies: Int
  /// R: the rank of the low-rank term (S4 only; LegS needs 1, extra rows start at zero).
  public let rank: Int
  /// c: the number of output kernels per channel (1, or 2 for a bidirectional block).
  public let outputChannels: Int
  /// The initialisation of (Λ, P, B).
  public let initialization: SSMInitialization
  /// The discretization; S4 (``SSMInitialization/s4LegS``) requires ``SSMDiscretization/bilinear``.
  public let discretization: SSMDiscretization
  /// Δ is drawn log-uniformly from this range, per channel.
  public let timeStepRange: ClosedRange<Double>
  /// L: the kernel length. S4's C̃ = (I − Ā^L)ᵀ·C depends on it (paper Lemma C.3).
  public let kernelLength: Int
  /// The reference's `B_clip` for the LegS-based initialisations: Im B′ is clamped to
  /// [−inputClip, inputClip]; `nil` keeps the exact B′. With the pinned eigenvector phases of
  /// ``DPLRDecomposition`` LegS's B′ is real, so the clip changes nothing there.
  public let inputClip: Double?

  /// Creates a configuration.
  ///
  /// - Parameters:
  ///   - channels: H ≥ 1.
  ///   - stateSize: N, even and ≥ 2 (64 in the paper).
  ///   - sharedCopies: n_ssm, dividing H.
  ///   - rank: R ≥ 1 (S4 only).
  ///   - outputChannels: c ∈ {1, 2}.
  ///   - initialization: The initialisation of (Λ, P, B).
  ///   - discretization: Defaults to bilinear for S4 and zero-order hold for S4D.
  ///   - timeStepRange: The log-uniform range of Δ; positive.
  ///   - kernelLength: L ≥ 1.
  ///   - inputClip: The clip on Im B′ for LegS-based initialisations.
  public init(
    channels: Int, stateSize: Int = 64, sharedCopies: Int = 1, rank: Int = 1,
    outputChannels: Int = 1, initialization: SSMInitialization = .s4LegS,
    discretization: SSMDiscretization? = nil, timeStepRange: ClosedRange<Double> = 0.001...0.1,
    kernelLength: Int, inputClip: Double? = 2
  ) {
    precondition(channels >= 1, "SSMConfiguration: channels must be ≥ 1, got \(channels)")
    precondition(
      stateSize >= 2 && stateSize % 2 == 0,
      "SSMConfiguration: the state size N must be even and ≥ 2 (one eigenvalue of each conjugate pair is stored), got N = \(stateSize)"
    )
    precondition(
      sharedCopies >= 1 && channels % sharedCopies == 0,
      "SSMConfiguration: sharedCopies (n_ssm) must divide channels, got n_ssm = \(sharedCopies) for H = \(channels)"
    )
    precondition(rank >= 1, "SSMConfiguration: rank must be ≥ 1, got \(rank)")
    precondition(
      outputChannels == 1 || outputChannels == 2,
      "SSMConfiguration: outputChannels must be 1 or 2, got \(outputChannels)")
    let discretization = discretization ?? (initialization.isDiagonalPlusLowRank ? .bilinear : .zeroOrderHold)
    precondition(
      !initialization.isDiagonalPlusLowRank || discretization == .bilinear,
      "SSMConfiguration: S4 (DPLR) kernels are derived for the bilinear discretization, got \(discretization)"
    )
    precondition(
      timeStepRange.lowerBound > 0,
      "SSMConfiguration: the time-step range must be positive, got \(timeStepRange)")
    precondition(kernelLength >= 1, "SSMConfiguration: kernelLength must be ≥ 1, got \(kernelLength)")
    self.channels = channels
    self.stateSize = stateSize
    self.sharedCopies = sharedCopies
    self.rank = rank
    self.outputChannels = outputChannels
    self.initialization = initialization
    self.discretization = discretization
    self.timeStepRange = timeStepRange
    self.kernelLength = kernelLength
    self.inputClip = inputClip
  }
}
