#if canImport(Glibc)
  import Glibc
#endif

/// The environment variables the library reads (S4_NUM_THREADS, S4_FFT_FLOAT_LANES), and the
/// warning it prints when one holds a value it cannot use.
enum ProcessEnvironment {
  /// The value of the variable `name`, or `nil` when it is unset.
  static func value(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
  }

  /// Writes `message` and a newline to standard error.
  static func warn(_ message: String) {
    let line = Array((message + "\n").utf8)
    line.withUnsafeBytes { bytes in
      _ = write(2, bytes.baseAddress, bytes.count)
    }
  }
}
