import StateSpace

/// Optimizer options for the parameters whose names satisfy a predicate: the way to express
/// PyTorch-style parameter groups on top of per-parameter ``ParameterOptions``.
///
/// ```swift
/// // The S4 recipe: Δ, Λ, P, B at lr 0.001 without weight decay, the rest AdamW.
/// let ssm = ParameterGroup(
///   options: ParameterOptions(learningRate: 0.001, weightDecay: 0),
///   nameSuffixes: ["log_dt", "log_neg_re_lambda", "im_lambda", "P", "B"])
/// model.parameters.assign([ssm])
/// var optimizer = AdamW<Float>(learningRate: 0.004, weightDecay: 0.05)
/// ```
public struct ParameterGroup: Sendable {
  /// The options given to every parameter of the group.
  public var options: ParameterOptions
  /// Whether a parameter, by its dotted name, belongs to the group.
  public var contains: @Sendable (String) -> Bool

  /// A group of the parameters whose name satisfies `contains`.
  ///
  /// - Parameters:
  ///   - options: The options for the group's parameters.
  ///   - contains: The membership test on dotted parameter names.
  public init(options: ParameterOptions, where contains: @escaping @Sendable (String) -> Bool) {
    self.options = options
    self.contains = contains
  }

  /// A group of the parameters whose last name component (after the final `.`) is one of
  /// `nameSuffixes`: `layers.3.kernel.log_dt` belongs to the group of `log_dt`.
  ///
  /// - Parameters:
  ///   - options: The options for the group's parameters.
  ///   - nameSuffixes: Last components of dotted names.
  public init(options: ParameterOptions, nameSuffixes: Set<String>) {
    self.init(options: options) { name in
      let last = name.split(separator: ".", omittingEmptySubsequences: false).last.map(String.init)
      return last.map(nameSuffixes.contains) ?? false
    }
  }
}

extension Array {
  /// Gives each parameter the options of the first group that contains it; parameters in no
  /// group keep their options.
  ///
  /// - Parameter groups: The groups, in priority order.
  /// - Returns: How many parameters each group received, in the order of `groups`.
  @discardableResult
  public func assign<Scalar: DifferentiableScalar>(_ groups: [ParameterGroup]) -> [Int]
  where Element == Parameter<Scalar> {
    var counts = [Int](repeating: 0, count: groups.count)
    for parameter in self {
      guard let index = groups.firstIndex(where: { $0.contains(parameter.name) }) else { continue }
      parameter.options = groups[index].options
      counts[index] += 1
    }
    return counts
  }
}
