import _FFTKernels
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The threads behind ``Parallel``: `workerCount − 1` workers that stay awake for a short while
/// after each loop, so that the next loop starts on every core at once.
///
/// A loop handed to Dispatch (`concurrentPerform`) waits for a parked worker thread to be
/// scheduled: 25–45 µs on the 2-core VM of `Benchmarks/RESULTS.md`, paid again at the join.
/// Against a 1 ms FFT of 256 rows that is 6–8 %, and a training step runs dozens of such
/// loops. Here the workers spin on a generation word (with the pause hint) for
/// ``spinNanoseconds`` after their last chunk and only then sleep in the kernel; back-to-back
/// loops find them spinning.
///
/// One loop runs at a time. A loop started while another is running (from a different thread:
/// nested loops never get here) falls back to Dispatch, so callers never wait for each other.
///
/// A loop is published as one 64-bit claim word, generation (32 bits) · chunk count (16 bits) ·
/// next chunk (16 bits). A participant claims a chunk by a compare-and-swap that also checks the
/// generation, so a worker that wakes late can never take a chunk of a later loop with the
/// body of an earlier one; the body pointer is read only after a successful claim, while the
/// caller still waits for that chunk.
final class WorkerPool: @unchecked Sendable {
  /// How long a worker spins after its last chunk before it sleeps: long enough to bridge the
  /// serial code between the loops of one training step or benchmark repetition, short enough
  /// that an idle program stops using its cores at once.
  static let spinNanoseconds = 200_000

  /// The shared pool, started on the first parallel loop.
  static let shared = WorkerPool(workers: Parallel.workerCount - 1)

  /// Threads besides the caller's.
  let workers: Int

  /// The generation word and its sleeper count, in memory that does not move (the futex
  /// waits on its address).
  private let wake: UnsafeMutablePointer<UInt32>
  private let sleepers: UnsafeMutablePointer<Int32>
  /// generation · count · next chunk; see the type's documentation.
  private let claim = Atomic<UInt64>(0)
  /// Chunks of the current loop that have finished.
  private let finished = Atomic<Int>(0)
  /// The current loop's body: the address of a `(Int) -> Void` on the caller's stack.
  private let body = Atomic<Int>(0)
  /// Whether a loop is running.
  private let busy = Atomic<Bool>(false)
  /// The generation of the last loop; written only by the caller that holds `busy`.
  private var generation: UInt32 = 0

  private init(workers: Int) {
    self.workers = max(0, workers)
    wake = .allocate(capacity: 1)
    wake.initialize(to: 0)
    sleepers = .allocate(capacity: 1)
    sleepers.initialize(to: 0)
    for _ in 0..<self.workers { startThread() }
  }

  /// Runs `body(chunk)` for every chunk in `0..<chunks`, on the calling thread and the
  /// workers, and returns when all have finished. Returns `false`, running nothing, when
  /// another loop holds the pool.
  func run(chunks: Int, _ body: (Int) -> Void) -> Bool {
    precondition(chunks >= 0 && chunks < 1 << 16, "WorkerPool.run: \(chunks) chunks (at most 65535)")
    guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
      return false
    }
    withoutActuallyEscaping(body) { body in
      var closure = body
      withUnsafeMutablePointer(to: &closure) { closure in
        generation &+= 1
        finished.store(0, ordering: .relaxed)
        self.body.store(Int(bitPattern: UnsafeMutableRawPointer(closure)), ordering: .relaxed)
        claim.store(UInt64(generation) << 32 | UInt64(chunks) << 16, ordering: .releasing)
        s4_wait_word_advance(wake, sleepers)
        runChunks(of: generation)
        var spins = 0
        while finished.load(ordering: .acquiring) < chunks {
          // A worker that lost its core (a VM's vCPU, a busy machine) is waited for by
          // yielding this one.
          spins += 1
          if spins < 1 << 12 { s4_spin_pause() } else { sched_yield() }
        }
      }
    }
    busy.store(false, ordering: .releasing)
    return true
  }

  /// Claims and runs chunks of loop `generation` until none is left (or a later loop has
  /// replaced it).
  private func runChunks(of generation: UInt32) {
    var word = claim.load(ordering: .acquiring)
    while UInt32(truncatingIfNeeded: word >> 32) == generation {
      let count = Int((word >> 16) & 0xFFFF), next = Int(word & 0xFFFF)
      guard next < count else { return }
      let (exchanged, original) = claim.compareExchange(
        expected: word, desired: word + 1, ordering: .acquiringAndReleasing)
      guard exchanged else {
        word = original
        continue
      }
      let closure = UnsafeMutableRawPointer(bitPattern: body.load(ordering: .relaxed))!
        .assumingMemoryBound(to: ((Int) -> Void).self)
      closure.pointee(next)
      finished.add(1, ordering: .releasing)
      word = claim.load(ordering: .acquiring)
    }
  }

  /// A worker: waits for each new generation and helps with its loop.
  private func workerLoop() {
    var seen = s4_wait_word_load(wake)
    while true {
      seen = s4_wait_word_change(wake, sleepers, seen, WorkerPool.spinNanoseconds)
      runChunks(of: seen)
    }
  }

  private func startThread() {
    let context = Unmanaged.passRetained(self).toOpaque()
    var thread = pthread_t()
    let status = pthread_create(
      &thread, nil,
      { context in
        let pool = Unmanaged<WorkerPool>.fromOpaque(context!).takeRetainedValue()
        pool.workerLoop()
        return nil
      }, context)
    precondition(status == 0, "WorkerPool: pthread_create failed with error \(status)")
    pthread_detach(thread)
  }
}
