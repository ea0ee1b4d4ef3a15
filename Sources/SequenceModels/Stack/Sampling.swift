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
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func sample<Scalar: DifferentiableScalar>(
    _ logits: Tensor<Scalar>, using generator: inout SeededGenerator
  ) -> [Int] {
    precondition(logits.rank == 2, "sample: logits must be (B, V), got shape \(logits.shape)")
    let (rows, vocabulary) = (logits.shape[0], logits.shape[1])
    return logits.withUnsafeBufferPointer { scalars in
      (0..<rows).map { row in
        let values = (0..<vocabulary).map { Double(scalars[row * vocabulary + $0]) }
        return drawToken(values, using: &generator)
      }
    }
  }

  /// One draw from the tempered, top-k-truncated softmax of `logits`.
  func drawToken(_ logits: [Double], using generator: inout SeededGenerator) -> Int {
    var best = 0
    for token in logits.indices where logits[token] > logits[best] { best = token }
    if temperature == 0 { return best }
    let kept = topK.map { Self.largest($0, of: logits) } ?? Array(logits.indices)
    let weights = kept.map { Double.exp((logits[$0] - logits[best]) / temperature) }
    var threshold = generator.nextUnitDouble() * weights.reduce(0, +)
    for (token, weight) in zip(kept, weights) {
      threshold -= weight
      if threshold < 0 { return token }
    }
    return kept.last!
  }

  /// The indices of the `count` largest values, largest first (earlier index first among
  /// equals): one pass that inserts into a short sorted list, O(V·k) at worst and about O(V)
  /// for the small k of top-k sampling, instead of sorting all V logits every step.
  static func largest(_ count: Int, of values: [Double]) -> [Int] {
    var kept: [Int] = []
    kept.reserveCapacity(count + 1)
    for index in values.indices {
      if kept.count == count, let last = kept.last, values[index] <= values[last] { continue }
      var position = kept.count
      while position > 0 && values[kept[position - 1]] < values[index] { position -= 1 }
      kept.insert(index, at: position)
      if kept.count > count { kept.removeLast() }
    }
    return kept
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
