// s4-bench: times the library's hot paths and prints Markdown tables (and JSON with --json).
import Foundation
import StateSpace

let settings: BenchmarkSettings
do {
  settings = try BenchmarkSettings(arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
  FileHandle.standardError.write(Data("s4-bench: \(error)\n\n\(BenchmarkSettings.usage)\n".utf8))
  exit(2)
}
if settings.showHelp {
  print(BenchmarkSettings.usage)
  exit(0)
}
#if DEBUG
  FileHandle.standardError.write(
    Data("s4-bench: this is a debug build; timings would be meaningless. Build with -c release.\n".utf8))
  exit(2)
#endif

// Tensors of every size are allocated and freed each repetition: keep their pages warm, as a
// training program should (S4_RETAIN_FREED_MEMORY=0 measures with glibc's defaults).
let retainsFreedMemory =
  ProcessInfo.processInfo.environment["S4_RETAIN_FREED_MEMORY"] != "0" && Parallel.retainFreedMemory()
print(MachineInfo.current.markdownHeader(retainsFreedMemory: retainsFreedMemory))
var runner = BenchmarkRunner(settings: settings)
for suite in settings.suites {
  runner.run(suite)
}
if let path = settings.jsonPath {
  do {
    try runner.writeJSON(to: path)
    print("\nWrote \(runner.measurements.count) records to \(path)")
  } catch {
    FileHandle.standardError.write(Data("s4-bench: could not write \(path): \(error)\n".utf8))
    exit(1)
  }
}
