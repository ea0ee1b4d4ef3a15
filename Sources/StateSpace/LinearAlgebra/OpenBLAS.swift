import CLinearAlgebra

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

  /// The number of threads OpenBLAS uses for one call.
  public static var threadCount: Int {
    get { Int(openblas_get_num_threads()) }
    set {
      precondition(newValue >= 1, "OpenBLAS.threadCount must be at least 1, got \(newValue)")
      openblas_set_num_threads(Int32(newValue))
    }
  }
}
