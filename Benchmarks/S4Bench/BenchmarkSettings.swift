/// What `s4-bench` was asked to run, parsed from its command line.
struct BenchmarkSettings {
  enum ParseError: Error, CustomStringConvertible {
    case unknownSuite(String)
    case unknownOption(String)
    case missingValue(String)

    var description: String {
      switch self {
      case .unknownSuite(let name):
        "unknown suite '\(name)' (known: \(BenchmarkSuiteKind.allCases.map(\.rawValue).joined(separator: ", ")))"
      case .unknownOption(let option): "unknown option '\(option)'"
      case .missingValue(let option): "option '\(option)' needs a value"
      }
    }
  }

  /// The suites to run, in order.
  var suites: [BenchmarkSuiteKind] = BenchmarkSuiteKind.allCases
  /// Smaller shapes and fewer repetitions: the whole run in about a minute.
  var quick = false
  /// Where to write the JSON records, if anywhere.
  var jsonPath: String?
  /// Only measurements whose dotted name contains this string.
  var filter: String?
  var showHelp = false

  static let usage = """
    usage: s4-bench [SUITE ...] [--quick] [--json PATH] [--filter TEXT]

    Suites (default: all, in this order): \(BenchmarkSuiteKind.allCases.map(\.rawValue).joined(separator: " "))
      --quick        smaller shapes and fewer repetitions (about one minute in all)
      --json PATH    also write every measurement as a JSON array to PATH
      --filter TEXT  run only measurements whose name contains TEXT
      --help         this text
    """

  init(arguments: [String]) throws {
    var chosen: [BenchmarkSuiteKind] = []
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      switch argument {
      case "--quick": quick = true
      case "--help", "-h": showHelp = true
      case "--json", "--filter":
        index += 1
        guard index < arguments.count else { throw ParseError.missingValue(argument) }
        if argument == "--json" { jsonPath = arguments[index] } else { filter = arguments[index] }
      default:
        if argument.hasPrefix("-") { throw ParseError.unknownOption(argument) }
        guard let suite = BenchmarkSuiteKind(rawValue: argument) else {
          throw ParseError.unknownSuite(argument)
        }
        chosen.append(suite)
      }
      index += 1
    }
    if !chosen.isEmpty { suites = chosen }
  }
}
