import Foundation
import StateSpace

/// What the figures were measured on: CPU, its vector instruction level, cores, the OpenBLAS
/// kernel and thread count, and how this executable's Swift code was compiled.
struct MachineInfo {
  let cpuModel: String
  /// The x86-64 level whose `target_clones` version of the C kernels the loader picks here:
  /// the same machine class comes with and without AVX-512, and the figures differ by up to 3×.
  let vectorLevel: String
  let cores: Int
  let openBLASCore: String
  let openBLASThreads: Int
  let coreTypeEnvironment: String
  let codeGeneration: String

  static let current = MachineInfo()

  private init() {
    let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    cpuModel =
      cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
      .flatMap { $0.split(separator: ":", maxSplits: 1).last }
      .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
    vectorLevel = Self.vectorLevel(cpuinfo: cpuinfo)
    cores = ProcessInfo.processInfo.activeProcessorCount
    openBLASCore = OpenBLAS.coreName
    openBLASThreads = OpenBLAS.threadCount
    coreTypeEnvironment = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "unset"
    #if S4_TUNED_BUILD
      codeGeneration = "tuned (built with -target-cpu for this host)"
    #else
      codeGeneration = "default (baseline x86-64 Swift code generation)"
    #endif
  }

  /// The highest of x86-64-v4 (AVX-512 F/BW/DQ/VL), v3 (AVX2, FMA, BMI2) and baseline whose
  /// flags /proc/cpuinfo lists.
  private static func vectorLevel(cpuinfo: String) -> String {
    let flags = Set(
      cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }
        .flatMap { $0.split(separator: ":", maxSplits: 1).last }
        .map { $0.split(separator: " ").map(String.init) } ?? [])
    if flags.isSuperset(of: ["avx512f", "avx512bw", "avx512dq", "avx512vl"]) {
      return "x86-64-v4 (AVX-512)"
    }
    if flags.isSuperset(of: ["avx2", "fma", "bmi2"]) { return "x86-64-v3 (AVX2, FMA; no AVX-512)" }
    return flags.isEmpty ? "unknown" : "baseline x86-64"
  }

  func markdownHeader(retainsFreedMemory: Bool) -> String {
    """
    # s4-bench

    | machine | value |
    | --- | --- |
    | CPU | \(cpuModel) |
    | vector level of the C kernels | \(vectorLevel) |
    | cores | \(cores) |
    | OpenBLAS core | \(openBLASCore) (OPENBLAS_CORETYPE=\(coreTypeEnvironment)) |
    | OpenBLAS threads | \(openBLASThreads) |
    | Swift code generation | \(codeGeneration) |
    | allocator | \(retainsFreedMemory ? "freed memory retained (Parallel.retainFreedMemory())" : "glibc defaults") |
    """
  }
}
