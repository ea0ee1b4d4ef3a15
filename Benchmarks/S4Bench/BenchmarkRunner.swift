import Foundation

/// Runs suites, times their closures and prints each suite's table as it finishes.
struct BenchmarkRunner {
  let settings: BenchmarkSettings
  private(set) var measurements: [Measurement] = []

  init(settings: BenchmarkSettings) {
    self.settings = settings
  }

  mutating func run(_ suite: BenchmarkSuiteKind) {
    print("\n## \(suite.rawValue): \(suite.title)\n")
    var context = BenchmarkContext(quick: settings.quick, filter: settings.filter)
    suite.run(&context)
    if context.measurements.isEmpty {
      print("(nothing matched the filter)")
    } else {
      print(MarkdownTable(context.measurements).rendered)
    }
    for note in context.notes { print("\n" + note) }
    measurements += context.measurements
  }

  func writeJSON(to path: String) throws {
    let records = measurements.map { measurement -> String in
      var fields = [
        "\"name\": \(jsonString(measurement.name))",
        "\"params\": {"
          + measurement.params.map { "\(jsonString($0.0)): \($0.1.json)" }.joined(separator: ", ")
          + "}",
        "\"median_seconds\": \(jsonNumber(measurement.median))",
        "\"min_seconds\": \(jsonNumber(measurement.minimum))",
        "\"max_seconds\": \(jsonNumber(measurement.maximum))",
        "\"repetitions\": \(measurement.seconds.count)",
      ]
      fields += measurement.throughput.map { "\(jsonString($0.0)): \(jsonNumber($0.1))" }
      if let peak = measurement.peakMemoryMiB {
        fields.append("\"peak_memory_mib\": \(jsonNumber(peak))")
      }
      return "  {" + fields.joined(separator: ", ") + "}"
    }
    let machine = MachineInfo.current
    let header =
      "  {\"name\": \"machine\", \"params\": {\"cpu\": \(jsonString(machine.cpuModel)), "
      + "\"vector_level\": \(jsonString(machine.vectorLevel)), "
      + "\"cores\": \(machine.cores), \"openblas_core\": \(jsonString(machine.openBLASCore)), "
      + "\"openblas_threads\": \(machine.openBLASThreads), "
      + "\"code_generation\": \(jsonString(machine.codeGeneration))}}"
    let text = "[\n" + ([header] + records).joined(separator: ",\n") + "\n]\n"
    // Write next to the target and rename, so an interrupted run never leaves half a file.
    let temporary = path + ".tmp"
    try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
    if FileManager.default.fileExists(atPath: path) {
      _ = try FileManager.default.replaceItemAt(
        URL(fileURLWithPath: path), withItemAt: URL(fileURLWithPath: temporary))
    } else {
      try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }
  }
}

/// What a suite uses to time work and record results.
struct BenchmarkContext {
  /// Whether the run is the quick one (`--quick`).
  let quick: Bool
  let filter: String?
  private(set) var measurements: [Measurement] = []
  /// Free-text lines printed under the suite's table (ratios to peers, fractions of a floor).
  var notes: [String] = []

  init(quick: Bool, filter: String?) {
    self.quick = quick
    self.filter = filter
  }

  /// Whether a measurement of this name should run.
  func wants(_ name: String) -> Bool {
    guard let filter else { return true }
    return name.contains(filter)
  }

  /// Times `body` and records the measurement.
  ///
  /// One warm-up call, then repetitions until at least `minimumSeconds` (0.1 s in quick mode)
  /// and `minimumRepetitions` have passed. Calls shorter than 5 ms are batched so that each
  /// repetition lasts about 5 ms, and the time per call is recorded.
  ///
  /// - Parameters:
  ///   - name: The dotted name, for example `fft.forward`.
  ///   - params: The configuration.
  ///   - measureMemory: Also record the peak resident memory while `body` runs.
  ///   - throughput: Derived figures from the median seconds per call.
  ///   - body: The work of one call.
  /// - Returns: The measurement, or `nil` when the filter excluded it.
  @discardableResult
  mutating func measure(
    _ name: String, params: [(String, ParameterValue)], measureMemory: Bool = false,
    minimumSeconds: Double = 1.0, minimumRepetitions: Int = 5,
    throughput: (Double) -> [(String, Double)] = { _ in [] },
    _ body: () -> Void
  ) -> Measurement? {
    guard wants(name) else { return nil }
    if measureMemory { PeakMemory.reset() }
    let warmUp = elapsedSeconds(body)
    let peak = measureMemory ? PeakMemory.currentPeakMiB() : nil
    let inner = warmUp < 0.005 ? max(1, Int(0.005 / max(warmUp, 1e-7))) : 1
    let budget = quick ? min(minimumSeconds, 0.1) : minimumSeconds
    let repetitions = quick ? max(3, minimumRepetitions / 2) : minimumRepetitions
    var seconds: [Double] = []
    var total = 0.0
    while seconds.count < repetitions || (total < budget && seconds.count < 200) {
      let elapsed = elapsedSeconds {
        for _ in 0..<inner { body() }
      }
      seconds.append(elapsed / Double(inner))
      total += elapsed
    }
    var measurement = Measurement(name: name, params: params, seconds: seconds)
    measurement.throughput = throughput(measurement.median)
    measurement.peakMemoryMiB = peak
    measurements.append(measurement)
    return measurement
  }

  /// Records a measurement timed elsewhere (for example a whole generation loop).
  mutating func record(_ measurement: Measurement) {
    guard wants(measurement.name) else { return }
    measurements.append(measurement)
  }
}

/// Wall-clock seconds `body` takes.
func elapsedSeconds(_ body: () -> Void) -> Double {
  let clock = ContinuousClock()
  let duration = clock.measure(body)
  return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}
