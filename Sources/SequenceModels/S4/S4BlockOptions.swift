import StateSpace
import Training

/// The settings of an ``S4Block``: which state space model it holds (S4 or S4D), its sizes and
/// initialisation, its reach in time, and the layers around the convolution.
///
/// The defaults follow the reference S4 layer (`configs/model/layer/s4.yaml`, S4-REFERENCE §5):
/// S4 with HiPPO-LegS, N = 64, n_ssm = 1, Δ log-uniform in [0.001, 0.1], exact GELU, no dropout,
/// and the optimizer recipe of App. D.2 on the state-space tensors.
public struct S4BlockOptions: Sendable, Equatable {
  /// The structure of the state matrix A.
  public enum Structure: Sendable, Equatable {
    /// S4: A = Λ − P·Pᴴ (diagonal plus low rank), bilinear discretization, the kernel from
    /// Cauchy sums and the Woodbury identity (paper §3, Algorithm 1).
    case diagonalPlusLowRank
    /// S4D: A = Λ diagonal, the kernel from Vandermonde sums (zero-order hold by default).
    case diagonal
  }

  /// S4 (``Structure/diagonalPlusLowRank``, the default) or S4D (``Structure/diagonal``).
  public var structure: Structure
  /// N, the real state size per channel: even, 64 by default (N/2 conjugate pairs are stored).
  public var stateSize: Int
  /// n_ssm, the number of distinct (Λ, P, B) copies shared by the channels; must divide the
  /// width. 1 by default (every channel shares them; Δ and C stay per channel).
  public var sharedCopies: Int
  /// R, the rank of the low-rank term of S4 (1 for LegS; ignored by S4D).
  public var rank: Int
  /// How (Λ, P, B) start out; `nil` picks ``SSMInitialization/s4LegS`` for S4 and
  /// ``SSMInitialization/s4dLegS`` for S4D (the reference's `init: legs`). S4 accepts only
  /// `.s4LegS`; S4D accepts the three diagonal initialisations.
  public var initialization: SSMInitialization?
  /// The discretization; `nil` picks bilinear for S4 (the only one its kernel is derived for)
  /// and zero-order hold for S4D.
  public var discretization: SSMDiscretization?
  /// Δ is drawn log-uniformly from this range, per channel. Default 0.001…0.1.
  public var timeStepRange: ClosedRange<Double>
  /// The longest kernel, in time steps (the reference's `l_max`); 1024 by default.
  ///
  /// The convolution kernel has min(L, maximumLength) taps for an input of length L, so
  /// longer inputs see a kernel truncated to this reach (the step mode does not truncate).
  /// S4 defines C̃ for the kernel length L₀ = the smallest power of two ≥ maximumLength
  /// (paper Lemma C.3) and always computes its kernel at L₀, keeping the first taps.
  public var maximumLength: Int
  /// Whether the block also looks ahead: two kernels per channel, one over the past and one
  /// over the future (the v4 reference's LRA configurations). A bidirectional block has no
  /// step mode. `false` by default.
  public var isBidirectional: Bool
  /// The dropout rate after the activation, with one mask value per (sequence, channel)
  /// shared by all time steps (the reference's tied dropout). 0 by default.
  public var dropoutRate: Double
  /// The form of the GELU after the convolution; the exact form (PyTorch's default) by
  /// default.
  public var geluApproximation: GELUApproximation
  /// The optimizer options of Δ, Λ, P and B: learning rate 0.001 and no weight decay by
  /// default (S4 App. D.2). C̃ (or C), D and the output layer inherit the optimizer's.
  public var stateSpaceParameterOptions: ParameterOptions

  /// Creates options; every argument has the reference's default.
  ///
  /// - Parameters:
  ///   - structure: S4 or S4D.
  ///   - stateSize: N, even and ≥ 2.
  ///   - sharedCopies: n_ssm, dividing the block's width.
  ///   - rank: R ≥ 1 (S4 only).
  ///   - initialization: `nil` for the structure's default.
  ///   - discretization: `nil` for the structure's default.
  ///   - timeStepRange: The log-uniform range of Δ; positive.
  ///   - maximumLength: The longest kernel, ≥ 1.
  ///   - isBidirectional: Whether the block also looks ahead.
  ///   - dropoutRate: In [0, 1).
  ///   - geluApproximation: Exact or tanh GELU.
  ///   - stateSpaceParameterOptions: The optimizer options of Δ, Λ, P, B.
  public init(
    structure: Structure = .diagonalPlusLowRank, stateSize: Int = 64, sharedCopies: Int = 1,
    rank: Int = 1, initialization: SSMInitialization? = nil,
    discretization: SSMDiscretization? = nil, timeStepRange: ClosedRange<Double> = 0.001...0.1,
    maximumLength: Int = 1024, isBidirectional: Bool = false, dropoutRate: Double = 0,
    geluApproximation: GELUApproximation = .none,
    stateSpaceParameterOptions: ParameterOptions = ParameterOptions(
      learningRate: 0.001, weightDecay: 0)
  ) {
    self.structure = structure
    self.stateSize = stateSize
    self.sharedCopies = sharedCopies
    self.rank = rank
    self.initialization = initialization
    self.discretization = discretization
    self.timeStepRange = timeStepRange
    self.maximumLength = maximumLength
    self.isBidirectional = isBidirectional
    self.dropoutRate = dropoutRate
    self.geluApproximation = geluApproximation
    self.stateSpaceParameterOptions = stateSpaceParameterOptions
  }

  /// The reference S4 block (DPLR, HiPPO-LegS, bilinear) with every other option at its default.
  public static var s4: S4BlockOptions { S4BlockOptions(structure: .diagonalPlusLowRank) }

  /// The S4D block (diagonal, S4D-LegS, zero-order hold) with every other option at its default.
  public static var s4d: S4BlockOptions { S4BlockOptions(structure: .diagonal) }

  /// The initialisation after defaults: `.s4LegS` for S4, `.s4dLegS` for S4D.
  public var resolvedInitialization: SSMInitialization {
    initialization ?? (structure == .diagonalPlusLowRank ? .s4LegS : .s4dLegS)
  }

  /// The discretization after defaults: bilinear for S4, zero-order hold for S4D.
  public var resolvedDiscretization: SSMDiscretization {
    discretization ?? (structure == .diagonalPlusLowRank ? .bilinear : .zeroOrderHold)
  }

  /// L₀, the length at which the kernel is computed: S4's smallest power of two ≥
  /// ``maximumLength`` (its FFT-based kernel needs one), S4D's ``maximumLength``.
  public var kernelLength: Int {
    guard structure == .diagonalPlusLowRank else { return maximumLength }
    var length = 1
    while length < maximumLength { length *= 2 }
    return Swift.max(length, 2)
  }

  /// Stops with a message naming the inconsistent option (called by ``S4Block``'s initialiser).
  func validate(width: Int) {
    let resolved = resolvedInitialization
    precondition(
      resolved.isDiagonalPlusLowRank == (structure == .diagonalPlusLowRank),
      "S4Block: initialization \(resolved) does not fit structure \(structure) (S4 takes .s4LegS, S4D the diagonal ones)"
    )
    precondition(
      structure == .diagonal || resolvedDiscretization == .bilinear,
      "S4Block: the S4 (DPLR) kernel is derived for the bilinear discretization, got \(resolvedDiscretization)"
    )
    precondition(
      stateSize >= 2 && stateSize % 2 == 0,
      "S4Block: the state size N must be even and ≥ 2, got \(stateSize)")
    precondition(
      sharedCopies >= 1 && width % sharedCopies == 0,
      "S4Block: sharedCopies (n_ssm) = \(sharedCopies) must divide the width \(width)")
    precondition(rank >= 1, "S4Block: rank must be ≥ 1, got \(rank)")
    precondition(maximumLength >= 1, "S4Block: maximumLength must be ≥ 1, got \(maximumLength)")
    precondition(
      timeStepRange.lowerBound > 0, "S4Block: the Δ range must be positive, got \(timeStepRange)")
    precondition(
      dropoutRate >= 0 && dropoutRate < 1,
      "S4Block: the dropout rate must be in [0, 1), got \(dropoutRate)")
  }
}
