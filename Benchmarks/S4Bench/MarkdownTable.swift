import Foundation

/// A suite's measurements as a Markdown table: name, parameters, median/min/max time and the
/// throughput figures.
struct MarkdownTable {
  let measurements: [Measurement]

  init(_ measurements: [Measurement]) {
    self.measurements = measurements
  }

  var rendered: String {
    let throughputNames = measurements.flatMap { $0.throughput.map(\.0) }.uniqued()
    let hasMemory = measurements.contains { $0.peakMemoryMiB != nil }
    var header = ["name", "params", "median", "min", "max"] + throughputNames
    if hasMemory { header.append("peak MiB") }
    var rows = [header, header.map { _ in "---" }]
    for measurement in measurements {
      var row = [
        measurement.name,
        measurement.params.map { "\($0.0)=\($0.1)" }.joined(separator: " "),
        formatSeconds(measurement.median),
        formatSeconds(measurement.minimum),
        formatSeconds(measurement.maximum),
      ]
      for throughputName in throughputNames {
        let value = measurement.throughput.first { $0.0 == throughputName }?.1
        row.append(value.map(formatNumber) ?? "")
      }
      if hasMemory { row.append(measurement.peakMemoryMiB.map { formatNumber($0) } ?? "") }
      rows.append(row)
    }
    return rows.map { "| " + $0.joined(separator: " | ") + " |" }.joined(separator: "\n")
  }
}

/// Seconds with a unit that keeps three significant digits readable.
func formatSeconds(_ seconds: Double) -> String {
  switch seconds {
  case ..<1e-6: String(format: "%.1f ns", seconds * 1e9)
  case ..<1e-3: String(format: "%.2f µs", seconds * 1e6)
  case ..<1: String(format: "%.3f ms", seconds * 1e3)
  default: String(format: "%.3f s", seconds)
  }
}

/// A throughput figure with engineering suffixes (k, M, G).
func formatNumber(_ value: Double) -> String {
  let magnitude = abs(value)
  switch magnitude {
  case 1e9...: return String(format: "%.3f G", value / 1e9)
  case 1e6...: return String(format: "%.3f M", value / 1e6)
  case 1e4...: return String(format: "%.2f k", value / 1e3)
  default: return String(format: "%.3g", value)
  }
}

extension Sequence where Element: Hashable {
  fileprivate func uniqued() -> [Element] {
    var seen = Set<Element>()
    return filter { seen.insert($0).inserted }
  }
}
