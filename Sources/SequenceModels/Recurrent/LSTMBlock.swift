import StateSpace
import Training

/// One LSTM layer as a sequence block (Hochreiter and Schmidhuber 1997; the forget gate of
/// Gers et al. 2000), with PyTorch's `nn.LSTM` gate order and equations:
///
///     [aᵢ | a_f | a_g | a_o] = x_t·W_ih + h_{t−1}·W_hh + b
///     i = σ(aᵢ),  f = σ(a_f),  g = tanh(a_g),  o = σ(a_o)
///     c_t = f∘c_{t−1} + i∘g,   h_t = o∘tanh(c_t)
///
/// The output at step t is h_t; the whole-sequence mode starts from h₋₁ = c₋₁ = 0.
///
/// Whole sequences run as one tape op: the input projection of all B·L steps is one GEMM, each
/// step one (B, H′) × (H′, 4H′) GEMM and a vectorised cell update, and the pullback is a
/// hand-written backpropagation through time. The step mode carries (h, c) (``LSTMState``).
///
/// Parameters, named under `name`: `input_weight` W_ih (H, 4H′), `recurrent_weight`
/// W_hh (H′, 4H′) and `bias` b (4H′), columns [i | f | g | o] of H′ each (PyTorch's
/// `weight_ih_l0` and `weight_hh_l0` transposed, and `bias_ih_l0 + bias_hh_l0`). All start
/// uniform in ±1/√H′ as in PyTorch, the forget gate's bias included: no +1 offset.
///
/// Shape legend: B batch, L length, H input width, H′ hidden size.
public struct LSTMBlock<Scalar: DifferentiableScalar>: SequenceLayer {
  /// The settings the block was built with.
  public let options: RecurrentOptions
  /// W_ih, (H, 4H′).
  public let inputWeight: Parameter<Scalar>
  /// W_hh, (H′, 4H′).
  public let recurrentWeight: Parameter<Scalar>
  /// b, (4H′), or `nil` without biases.
  public let bias: Parameter<Scalar>?

  /// Creates a block with freshly initialised parameters.
  ///
  /// Random draws, in order: W_ih, W_hh, b.
  ///
  /// - Parameters:
  ///   - width: H, the input width.
  ///   - options: The hidden size H′ (H by default) and whether there is a bias.
  ///   - name: The dotted path of the block; parameters `name.input_weight`,
  ///     `name.recurrent_weight`, `name.bias`.
  ///   - generator: The seeded generator for the initial values (uniform in ±1/√H′).
  public init(
    width: Int, options: RecurrentOptions = RecurrentOptions(), name: String,
    generator: inout SeededGenerator
  ) {
    let hidden = options.resolvedHiddenSize(width: width, block: "LSTMBlock")
    let bound = 1 / Double(hidden).squareRoot()
    self.options = options
    inputWeight = Parameter(
      name: name + ".input_weight",
      value: .randomUniform(shape: [width, 4 * hidden], in: -bound..<bound, using: &generator))
    recurrentWeight = Parameter(
      name: name + ".recurrent_weight",
      value: .randomUniform(shape: [hidden, 4 * hidden], in: -bound..<bound, using: &generator))
    bias =
      options.hasBias
      ? Parameter(
        name: name + ".bias",
        value: .randomUniform(shape: [4 * hidden], in: -bound..<bound, using: &generator))
      : nil
  }

  /// H.
  public var inputSize: Int { inputWeight.value.shape[0] }
  /// H′.
  public var outputSize: Int { recurrentWeight.value.shape[0] }
  /// H′.
  public var hiddenSize: Int { outputSize }
  /// `true`: h_t depends on x₀ … x_t only.
  public var isCausal: Bool { true }

  /// W_ih, W_hh and, if present, b.
  public var parameters: [Parameter<Scalar>] {
    [inputWeight, recurrentWeight] + (bias.map { [$0] } ?? [])
  }

  /// The LSTM over whole sequences from the zero state: (B, L, H) → (B, L, H′).
  ///
  /// - Parameters:
  ///   - input: (B, L, H).
  ///   - tape: Where to record (the block has no dropout).
  /// - Returns: h_t of every step, (B, L, H′).
  public func callAsFunction(_ input: Variable<Scalar>, on tape: Tape<Scalar>) -> Variable<Scalar> {
    precondition(
      input.rank == 3 && input.shape[2] == inputSize && input.shape[0] > 0 && input.shape[1] > 0,
      "LSTMBlock: input must be (B, L, H = \(inputSize)), got \(input.shape)")
    return input.lstm(
      inputWeight: tape.watch(inputWeight), recurrentWeight: tape.watch(recurrentWeight),
      bias: bias.map { tape.watch($0) })
  }
}
