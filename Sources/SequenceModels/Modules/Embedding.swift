import StateSpace
import Training

/// A lookup table from token ids to vectors: (…) ids → (…, D).
public struct Embedding<Scalar: DifferentiableScalar>: Module {
  /// The table, shape (V, D), initially standard normal (as PyTorch's `nn.Embedding`).
  public let table: Parameter<Scalar>

  /// Creates a table of `vocabularySize` vectors of width `size`.
  ///
  /// - Parameters:
  ///   - vocabularySize: V, the number of token ids.
  ///   - size: D, the width of each vector.
  ///   - name: The dotted path in the model; the parameter is `name.table`.
  ///   - generator: The seeded generator for the initial values.
  public init(vocabularySize: Int, size: Int, name: String, generator: inout SeededGenerator) {
    precondition(
      vocabularySize > 0 && size > 0,
      "Embedding(vocabularySize:size:): sizes must be positive, got \(vocabularySize) and \(size)")
    table = Parameter(
      name: name + ".table",
      value: .randomNormal(shape: [vocabularySize, size], using: &generator))
  }

  /// V.
  public var vocabularySize: Int { table.value.shape[0] }
  /// D.
  public var size: Int { table.value.shape[1] }

  /// The table.
  public var parameters: [Parameter<Scalar>] { [table] }

  /// The vectors of `ids` on the tape: (…) → (…, D).
  public func callAsFunction(_ ids: Tensor<Int>, on tape: Tape<Scalar>) -> Variable<Scalar> {
    tape.watch(table).gatheringRows(at: ids)
  }

  /// The vectors of `ids`, for inference and step code: (…) → (…, D).
  public func callAsFunction(_ ids: Tensor<Int>) -> Tensor<Scalar> {
    table.value.gatheringRows(at: ids)
  }
}
