import Synchronization

extension Parallel {
  /// Calls `body` once per worker with a sequence of indices of `0..<count` that the workers
  /// claim from a shared counter, `grain` at a time: together the sequences cover every index
  /// once.
  ///
  /// ``forEachChunk(of:minimumChunk:_:)`` fixes each worker's share in advance, so a worker
  /// that starts late (a thread woken after the caller, a virtual CPU taken away for a time
  /// slice) holds back the whole call while the others sit idle. Here the others take over
  /// its indices. Each worker still walks its claims in increasing order.
  ///
  /// - Parameters:
  ///   - count: The number of items.
  ///   - grain: Indices per claim and the least work worth a worker (as `minimumChunk`).
  ///   - body: Processes the indices it is given. It runs concurrently with itself and must
  ///     only write to memory that belongs to its indices.
  static func forEachClaimed(of count: Int, grain: Int = 1, _ body: (ClaimedIndices) -> Void) {
    guard count > 0 else { return }
    let grain = max(1, grain)
    let counter = ClaimCounter()
    let workers = min(workerCount, max(1, count / grain))
    // One range per worker when they run in parallel; a nested call gets one range of all
    // workers on its own thread, and its single body claims every index.
    forEachChunk(of: workers) { _ in
      body(ClaimedIndices(counter: counter, count: count, grain: grain))
    }
  }
}

/// The shared position of a ``Parallel/forEachClaimed(of:grain:_:)`` loop.
final class ClaimCounter: Sendable {
  let next = Atomic<Int>(0)
}

/// The indices one worker claims in ``Parallel/forEachClaimed(of:grain:_:)``.
struct ClaimedIndices: Sequence, IteratorProtocol {
  let counter: ClaimCounter
  let count: Int
  let grain: Int
  private var current = 0..<0

  init(counter: ClaimCounter, count: Int, grain: Int) {
    self.counter = counter
    self.count = count
    self.grain = grain
  }

  /// The next index of the current claim, or of a new one; nil when every index is taken.
  /// Relaxed ordering is enough: each index goes to one worker only, and the writes of the
  /// bodies are published by the join at the end of the loop.
  mutating func next() -> Int? {
    if current.isEmpty {
      let start = counter.next.wrappingAdd(grain, ordering: .relaxed).oldValue
      guard start < count else { return nil }
      current = start..<Swift.min(count, start + grain)
    }
    return current.popFirst()
  }
}
