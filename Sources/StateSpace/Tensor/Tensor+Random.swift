extension Tensor where Scalar: BinaryFloatingPoint {
  /// A tensor of independent normal samples.
  ///
  /// - Parameters:
  ///   - shape: The shape of the result.
  ///   - mean: The mean of every sample.
  ///   - standardDeviation: The standard deviation of every sample.
  ///   - generator: The seeded generator to draw from (advanced by the call).
  @inlinable
  public static func randomNormal(
    shape: [Int], mean: Double = 0, standardDeviation: Double = 1,
    using generator: inout SeededGenerator
  ) -> Tensor {
    Tensor(shape: shape) { _ in
      Scalar(mean + standardDeviation * generator.nextStandardNormal())
    }
  }

  /// A tensor of independent samples uniform in `range`.
  ///
  /// - Parameters:
  ///   - shape: The shape of the result.
  ///   - range: The interval to sample from (lower bound included, upper bound excluded).
  ///   - generator: The seeded generator to draw from (advanced by the call).
  @inlinable
  public static func randomUniform(
    shape: [Int], in range: Range<Double>, using generator: inout SeededGenerator
  ) -> Tensor {
    Tensor(shape: shape) { _ in
      Scalar(range.lowerBound + (range.upperBound - range.lowerBound) * generator.nextUnitDouble())
    }
  }
}
