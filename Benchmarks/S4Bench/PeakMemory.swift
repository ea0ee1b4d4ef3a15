import Foundation

/// The process's peak resident set size (Linux `VmHWM`), resettable between measurements.
enum PeakMemory {
  /// Resets the kernel's peak-RSS watermark to the current RSS (`5` written to
  /// `/proc/self/clear_refs`, Linux ≥ 4.0). Without permission the watermark keeps its value
  /// and later readings are upper bounds.
  static func reset() {
    guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return }
    handle.write(Data("5".utf8))
    try? handle.close()
  }

  /// The peak resident memory since the last reset, in MiB (nil where `/proc` is absent).
  static func currentPeakMiB() -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
      return nil
    }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      let kib = line.split(separator: " ").compactMap { Double($0) }.first
      return kib.map { $0 / 1024 }
    }
    return nil
  }
}
