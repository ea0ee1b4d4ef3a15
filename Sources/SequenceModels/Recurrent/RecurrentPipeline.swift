import StateSpace
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

// The time loop of a recurrent layer is sequential and runs on one core; the large GEMMs around
// it (the input projection before it, the input and weight gradients after it) are not, and
// each can be cut into chunks of time steps. Two threads then overlap them: the one that
// arrives first owns the time loop, the other takes GEMM chunks as they become possible. Chunks
// are claimed through an atomic counter, so either thread can do any of them: when the layer
// gets one core only (a busy or single-core machine, or a parallel loop running the two halves one
// after the other), the owner does everything itself in order and never waits for work that no
// running thread holds. Sums over chunks are formed in a fixed order whichever thread computes
// each term, so a training run is bitwise reproducible on one machine.

/// The chunks of one overlapped pass: which are claimed, which are done, who owns the loop.
final class RecurrentPipeline: Sendable {
  /// The number of chunks, at most 64 (the bits of `done`).
  let count: Int
  private let claimed = Atomic<Int>(0)
  private let done = Atomic<UInt64>(0)
  private let completed = Atomic<UInt64>(0)
  private let owner = Atomic<Bool>(false)

  /// Chunks of `length` steps: about 16 of at least 32 steps, so that the first is ready
  /// early and the last leaves little work after the loop.
  static func chunks(length: Int) -> [Range<Int>] {
    let size = max(32, (length + 15) / 16)
    return stride(from: 0, to: length, by: size).map { $0..<min(length, $0 + size) }
  }

  private init(count: Int) {
    precondition(count <= 64, "RecurrentPipeline: at most 64 chunks, got \(count)")
    self.count = count
  }

  /// Runs `prepare(c)` for every chunk, on either thread and in any order, and `step(c)` for
  /// c = 0 ..< `chunks` in order on one thread, each after `prepare(c)` has returned.
  static func prepareThenStep(chunks: Int, prepare: (Int) -> Void, step: (Int) -> Void) {
    let pipeline = RecurrentPipeline(count: chunks)
    pipeline.onTwoThreads { isOwner in
      if isOwner {
        for chunk in 0..<chunks {
          // Prepare the next unclaimed chunk rather than wait (it is this one or an earlier
          // one the other thread holds).
          while !pipeline.isDone(chunk) {
            if let next = pipeline.claim() {
              prepare(next)
              pipeline.markDone(next)
            } else {
              sched_yield()
            }
          }
          step(chunk)
        }
      } else {
        while let next = pipeline.claim() {
          prepare(next)
          pipeline.markDone(next)
        }
      }
    }
  }

  /// Runs `step(c)` for c = 0 ..< `chunks` in order on one thread, and `complete(c, copy)` for
  /// every chunk after its step, on either thread. `copy` = c mod 2 names one of two
  /// accumulators; the chunks of a copy complete in increasing order (c after c − 2), so that
  /// what a copy sums does not depend on which thread took which chunk, while the two copies
  /// let both threads accumulate at once.
  static func stepThenComplete(
    chunks: Int, step: (Int) -> Void, complete: (_ chunk: Int, _ copy: Int) -> Void
  ) {
    let pipeline = RecurrentPipeline(count: chunks)
    pipeline.onTwoThreads { isOwner in
      if isOwner {
        for chunk in 0..<chunks {
          step(chunk)
          pipeline.markDone(chunk)
        }
        while let next = pipeline.claim() { pipeline.completeInOrder(next, complete) }
      } else {
        while let next = pipeline.claim() {
          // The owner is running the loop that finishes this chunk.
          while !pipeline.isDone(next) { sched_yield() }
          pipeline.completeInOrder(next, complete)
        }
      }
    }
  }

  /// The next unclaimed chunk, or `nil` when all are claimed.
  private func claim() -> Int? {
    let chunk = claimed.wrappingAdd(1, ordering: .relaxed).oldValue
    return chunk < count ? chunk : nil
  }

  private func isDone(_ chunk: Int) -> Bool {
    done.load(ordering: .acquiring) & (1 << UInt64(chunk)) != 0
  }

  private func markDone(_ chunk: Int) {
    done.bitwiseOr(1 << UInt64(chunk), ordering: .releasing)
  }

  /// `complete(chunk, chunk mod 2)` once chunk − 2 has completed. Chunks are claimed in
  /// increasing order and each thread completes its claim before taking the next, so the
  /// smallest claimed, unfinished chunk never waits: no deadlock.
  private func completeInOrder(_ chunk: Int, _ complete: (_ chunk: Int, _ copy: Int) -> Void) {
    let previous: UInt64 = chunk >= 2 ? 1 << UInt64(chunk - 2) : 0
    while completed.load(ordering: .acquiring) & previous != previous { sched_yield() }
    complete(chunk, chunk % 2)
    completed.bitwiseOr(1 << UInt64(chunk), ordering: .releasing)
  }

  /// Runs `body(isOwner)` on two threads when there are several chunks and cores, else once
  /// as the owner. The first thread to start owns the loop.
  private func onTwoThreads(_ body: (_ isOwner: Bool) -> Void) {
    guard count > 1, Parallel.workerCount > 1 else { return body(true) }
    withoutActuallyEscaping(body) { body in
      let shared = UncheckedSendable(body)
      Parallel.forEachChunk(of: 2) { _ in
        shared.value(!owner.exchange(true, ordering: .relaxed))
      }
    }
  }
}
