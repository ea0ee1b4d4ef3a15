import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// Data-parallel loops over the machine's cores.
///
/// Work is split into at most ``workerCount`` contiguous chunks so that each core walks memory
/// in address order. The chunks run on the calling thread and on the `workerCount − 1` threads
/// of a pool that stay awake briefly between loops (`WorkerPool`). Nested calls run serially on
/// the calling thread (the outer loop already owns the cores).
public enum Parallel {
  /// The number of cores used: the active processor count, or `S4_NUM_THREADS` when it is set
  /// to a positive integer (any other value is ignored with a warning on standard error).
  public static let workerCount: Int = {
    let setting = workerCount(
      setting: ProcessEnvironment.value("S4_NUM_THREADS"), processors: max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    if let warning = setting.warning { ProcessEnvironment.warn(warning) }
    return setting.count
  }()

  /// The worker count for the value of S4_NUM_THREADS (`nil` when unset) on a machine with
  /// `processors` online: a positive integer is taken as it is; anything else keeps
  /// `processors`, with a warning that names the value.
  static func workerCount(setting: String?, processors: Int) -> (count: Int, warning: String?) {
    guard let setting else { return (processors, nil) }
    if let value = Int(setting), value > 0 { return (value, nil) }
    return (
      processors,
      "swift-s4: S4_NUM_THREADS must be a positive integer, got \"\(setting)\"; using \(processors) threads"
    )
  }

  /// Calls `body` with disjoint ranges that together cover `0..<count`, in parallel.
  ///
  /// - Parameters:
  ///   - count: The number of items.
  ///   - minimumChunk: Do not split ranges smaller than this (the work of a chunk must pay for
  ///     waking a thread, a few microseconds).
  ///   - body: Processes the items of one range. It runs concurrently with itself and must only
  ///     write to memory that belongs to its own range.
  public static func forEachChunk(
    of count: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void
  ) {
    guard count > 0 else { return }
    let chunks = min(workerCount, max(1, count / max(1, minimumChunk)))
    if chunks == 1 || isInsideParallelRegion {
      body(0..<count)
      return
    }
    withoutActuallyEscaping(body) { body in
      let shared = UncheckedSendable(body)
      let runChunk = { @Sendable (chunk: Int) in
        let start = count * chunk / chunks
        let end = count * (chunk + 1) / chunks
        isInsideParallelRegion = true
        shared.value(start..<end)
        isInsideParallelRegion = false
      }
      // The pool's workers, or Dispatch's while another thread's loop holds them.
      if !WorkerPool.shared.run(chunks: chunks, runChunk) {
        DispatchQueue.concurrentPerform(iterations: chunks, execute: runChunk)
      }
    }
  }

  /// Set on worker threads while they run a chunk, so that nested loops stay serial.
  private static var isInsideParallelRegion: Bool {
    get { pthread_getspecific(insideKey.value) != nil }
    set { pthread_setspecific(insideKey.value, newValue ? UnsafeRawPointer(bitPattern: 1) : nil) }
  }

  private static let insideKey: UncheckedSendable<pthread_key_t> = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return UncheckedSendable(key)
  }()
}

/// Wraps a value that is shared across the workers of one ``Parallel`` loop; the loop's
/// contract (disjoint writes, no escaping) is what makes the sharing safe.
public struct UncheckedSendable<Value>: @unchecked Sendable {
  /// The wrapped value.
  public let value: Value
  /// Wraps `value`.
  public init(_ value: Value) { self.value = value }
}
