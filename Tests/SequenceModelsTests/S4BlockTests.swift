import Numerics
import SequenceModels
import StateSpace
import Testing
import Training
import _TestSupport

/// The S4 block's two modes, its wiring around the kernel, causality, dropout and its
/// preconditions.
@Suite("S4 block")
struct S4BlockTests {
  static func block<S: DifferentiableScalar & SSMScalar>(
    _: S.Type, width: Int, options: S4BlockOptions, seed: UInt64 = 1
  ) -> S4Block<S> {
    var generator = SeededGenerator(seed: seed)
    return try! S4Block<S>(width: width, options: options, name: "layer", generator: &generator)
  }

  static func stepped<S: DifferentiableScalar & SSMScalar>(
    _ block: S4Block<S>, _ input: Tensor<S>
  ) -> [S] {
    let (batch, length, width) = (input.shape[0], input.shape[1], input.shape[2])
    var state = block.initialState(batchSize: batch)
    var rows = [S](repeating: 0, count: batch * length * width)
    for t in 0..<length {
      let u = Tensor<S>(shape: [batch, width]) { index in
        input.scalars[(index / width * length + t) * width + index % width]
      }
      let y = block.step(u, state: &state)
      for b in 0..<batch {
        for h in 0..<width { rows[(b * length + t) * width + h] = y.scalars[b * width + h] }
      }
    }
    return rows
  }

  struct ModeCase: Sendable, CustomTestStringConvertible {
    let options: S4BlockOptions
    let length: Int
    var testDescription: String {
      "\(options.structure) \(options.resolvedInitialization) \(options.resolvedDiscretization) L=\(length) max=\(options.maximumLength)"
    }
  }

  static let modeCases: [ModeCase] = [
    ModeCase(options: .init(structure: .diagonalPlusLowRank, maximumLength: 256), length: 256),
    // L < L₀: the whole-sequence mode uses the first L taps of the L₀ = 256 kernel.
    ModeCase(options: .init(structure: .diagonalPlusLowRank, maximumLength: 200), length: 180),
    ModeCase(options: .init(structure: .diagonal, maximumLength: 256), length: 256),
    ModeCase(
      options: .init(
        structure: .diagonal, sharedCopies: 2, initialization: .s4dInverse,
        discretization: .bilinear, maximumLength: 256, geluApproximation: .tanh),
      length: 256),
  ]

  @Test("whole sequence equals step by step (Float32, L = 256)", arguments: modeCases)
  func wholeSequenceEqualsSteps(_ mode: ModeCase) {
    let block = Self.block(Float.self, width: 16, options: mode.options)
    var generator = SeededGenerator(seed: 5)
    let input = Tensor<Float>.randomNormal(shape: [2, mode.length, 16], using: &generator)
    let whole = block(input)
    let steps = Self.stepped(block, input)
    let error = relativeError(whole.scalars, reference: steps)
    #expect(error <= 1e-4, "relative error \(error)")
  }

  @Test("the wiring around the kernel equals a direct Float64 computation", arguments: [false, true])
  func matchesDirectComputation(bidirectional: Bool) {
    let (batch, length, width) = (2, 48, 5)
    let options = S4BlockOptions(
      structure: .diagonalPlusLowRank, stateSize: 16, maximumLength: 64, isBidirectional: bidirectional)
    let block = Self.block(Double.self, width: width, options: options)
    var generator = SeededGenerator(seed: 9)
    let input = Tensor<Double>.randomNormal(shape: [batch, length, width], using: &generator)
    // The first L taps of the L₀ = 64 kernel, computed by StateSpace (checked there against
    // the explicit recurrence).
    let full = block.stateSpaceValues.kernel(length: 64)
    let c = bidirectional ? 2 : 1
    let kernel = (0..<(c * width)).flatMap { row in full.scalars[(row * 64)..<(row * 64 + length)] }
    let expected = NaiveS4Block.forward(
      input: input.scalars, kernel: kernel, kernelCount: c, skip: block.skip.value.scalars,
      weight: block.outputLinear.weight.value.scalars, bias: block.outputLinear.bias!.value.scalars,
      batch: batch, length: length, width: width, kernelLength: length)
    let error = relativeError(block(input).scalars, reference: expected)
    #expect(error <= 1e-12, "relative error \(error)")
    #expect(block.isCausal == !bidirectional)
  }

  @Test("S4D beyond its maximum length uses the kernel truncated to that reach")
  func truncatedKernelBeyondMaximumLength() {
    let (batch, length, width, reach) = (1, 40, 3, 24)
    let options = S4BlockOptions(structure: .diagonal, stateSize: 8, maximumLength: reach)
    let block = Self.block(Double.self, width: width, options: options)
    var generator = SeededGenerator(seed: 2)
    let input = Tensor<Double>.randomNormal(shape: [batch, length, width], using: &generator)
    let expected = NaiveS4Block.forward(
      input: input.scalars, kernel: block.stateSpaceValues.kernel(length: reach).scalars,
      kernelCount: 1, skip: block.skip.value.scalars,
      weight: block.outputLinear.weight.value.scalars, bias: block.outputLinear.bias!.value.scalars,
      batch: batch, length: length, width: width, kernelLength: reach)
    let error = relativeError(block(input).scalars, reference: expected)
    #expect(error <= 1e-12, "relative error \(error)")
  }

  @Test("changing the input at time t never changes earlier outputs", arguments: [
    S4BlockOptions.Structure.diagonalPlusLowRank, .diagonal,
  ])
  func causality(_ structure: S4BlockOptions.Structure) {
    let (length, width, changed) = (64, 4, 37)
    let block = Self.block(
      Double.self, width: width, options: .init(structure: structure, stateSize: 16, maximumLength: 64))
    var generator = SeededGenerator(seed: 3)
    let input = Tensor<Double>.randomNormal(shape: [2, length, width], using: &generator)
    var perturbed = input
    for b in 0..<2 { perturbed.scalars[(b * length + changed) * width + 1] += 1 }
    let (a, p) = (block(input), block(perturbed))
    let scale = a.scalars.map(abs).max()!
    for b in 0..<2 {
      for t in 0..<length {
        let difference = (0..<width).map { h in abs(a[b, t, h] - p[b, t, h]) }.max()!
        if t < changed {
          #expect(difference <= 1e-13 * scale, "t = \(t): earlier output moved by \(difference)")
        } else if t == changed {
          #expect(difference > 1e-6 * scale, "t = \(t): the changed step does not respond")
        }
      }
    }
  }

  @Test("a bidirectional block responds to the future")
  func bidirectionalSeesTheFuture() {
    let (length, width) = (32, 4)
    let block = Self.block(
      Double.self, width: width,
      options: .init(stateSize: 16, maximumLength: 32, isBidirectional: true))
    var generator = SeededGenerator(seed: 4)
    let input = Tensor<Double>.randomNormal(shape: [1, length, width], using: &generator)
    var perturbed = input
    perturbed.scalars[(length - 1) * width] += 1
    let (a, p) = (block(input), block(perturbed))
    #expect((0..<width).contains { abs(a[0, 0, $0] - p[0, 0, $0]) > 1e-8 })
  }

  @Test("dropout: one mask per (sequence, channel) along L, inverted scaling, only in training")
  func tiedDropout() {
    let (batch, length, width, rate) = (3, 20, 32, 0.5)
    let block = Self.block(
      Double.self, width: width,
      options: .init(structure: .diagonal, stateSize: 8, maximumLength: 32, dropoutRate: rate))
    // Make the output layer pass z through: W = [I | 0], b = [0 | 40], so y = z·σ(40) = z.
    block.outputLinear.weight.value = Tensor(shape: [width, 2 * width]) { index in
      let (i, j) = index.quotientAndRemainder(dividingBy: 2 * width)
      return i == j ? 1 : 0
    }
    block.outputLinear.bias!.value = Tensor(shape: [2 * width]) { $0 < width ? 0 : 40 }
    var generator = SeededGenerator(seed: 6)
    let input = Tensor<Double>.randomNormal(shape: [batch, length, width], using: &generator)
    func training(seed: UInt64) -> Tensor<Double> {
      let tape = Tape<Double>(training: true, seed: seed)
      return block(tape.watch(input), on: tape).value
    }
    let kept = block(input)  // inference: no dropout
    let inferenceTape = Tape<Double>(training: false, seed: 1)
    #expect(block(inferenceTape.watch(input), on: inferenceTape).value == kept)
    let dropped = training(seed: 11)
    #expect(training(seed: 11) == dropped)
    #expect(training(seed: 12) != dropped)
    var droppedChannels = 0
    for b in 0..<batch {
      for h in 0..<width {
        let isDropped = dropped[b, 0, h] == 0
        if isDropped { droppedChannels += 1 }
        for t in 0..<length {
          let expected = isDropped ? 0 : kept[b, t, h] / (1 - rate)
          #expect(abs(dropped[b, t, h] - expected) <= 1e-12 * (1 + abs(expected)))
        }
      }
    }
    // Binomial(96, ½): far from 0 and 96.
    #expect(droppedChannels > 20 && droppedChannels < 76)
  }

  @Test("parameters: names under the block's name and the S4 optimizer recipe")
  func parameterNamesAndGroups() {
    let s4 = Self.block(Float.self, width: 4, options: .init(stateSize: 8, maximumLength: 16))
    #expect(
      s4.parameters.map(\.name) == [
        "layer.log_dt", "layer.log_neg_re_lambda", "layer.im_lambda", "layer.P", "layer.B",
        "layer.C", "layer.D", "layer.output_linear.weight", "layer.output_linear.bias",
      ])
    let recipe = ParameterOptions(learningRate: 0.001, weightDecay: 0)
    for parameter in s4.parameters {
      let isStateSpace = ["log_dt", "log_neg_re_lambda", "im_lambda", "P", "B"].contains {
        parameter.name == "layer.\($0)"
      }
      #expect(parameter.options == (isStateSpace ? recipe : .inherited), "\(parameter.name)")
    }
    let s4d = Self.block(Float.self, width: 4, options: .init(structure: .diagonal, stateSize: 8))
    #expect(!s4d.parameters.map(\.name).contains("layer.P"))
    #expect(s4d.parameters.count == 8)
  }

  @Test("bad shapes and options stop with a message")
  func preconditions() async {
    await #expect(processExitsWith: .failure) {
      var generator = SeededGenerator(seed: 1)
      let block = try! S4Block<Float>(
        width: 4, options: .init(stateSize: 8, maximumLength: 16), name: "s4", generator: &generator)
      _ = block(Tensor<Float>(zeros: [1, 8, 5]))
    }
    await #expect(processExitsWith: .failure) {
      var generator = SeededGenerator(seed: 1)
      let block = try! S4Block<Float>(
        width: 4, options: .init(stateSize: 8, maximumLength: 16), name: "s4", generator: &generator)
      var state = block.initialState(batchSize: 2)
      _ = block.step(Tensor<Float>(zeros: [1, 4]), state: &state)
    }
    await #expect(processExitsWith: .failure) {
      var generator = SeededGenerator(seed: 1)
      let block = try! S4Block<Float>(
        width: 4, options: .init(stateSize: 8, maximumLength: 16, isBidirectional: true), name: "s4",
        generator: &generator)
      _ = block.initialState(batchSize: 1)
    }
    await #expect(processExitsWith: .failure) {
      var generator = SeededGenerator(seed: 1)
      _ = try! S4Block<Float>(
        width: 4, options: .init(structure: .diagonal, initialization: .s4LegS), name: "s4",
        generator: &generator)
    }
    await #expect(processExitsWith: .failure) {
      var generator = SeededGenerator(seed: 1)
      _ = try! S4Block<Float>(width: 6, options: .init(sharedCopies: 4), name: "s4", generator: &generator)
    }
  }
}
