import CLinearAlgebra
import Synchronization

/// The OpenBLAS build the process runs on, for benchmark headers and thread control.
public enum OpenBLAS {
  /// The name of the compute kernel OpenBLAS selected at load time (for example `Haswell` or
  /// `SkylakeX`); `OPENBLAS_CORETYPE` in the environment overrides its detection.
  public static var coreName: String {
    guard let name = openblas_get_corename() else { return "unknown" }
    return String(cString: name)
  }

  /// The build configuration string of the library.
  public static var configuration: String {
    guard let config = openblas_get_config() else { return "unknown" }
    return String(cString: config)
  }

  /// The number of threads OpenBLAS uses for one call. The setting is global to the process;
  /// inside ``withSingleThread(_:)`` regions it reads 1, and a value set there is replaced by
  /// the saved one when the last region ends.
  public static var threadCount: Int {
    get { Int(openblas_get_num_threads()) }
    set {
      precondition(newValue >= 1, "OpenBLAS.threadCount must be at least 1, got \(newValue)")
      openblas_set_num_threads(Int32(newValue))
    }
  }

  /// How many `withSingleThread` regions are running, and the thread count to restore when
  /// the last one ends.
  private static let singleThreadRegions = Mutex<(active: Int, saved: Int)>((0, 1))

  /// Runs `body` with OpenBLAS limited to one thread per call.
  ///
  /// For code that calls BLAS from several threads of its own (one GEMM per core): a
  /// multi-threaded OpenBLAS there would put two BLAS threads on each core. Regions may run
  /// at the same time on different threads: the first to start saves the thread count and
  /// sets 1, the last to end restores it, so one region never restores the count while another
  /// still relies on it. GEMM results then do not depend on which regions overlap, which keeps
  /// training runs reproducible.
  public static func withSingleThread<Result>(_ body: () throws -> Result) rethrows -> Result {
    singleThreadRegions.withLock { regions in
      if regions.active == 0 {
        regions.saved = threadCount
        if regions.saved > 1 { threadCount = 1 }
      }
      regions.active += 1
    }
    defer {
      singleThreadRegions.withLock { regions in
        regions.active -= 1
        if regions.active == 0 && regions.saved > 1 { threadCount = regions.saved }
      }
    }
    return try body()
  }
}
