import RealModule
import StateSpace
import Training

/// How the next token is drawn from the model's logits.
public struct SamplingOptions: Sendable, Equatable {
  /// Logits are divided by this before the softmax; below 1 sharpens, above 1 flattens.
  /// Zero means greedy (the most likely token).
  public var temperature: Double
  /// Only the `topK` most likely tokens can be drawn (`nil`: all).
  public var topK: Int?

  /// Creates sampling options.
  public init(temperature: Double = 1, topK: Int? = nil) {
    precondition(temperature >= 0, "SamplingOptions: temperature \(temperature) is negative")
    precondition(topK.map { $0 > 0 } ?? true, "SamplingOptions: topK must be positive")
    self.temperature = temperature
    self.topK = topK
  }
}

extension SamplingOptions {
  /// Draws one token per row of `logits` (B, V), for callers that drive the step loop
  /// themselves.
  ///
  /// - Parameters:
  ///   - logits: (B, V) unnormalised log-probabilities.
  ///   - generator: The seeded generator for the draws.
  /// - Returns: B token ids.
  public func sample<Scalar: DifferentiableScalar>(
    _ logits: Tensor<Scalar>, using generator: inout SeededGenerator
  ) -> [Int] {
    precondition(logits.rank == 2, "sample: logits must be (B, V), got shape \(logits.shape)")
    let vocabulary = logits.shape[1]
    return (0..<logits.shape[0]).map { row in
      let values = (0..<vocabulary).map { Double(logits.scalars[row * vocabulary + $0]) }
      return drawToken(values, using: &generator)
    }
  }

  /// One draw from the tempered, top-k-truncated softmax of `logits`.
  func drawToken(_ logits: [Double], using generator: inout SeededGenerator) -> Int {
    let ranked = logits.indices.sorted { logits[$0] > logits[$1] }
    if temperature == 0 { return ranked[0] }
    let kept = ranked.prefix(min(topK ?? logits.count, logits.count))
    let maximum = logits[ranked[0]]
    let weights = kept.map { Double.exp((logits[$0] - maximum) / temperature) }
    let total = weights.reduce(0, +)
    var threshold = generator.nextUnitDouble() * total
    for (token, weight) in zip(kept, weights) {
      threshold -= weight
      if threshold < 0 { return token }
    }
    return kept.last!
  }
}

extension SequenceModel {
  /// Autoregressive generation through the step interface.
  ///
  /// The prompts are fed one token at a time (every block steps through its recurrent form:
  /// S4 and S4D their discretized state, attention its key/value cache), then `count` tokens
  /// are drawn, each fed back as the next input.
  ///
  /// - Parameters:
  ///   - prompts: B prompts of equal, non-zero length.
  ///   - count: How many tokens to generate after each prompt.
  ///   - sampling: Temperature and top-k.
  ///   - generator: The seeded generator for the draws.
  /// - Returns: The B generated continuations (without the prompts).
  public func generate(
    prompts: [[Int]], count: Int, sampling: SamplingOptions = SamplingOptions(),
    generator: inout SeededGenerator
  ) -> [[Int]] {
    precondition(!prompts.isEmpty, "generate: no prompts")
    let length = prompts[0].count
    precondition(
      length > 0 && prompts.allSatisfy { $0.count == length },
      "generate: prompts must be non-empty and of equal length, got lengths \(prompts.map(\.count))")
    precondition(count >= 0, "generate: count \(count) is negative")
    var state = initialState(batchSize: prompts.count)
    var logits = Tensor<Scalar>(zeros: [prompts.count, 0])
    for t in 0..<length {
      logits = step(tokens: Tensor(shape: [prompts.count], scalars: prompts.map { $0[t] }), state: &state)
    }
    var generated = [[Int]](repeating: [], count: prompts.count)
    for index in 0..<count {
      let next = sampling.sample(logits, using: &generator)
      for row in next.indices { generated[row].append(next[row]) }
      if index + 1 < count {
        logits = step(tokens: Tensor(shape: [next.count], scalars: next), state: &state)
      }
    }
    return generated
  }
}
