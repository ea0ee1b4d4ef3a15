import StateSpace
import Training

/// The S4 block (S4-REFERENCE §5.2, the reference `S4Block`): a state space convolution over
/// time per channel, the D skip, GELU, dropout, and a position-wise Linear(H → 2H) + GLU.
///
///     v = K ∗ u + D∘u,   z = dropout(GELU(v)),   y = GLU(z·W + b)
///
/// K is the SSM convolution kernel of every channel (paper §3.3): S4's from its DPLR
/// parameters (Cauchy sums and Woodbury, Algorithm 1) or S4D's from its diagonal ones
/// (Vandermonde sums) — ``S4BlockOptions/structure``. A causal block convolves with the past
/// only and can also run step by step through the equivalent recurrence (paper §3.3, App. C.2);
/// a bidirectional block adds a second kernel over the future and has no step mode.
///
/// On the tape the kernel and the convolution are one op each: the kernel's inputs are the SSM
/// parameters and its pullback the hand-derived kernel backward of StateSpace; the
/// convolution (with the D skip and GELU folded into one elementwise pass) takes u, K and D
/// and keeps its spectra for the backward pass.
///
/// Parameters, named under `name`: `log_dt`, `log_neg_re_lambda`, `im_lambda`, `P` (S4 only),
/// `B` (the state-space group, ``S4BlockOptions/stateSpaceParameterOptions``), `C` (C̃ for S4),
/// `D`, `output_linear.weight`, `output_linear.bias` (the optimizer's defaults).
///
/// Shape legend: B batch, L length, H width, N state size.
public struct S4Block<Scalar: DifferentiableScalar & SSMScalar>: SequenceLayer {
  /// The options the block was built with.
  public let options: S4BlockOptions
  /// The SSM tensors as parameters, in the order of ``SSMParameters/namedTensors``.
  public let stateSpaceParameters: [Parameter<Scalar>]
  /// D, (H): the skip connection y += D∘u, initially standard normal (as the reference).
  public let skip: Parameter<Scalar>
  /// The output layer, H → 2H, followed by GLU.
  public let outputLinear: Linear<Scalar>
  /// The structure the SSM tensors describe (S4 with its rank, or S4D with its discretization).
  let structure: SSMStructure
  /// H.
  public let width: Int

  /// Creates a block with freshly initialised parameters.
  ///
  /// Random draws, in order: the SSM parameters (log Δ, then C; see
  /// ``SSMParameters/init(configuration:generator:)``), D, then the output layer.
  ///
  /// - Parameters:
  ///   - width: H ≥ 1.
  ///   - options: Structure, sizes, initialisation, reach, dropout, GELU form.
  ///   - name: The dotted path of the block in its model; parameter names start with it.
  ///   - generator: The seeded generator for the initial values.
  /// - Throws: ``LinearAlgebraError`` when the HiPPO eigendecomposition or S4's C̃ set-up
  ///   fails (neither happens for the LegS matrices of any practical N).
  public init(
    width: Int, options: S4BlockOptions = .s4, name: String, generator: inout SeededGenerator
  ) throws {
    precondition(width >= 1, "S4Block: width must be ≥ 1, got \(width)")
    options.validate(width: width)
    let configuration = SSMConfiguration(
      channels: width, stateSize: options.stateSize, sharedCopies: options.sharedCopies,
      rank: options.rank, outputChannels: options.isBidirectional ? 2 : 1,
      initialization: options.resolvedInitialization, discretization: options.resolvedDiscretization,
      timeStepRange: options.timeStepRange, kernelLength: options.kernelLength)
    let ssm = try SSMParameters<Scalar>(configuration: configuration, generator: &generator)
    self.options = options
    self.width = width
    structure = ssm.structure
    stateSpaceParameters = ssm.namedTensors.map { named in
      Parameter(
        name: "\(name).\(named.name)", value: named.tensor,
        options: named.group == .stateSpace ? options.stateSpaceParameterOptions : .inherited)
    }
    skip = Parameter(
      name: "\(name).D", value: .randomNormal(shape: [width], using: &generator))
    outputLinear = Linear(
      inputSize: width, outputSize: 2 * width, name: "\(name).output_linear", generator: &generator)
  }

  /// The SSM tensors, D, W and b, in that order.
  public var parameters: [Parameter<Scalar>] {
    stateSpaceParameters + [skip] + outputLinear.parameters
  }

  /// H.
  public var inputSize: Int { width }
  /// H (GLU halves the output layer's 2H).
  public var outputSize: Int { width }
  /// `true` unless the block is bidirectional.
  public var isCausal: Bool { !options.isBidirectional }

  /// The current values of the SSM parameters as StateSpace's parameter set.
  public var stateSpaceValues: SSMParameters<Scalar> {
    SSMParameters(
      structure: structure,
      namedTensors: zip(SSMParameters<Scalar>.tensorNames(for: structure), stateSpaceParameters).map {
        (name: $0, tensor: $1.value)
      })
  }

  /// The number of kernel taps used for an input of length L: min(L, maximum length).
  func kernelTaps(forLength length: Int) -> Int {
    Swift.min(length, options.maximumLength)
  }

  /// The length the kernel is computed at for an input of length L: S4's L₀ always (its C̃
  /// belongs to L₀), S4D's taps themselves (its kernel at any length is exact).
  func kernelComputeLength(forLength length: Int) -> Int {
    structure.rank > 0 ? options.kernelLength : kernelTaps(forLength: length)
  }
}
