import StateSpace

/// S4 and S4D convolution kernels (forward and forward+backward) and their recurrent steps,
/// against the PyTorch reference figures of issue 3 and the arithmetic floor.
enum KernelSuite {
  /// The official PyTorch `s4.py` on this 2-core machine (pure-PyTorch Cauchy path, 2
  /// threads), H = 256, N = 64: forward, forward+backward (seconds) and peak memory (MB).
  static let reference: [Int: (forward: Double, forwardBackward: Double, memoryMB: Double)] = [
    1024: (0.12, 0.73, 2171), 4096: (0.52, 4.2, 6309), 16384: (2.35, 23.9, 22700),
  ]

  /// OpenBLAS SGEMM on this machine class (Haswell kernel, 2 cores), the practical FP32 peak
  /// used for the floor fraction.
  static let practicalPeakFlops = 230e9

  static func run(_ context: inout BenchmarkContext) {
    let channels = 256
    let stateSize = 64
    let lengths = context.quick ? [1024, 4096] : [1024, 4096, 16384]
    for (prefix, initialization) in [("kernel", SSMInitialization.s4LegS), ("s4d_kernel", .s4dLegS)] {
      for length in lengths {
        let configuration = SSMConfiguration(
          channels: channels, stateSize: stateSize, initialization: initialization, kernelLength: length)
        var generator = SeededGenerator(seed: 1)
        guard let parameters = try? SSMParameters<Float>(configuration: configuration, generator: &generator)
        else { preconditionFailure("kernel suite: initialisation failed") }
        let kernelGradient = Tensor<Float>.randomNormal(shape: [1, channels, length], using: &generator)
        let params: [(String, ParameterValue)] = [
          ("channels", .int(channels)), ("state_size", .int(stateSize)), ("length", .int(length)),
        ]
        // H·(L/2)·(N/2)·4 complex multiply-divides (issue 3), each counted as 6 flops.
        let floor = Double(channels * (length / 2) * (stateSize / 2) * 4)
        let throughput = { (seconds: Double) -> [(String, Double)] in
          [
            ("floor_ops_per_second", floor / seconds),
            ("floor_fraction_of_peak", 6 * floor / seconds / practicalPeakFlops),
          ]
        }
        var sink: Float = 0
        let forward = context.measure(
          "\(prefix).forward", params: params, measureMemory: true, throughput: throughput
        ) {
          sink += parameters.kernel(length: length).scalars[length - 1]
        }
        let backward = context.measure(
          "\(prefix).forward_backward", params: params, measureMemory: true, throughput: throughput
        ) {
          let kernel = parameters.kernel(length: length)
          sink += kernel.scalars[0] + parameters.kernelGradients(kernelGradient).logTimeStep.scalars[0]
        }
        precondition(sink.isFinite, "kernel suite: non-finite kernel")
        if prefix == "kernel", let reference = reference[length] {
          var parts: [String] = []
          if let forward {
            parts.append(String(format: "forward %.1f× faster", reference.forward / forward.median))
          }
          if let backward {
            parts.append(
              String(format: "forward+backward %.1f× faster", reference.forwardBackward / backward.median))
            if let memory = backward.peakMemoryMiB {
              parts.append(String(format: "peak memory %.0f MiB vs %.0f MB", memory, reference.memoryMB))
            }
          }
          if !parts.isEmpty {
            context.notes.append("S4 kernel, L = \(length), vs PyTorch s4.py: " + parts.joined(separator: ", "))
          }
        }
      }
    }
    context.notes.append(
      "floor: H·(L/2)·(N/2)·4 complex multiply-divides per kernel; the fraction counts 6 flops each against 230 GFLOP/s (SGEMM on this machine)."
    )
    measureSteps(&context, channels: channels, stateSize: stateSize)
    measureSetup(&context, channels: channels, stateSize: stateSize, lengths: context.quick ? [1024] : [1024, 4096])
  }

  /// What building an S4 layer's parameters (C̃ from the initial C) and its step (C from C̃)
  /// costs: both go through Ā^L of every channel.
  static func measureSetup(_ context: inout BenchmarkContext, channels: Int, stateSize: Int, lengths: [Int]) {
    for length in lengths {
      let configuration = SSMConfiguration(channels: channels, stateSize: stateSize, kernelLength: length)
      let params: [(String, ParameterValue)] = [
        ("channels", .int(channels)), ("state_size", .int(stateSize)), ("length", .int(length)),
      ]
      var generator = SeededGenerator(seed: 3)
      guard let parameters = try? SSMParameters<Float>(configuration: configuration, generator: &generator)
      else { preconditionFailure("kernel suite: initialisation failed") }
      var failures = 0
      context.measure("kernel.s4.parameters_init", params: params, minimumSeconds: 0.5, minimumRepetitions: 3) {
        var generator = SeededGenerator(seed: 3)
        if (try? SSMParameters<Float>(configuration: configuration, generator: &generator)) == nil { failures += 1 }
      }
      context.measure("kernel.s4.step_setup", params: params, minimumSeconds: 0.5, minimumRepetitions: 3) {
        if (try? SSMRecurrence(parameters: parameters, kernelLength: length)) == nil { failures += 1 }
      }
      precondition(failures == 0, "kernel suite: \(failures) setups failed")
    }
  }

  /// One recurrent step at batch 1 (generation), S4 (Woodbury step) and S4D (diagonal step).
  static func measureSteps(_ context: inout BenchmarkContext, channels: Int, stateSize: Int) {
    for (name, initialization) in [("s4_step", SSMInitialization.s4LegS), ("s4d_step", .s4dLegS)] {
      for batch in [1, 16] {
        let configuration = SSMConfiguration(
          channels: channels, stateSize: stateSize, initialization: initialization, kernelLength: 1024)
        var generator = SeededGenerator(seed: 2)
        guard
          let parameters = try? SSMParameters<Float>(configuration: configuration, generator: &generator),
          let recurrence = try? SSMRecurrence(parameters: parameters, kernelLength: 1024)
        else { preconditionFailure("kernel suite: recurrence setup failed") }
        var state = recurrence.initialState(batch: batch)
        let input = Tensor<Float>.randomNormal(shape: [batch, channels], using: &generator)
        var sink: Float = 0
        context.measure(
          name, params: [("batch", .int(batch)), ("channels", .int(channels)), ("state_size", .int(stateSize))],
          throughput: { seconds in [("steps_per_second", 1 / seconds)] }
        ) {
          sink += recurrence.step(input, state: &state).scalars[0]
        }
        precondition(sink.isFinite, "kernel suite: non-finite recurrent output")
      }
    }
  }
}
