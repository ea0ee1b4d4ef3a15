/// The settings of an ``LSTMBlock`` or a ``GRUBlock``: the hidden size H′ and whether the gates
/// have biases.
///
/// Shape legend: H the input width, H′ the hidden (and output) size.
public struct RecurrentOptions: Sendable, Equatable {
  /// H′, the hidden size and output width; `nil` (the default) makes it equal to the input
  /// width H, as a block inside a residual stack needs.
  public var hiddenSize: Int?
  /// Whether the gate pre-activations have biases. `true` by default.
  public var hasBias: Bool

  /// Creates options.
  ///
  /// - Parameters:
  ///   - hiddenSize: H′, or `nil` for H′ = H.
  ///   - hasBias: Whether the gates have biases.
  public init(hiddenSize: Int? = nil, hasBias: Bool = true) {
    self.hiddenSize = hiddenSize
    self.hasBias = hasBias
  }

  /// H′ for an input of width `width`, after checking both sizes.
  func resolvedHiddenSize(width: Int, block: String) -> Int {
    let hidden = hiddenSize ?? width
    precondition(
      width > 0 && hidden > 0,
      "\(block)(width:options:): width \(width) and hidden size \(hidden) must be positive")
    return hidden
  }
}
