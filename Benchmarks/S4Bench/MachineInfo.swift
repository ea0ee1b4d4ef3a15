import Foundation
import StateSpace

/// What the figures were measured on: CPU, cores, the OpenBLAS kernel and thread count, and
/// how this executable's Swift code was compiled.
struct MachineInfo {
  let cpuModel: String
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

  func markdownHeader(retainsFreedMemory: Bool) -> String {
    """
    # s4-bench

    | machine | value |
    | --- | --- |
    | CPU | \(cpuModel) |
    | cores | \(cores) |
    | OpenBLAS core | \(openBLASCore) (OPENBLAS_CORETYPE=\(coreTypeEnvironment)) |
    | OpenBLAS threads | \(openBLASThreads) |
    | Swift code generation | \(codeGeneration) |
    | allocator | \(retainsFreedMemory ? "freed memory retained (Parallel.retainFreedMemory())" : "glibc defaults") |
    """
  }
}
