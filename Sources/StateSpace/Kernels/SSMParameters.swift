import ComplexModule
import RealModule

/// Which kernel a set of SSM parameters describes.
public enum SSMStructure: Sendable, Equatable {
  /// S4: A = Λ − Σ_r P_r·P_rᴴ (Q = conj P tied, paper §3.4), bilinear discretization, kernel
  /// through Cauchy sums and the Woodbury identity; the output tensor holds C̃.
  case diagonalPlusLowRank(rank: Int)
  /// S4D: A = Λ, kernel through Vandermonde sums; the output tensor holds C itself.
  case diagonal(SSMDiscretization)

  /// R, the number of low-rank terms (0 for a diagonal system).
  public var rank: Int {
    switch self {
    case .diagonalPlusLowRank(let rank): rank
    case .diagonal: 0
    }
  }
}

/// The optimizer group of an SSM tensor (the S4 training recipe, reference App. D.2).
public enum SSMParameterGroup: Sendable, Equatable {
  /// Δ, Λ, P and B: trained at learning rate 0.001 without weight decay.
  case stateSpace
  /// C̃ (or C): trained with the optimizer's defaults.
  case output
}

/// The trainable tensors of the state-space part of an S4 or S4D layer, all real.
///
/// Complex values are stored as a trailing axis of 2 (real, imaginary). Shape legend: H
/// channels, n_ssm shared copies of (Λ, P, B) (channel h uses copy h mod n_ssm), N/2 stored
/// conjugate pairs, R rank, c output kernels per channel.
///
/// | name | tensor | shape | group |
/// | --- | --- | --- | --- |
/// | `log_dt` | log Δ | (H) | state space |
/// | `log_neg_re_lambda` | log(−Re Λ) (so Re Λ < 0 always) | (n_ssm, N/2) | state space |
/// | `im_lambda` | Im Λ | (n_ssm, N/2) | state space |
/// | `P` (S4 only) | P | (R, n_ssm, N/2, 2) | state space |
/// | `B` | B | (n_ssm, N/2, 2) | state space |
/// | `C` | C̃ (S4) or C (S4D) | (c, H, N/2, 2) | output |
///
/// The same type carries gradients: a kernel's backward pass returns an `SSMParameters` whose
/// tensors are the gradients of the corresponding parameters.
public struct SSMParameters<Scalar: SSMScalar>: Sendable {
  /// The kernel these parameters describe.
  public let structure: SSMStructure
  /// log Δ, (H).
  public let logTimeStep: Tensor<Scalar>
  /// log(−Re Λ), (n_ssm, N/2).
  public let logNegativeRealEigenvalues: Tensor<Scalar>
  /// Im Λ, (n_ssm, N/2).
  public let imaginaryEigenvalues: Tensor<Scalar>
  /// P, (R, n_ssm, N/2, 2); R = 0 for a diagonal system.
  public let lowRank: Tensor<Scalar>
  /// B, (n_ssm, N/2, 2).
  public let input: Tensor<Scalar>
  /// C̃ for S4, C for S4D, (c, H, N/2, 2).
  public let output: Tensor<Scalar>

  /// A named tensor with its optimizer group.
  public struct NamedTensor: Sendable {
    /// The stable name (see the table on ``SSMParameters``).
    public let name: String
    /// The tensor.
    public let tensor: Tensor<Scalar>
    /// The optimizer group it belongs to.
    public let group: SSMParameterGroup
  }

  /// Creates parameters from their tensors, checking that the shapes agree.
  ///
  /// - Parameters:
  ///   - structure: S4 (with its rank) or S4D (with its discretization).
  ///   - logTimeStep: log Δ, (H).
  ///   - logNegativeRealEigenvalues: log(−Re Λ), (n_ssm, N/2).
  ///   - imaginaryEigenvalues: Im Λ, (n_ssm, N/2).
  ///   - lowRank: P, (R, n_ssm, N/2, 2); ignored shape (0, n_ssm, N/2, 2) for S4D.
  ///   - input: B, (n_ssm, N/2, 2).
  ///   - output: C̃ or C, (c, H, N/2, 2).
  public init(
    structure: SSMStructure, logTimeStep: Tensor<Scalar>, logNegativeRealEigenvalues: Tensor<Scalar>,
    imaginaryEigenvalues: Tensor<Scalar>, lowRank: Tensor<Scalar>, input: Tensor<Scalar>,
    output: Tensor<Scalar>
  ) {
    let h = logTimeStep.shape.first ?? 0
    let copies = logNegativeRealEigenvalues.shape.first ?? 0
    let half = logNegativeRealEigenvalues.rank == 2 ? logNegativeRealEigenvalues.shape[1] : 0
    let c = output.shape.first ?? 0
    let shapes =
      "log_dt \(logTimeStep.shape), log_neg_re_lambda \(logNegativeRealEigenvalues.shape), im_lambda \(imaginaryEigenvalues.shape), P \(lowRank.shape), B \(input.shape), C \(output.shape)"
    precondition(
      logTimeStep.rank == 1 && h >= 1 && logNegativeRealEigenvalues.rank == 2 && copies >= 1
        && half >= 1 && h % copies == 0
        && imaginaryEigenvalues.shape == [copies, half]
        && lowRank.shape == [structure.rank, copies, half, 2]
        && input.shape == [copies, half, 2]
        && output.rank == 4 && (c == 1 || c == 2) && output.shape == [c, h, half, 2],
      "SSMParameters(\(structure)): inconsistent shapes: \(shapes)")
    self.structure = structure
    self.logTimeStep = logTimeStep
    self.logNegativeRealEigenvalues = logNegativeRealEigenvalues
    self.imaginaryEigenvalues = imaginaryEigenvalues
    self.lowRank = lowRank
    self.input = input
    self.output = output
  }

  /// Creates parameters from a list of named tensors (for example the current values of a
  /// layer's `Parameter`s), in any order.
  ///
  /// - Parameters:
  ///   - structure: S4 (with its rank) or S4D (with its discretization).
  ///   - namedTensors: One tensor per name of ``tensorNames(for:)``.
  public init(structure: SSMStructure, namedTensors: [(name: String, tensor: Tensor<Scalar>)]) {
    var byName: [String: Tensor<Scalar>] = [:]
    for (name, tensor) in namedTensors {
      precondition(byName[name] == nil, "SSMParameters(namedTensors:): '\(name)' appears twice")
      byName[name] = tensor
    }
    let expected = SSMParameters.tensorNames(for: structure)
    precondition(
      Set(byName.keys) == Set(expected),
      "SSMParameters(namedTensors:): expected the names \(expected) for \(structure), got \(namedTensors.map(\.name))"
    )
    let copies = byName["log_neg_re_lambda"]!.shape.first ?? 0
    let half = byName["log_neg_re_lambda"]!.shape.last ?? 0
    self.init(
      structure: structure, logTimeStep: byName["log_dt"]!,
      logNegativeRealEigenvalues: byName["log_neg_re_lambda"]!,
      imaginaryEigenvalues: byName["im_lambda"]!,
      lowRank: byName["P"] ?? Tensor(zeros: [0, copies, half, 2]), input: byName["B"]!,
      output: byName["C"]!)
  }

  /// The tensor names a structure uses, in the stable order of ``namedTensors``.
  public static func tensorNames(for structure: SSMStructure) -> [String] {
    structure.rank > 0
      ? ["log_dt", "log_neg_re_lambda", "im_lambda", "P", "B", "C"]
      : ["log_dt", "log_neg_re_lambda", "im_lambda", "B", "C"]
  }

  /// Every trainable tensor with its name and optimizer group, in a stable order (P is absent
  /// for S4D).
  public var namedTensors: [NamedTensor] {
    var list = [
      NamedTensor(name: "log_dt", tensor: logTimeStep, group: .stateSpace),
      NamedTensor(name: "log_neg_re_lambda", tensor: logNegativeRealEigenvalues, group: .stateSpace),
      NamedTensor(name: "im_lambda", tensor: imaginaryEigenvalues, group: .stateSpace),
    ]
    if structure.rank > 0 { list.append(NamedTensor(name: "P", tensor: lowRank, group: .stateSpace)) }
    list.append(NamedTensor(name: "B", tensor: input, group: .stateSpace))
    list.append(NamedTensor(name: "C", tensor: output, group: .output))
    return list
  }

  /// H, the number of channels.
  public var channels: Int { logTimeStep.shape[0] }
  /// n_ssm, the number of distinct (Λ, P, B) copies.
  public var sharedCopies: Int { logNegativeRealEigenvalues.shape[0] }
  /// N, the real state size (twice the number of stored pairs).
  public var stateSize: Int { 2 * logNegativeRealEigenvalues.shape[1] }
  /// c, the number of output kernels per channel.
  public var outputChannels: Int { output.shape[0] }
  /// R, the rank of the low-rank term (0 for S4D).
  public var rank: Int { structure.rank }
}
