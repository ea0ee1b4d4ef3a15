import Foundation
import StateSpace
import Training
import SequenceModels

/// Autoregressive generation through the step interface: a 4-layer, H = 256 token model of each
/// block kind samples 4096 tokens at batch 1 and 16. Per-step time at the start and at the end of
/// the context shows how each kind scales with the context it has consumed.
enum GenerateSuite {
  static func run(_ context: inout BenchmarkContext) {
    measureBlockSteps(&context)
    let width = context.quick ? 64 : 256
    let steps = context.quick ? 512 : 4096
    let vocabulary = 256
    var stepSeconds: [String: Double] = [:]
    for batch in [1, 16] {
      for entry in BlocksSuite.entries {
        let name = "generate.\(entry.kind)"
        guard context.wants(name) else { continue }
        var generator = SeededGenerator(seed: 3)
        let layers = (0..<4).map { _ in entry.make(width, steps, &generator) }
        guard layers.allSatisfy(\.isCausal) else { continue }
        let model = SequenceModel<Float>(
          input: .tokens(vocabularySize: vocabulary), width: width, layers: layers,
          output: .perStep(size: vocabulary), generator: &generator)
        // Time every step; sampling is part of generation, so it is inside the loop.
        var state = model.initialState(batchSize: batch)
        var tokens = Tensor<Int>(shape: [batch], repeating: 0)
        var times: [Double] = []
        times.reserveCapacity(steps)
        var sampler = SeededGenerator(seed: 4)
        let sampling = SamplingOptions(temperature: 1, topK: 40)
        for _ in 0..<steps {
          times.append(
            elapsedSeconds {
              let logits = model.step(tokens: tokens, state: &state)
              tokens = Tensor(shape: [batch], scalars: sampling.sample(logits, using: &sampler))
            })
        }
        let window = min(256, steps / 4)
        let early = times[0..<window].sorted()[window / 2]
        let late = times[(steps - window)...].sorted()[window / 2]
        let total = times.reduce(0, +)
        var measurement = Measurement(
          name: name,
          params: [("batch", .int(batch)), ("steps", .int(steps)), ("width", .int(width)), ("layers", .int(4))],
          seconds: [total])
        measurement.throughput = [
          ("tokens_per_second", Double(batch * steps) / total),
          ("step_ms_first_\(window)", early * 1e3),
          ("step_ms_last_\(window)", late * 1e3),
        ]
        context.record(measurement)
        stepSeconds["\(entry.kind)@\(batch)"] = total
      }
    }
    for batch in [1, 16] {
      if let s4 = stepSeconds["s4@\(batch)"], let attention = stepSeconds["attention@\(batch)"] {
        context.notes.append(
          String(
            format: "B = %d: S4 generates %.1f× faster than attention over %d tokens.", batch,
            attention / s4, steps))
      }
    }
  }

  /// One block's step at B = 1, H = 256 (the per-step target, ≤ 0.02 ms for S4): the
  /// median over 1024 consecutive steps, so attention's time is that at a context of about
  /// 512 tokens.
  static func measureBlockSteps(_ context: inout BenchmarkContext) {
    let width = context.quick ? 64 : 256
    let steps = 1024
    for entry in BlocksSuite.entries {
      let name = "generate.\(entry.kind).block_step"
      guard context.wants(name) else { continue }
      var generator = SeededGenerator(seed: 5)
      let block = entry.make(width, steps, &generator)
      guard block.isCausal else { continue }
      let inputs = Tensor<Float>.randomNormal(shape: [steps, 1, width], using: &generator)
      var times: [Double] = []
      var sink: Float = 0
      stepAll(block, inputs: inputs, times: &times, sink: &sink)
      precondition(sink.isFinite, "\(name): non-finite output")
      var measurement = Measurement(
        name: name, params: [("batch", .int(1)), ("width", .int(width)), ("steps", .int(steps))],
        seconds: times)
      measurement.throughput = [("steps_per_second", 1 / measurement.median)]
      context.record(measurement)
    }
  }

  /// Steps `block` through every row of `inputs` (T, 1, H), timing each step.
  static func stepAll<Layer: SequenceLayer<Float>>(
    _ block: Layer, inputs: Tensor<Float>, times: inout [Double], sink: inout Float
  ) {
    let (steps, width) = (inputs.shape[0], inputs.shape[2])
    var state = block.initialState(batchSize: 1)
    for t in 0..<steps {
      let row = Tensor<Float>(shape: [1, width]) { inputs.scalars[t * width + $0] }
      var output = row
      times.append(elapsedSeconds { output = block.step(row, state: &state) })
      sink += output.scalars[0]
    }
  }
}
