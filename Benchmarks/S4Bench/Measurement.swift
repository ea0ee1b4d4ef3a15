import Foundation

/// One timed configuration: its dotted name, its parameters, the per-call times of every
/// repetition, and the derived throughput figures.
struct Measurement {
  /// Dotted name, for example `fft.forward`.
  var name: String
  /// The configuration, for example `["batch": 256, "length": 8192]`.
  var params: [(String, ParameterValue)]
  /// Seconds per call, one entry per repetition.
  var seconds: [Double]
  /// Throughput figures derived from the median (name → value), for example
  /// `samples_per_second`.
  var throughput: [(String, Double)] = []
  /// Peak resident memory during the measurement, in MiB, when it was measured.
  var peakMemoryMiB: Double?

  var median: Double {
    let sorted = seconds.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
  var minimum: Double { seconds.min() ?? .nan }
  var maximum: Double { seconds.max() ?? .nan }
}

/// A benchmark parameter value: an integer, a number or a word.
enum ParameterValue: CustomStringConvertible {
  case int(Int)
  case double(Double)
  case string(String)

  var description: String {
    switch self {
    case .int(let value): "\(value)"
    case .double(let value): "\(value)"
    case .string(let value): value
    }
  }

  var json: String {
    switch self {
    case .int(let value): "\(value)"
    case .double(let value): jsonNumber(value)
    case .string(let value): jsonString(value)
    }
  }
}

func jsonNumber(_ value: Double) -> String {
  value.isFinite ? "\(value)" : "null"
}

func jsonString(_ value: String) -> String {
  var escaped = "\""
  for scalar in value.unicodeScalars {
    switch scalar {
    case "\"": escaped += "\\\""
    case "\\": escaped += "\\\\"
    case "\n": escaped += "\\n"
    case "\t": escaped += "\\t"
    default:
      if scalar.value < 0x20 {
        escaped += "\\u" + String(format: "%04x", scalar.value)
      } else {
        escaped.unicodeScalars.append(scalar)
      }
    }
  }
  return escaped + "\""
}
