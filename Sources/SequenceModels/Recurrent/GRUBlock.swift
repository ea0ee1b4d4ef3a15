import StateSpace
import Training

/// One GRU layer as a sequence block (Cho et al. 2014), with PyTorch's `nn.GRU` gate order and
/// equations:
///
///     [x_r | x_z | x_n] = x_t·W_ih + b,   [u_r | u_z | u_n] = h_{t−1}·W_hh
///     r = σ(x_r + u_r),   z = σ(x_z + u_z),   n = tanh(x_n + r∘(u_n + b_hn))
///     h_t = (1 − z)∘n + z∘h_{t−1}
///
/// The output at step t is h_t; the whole-sequence mode starts from h₋₁ = 0.
///
/// Whole sequences run as one tape op: the input projection of all B·L steps is one GEMM, each
/// step one (B, H′) × (H′, 3H′) GEMM and a vectorised cell update, and the pullback is a
/// hand-written backpropagation through time. The step mode carries h (``GRUState``).
///
/// Parameters, named under `name`: `input_weight` W_ih (H, 3H′), `recurrent_weight`
/// W_hh (H′, 3H′), columns [r | z | n] of H′ each, and with biases `bias` b (3H′) and
/// `recurrent_bias` b_hn (H′). PyTorch's separate r and z biases only ever enter as sums, so
/// b = `bias_ih_l0` + (`bias_hh_l0` with its n part set to 0) and b_hn = the n part of
/// `bias_hh_l0`. All start uniform in ±1/√H′ as in PyTorch.
///
/// Shape legend: B batch, L length, H input width, H′ hidden size.
public struct GRUBlock<Scalar: DifferentiableScalar>: SequenceLayer {
  /// The settings the block was built with.
  public let options: RecurrentOptions
  /// W_ih, (H, 3H′).
  public let inputWeight: Parameter<Scalar>
  /// W_hh, (H′, 3H′).
  public let recurrentWeight: Parameter<Scalar>
  /// b, (3H′), or `nil` without biases.
  public let bias: Parameter<Scalar>?
  /// b_hn, (H′), or `nil` without biases.
  public let recurrentBias: Parameter<Scalar>?

  /// Creates a block with freshly initialised parameters.
  ///
  /// Random draws, in order: W_ih, W_hh, b, b_hn.
  ///
  /// - Parameters:
  ///   - width: H, the input width.
  ///   - options: The hidden size H′ (H by default) and whether there are biases.
  ///   - name: The dotted path of the block; parameters `name.input_weight`,
  ///     `name.recurrent_weight`, `name.bias`, `name.recurrent_bias`.
  ///   - generator: The seeded generator for the initial values (uniform in ±1/√H′).
  public init(
    width: Int, options: RecurrentOptions = RecurrentOptions(), name: String,
    generator: inout SeededGenerator
  ) {
    let hidden = options.resolvedHiddenSize(width: width, block: "GRUBlock")
    let bound = 1 / Double(hidden).squareRoot()
    func uniform(_ shape: [Int]) -> Tensor<Scalar> {
      .randomUniform(shape: shape, in: -bound..<bound, using: &generator)
    }
    self.options = options
    inputWeight = Parameter(name: name + ".input_weight", value: uniform([width, 3 * hidden]))
    recurrentWeight = Parameter(
      name: name + ".recurrent_weight", value: uniform([hidden, 3 * hidden]))
    bias = options.hasBias ? Parameter(name: name + ".bias", value: uniform([3 * hidden])) : nil
    recurrentBias =
      options.hasBias ? Parameter(name: name + ".recurrent_bias", value: uniform([hidden])) : nil
  }

  /// H.
  public var inputSize: Int { inputWeight.value.shape[0] }
  /// H′.
  public var outputSize: Int { recurrentWeight.value.shape[0] }
  /// H′.
  public var hiddenSize: Int { outputSize }
  /// `true`: h_t depends on x₀ … x_t only.
  public var isCausal: Bool { true }

  /// W_ih, W_hh and, if present, b and b_hn.
  public var parameters: [Parameter<Scalar>] {
    [inputWeight, recurrentWeight] + [bias, recurrentBias].compactMap { $0 }
  }

  /// The GRU over whole sequences from the zero state: (B, L, H) → (B, L, H′).
  ///
  /// - Parameters:
  ///   - input: (B, L, H).
  ///   - tape: Where to record (the block has no dropout).
  /// - Returns: h_t of every step, (B, L, H′).
  public func callAsFunction(_ input: Variable<Scalar>, on tape: Tape<Scalar>) -> Variable<Scalar> {
    precondition(
      input.rank == 3 && input.shape[2] == inputSize && input.shape[0] > 0 && input.shape[1] > 0,
      "GRUBlock: input must be (B, L, H = \(inputSize)), got \(input.shape)")
    return input.gru(
      inputWeight: tape.watch(inputWeight), recurrentWeight: tape.watch(recurrentWeight),
      bias: bias.map { tape.watch($0) }, recurrentBias: recurrentBias.map { tape.watch($0) })
  }
}
