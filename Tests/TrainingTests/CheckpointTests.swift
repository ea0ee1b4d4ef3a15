import Foundation
import StateSpace
import Testing
@testable import Training

/// A fresh directory for one test's files.
func makeScratchDirectory() -> String {
  let path = FileManager.default.temporaryDirectory
    .appendingPathComponent("swift-s4-checkpoint-\(UUID().uuidString)").path
  try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}

/// The bits of every scalar, so that comparisons are exact even for NaN payloads and −0.
func bitPatterns(_ tensor: Tensor<Float>) -> [UInt32] { tensor.scalars.map(\.bitPattern) }
func bitPatterns(_ tensor: Tensor<Double>) -> [UInt64] { tensor.scalars.map(\.bitPattern) }

/// A small model: a weight matrix with awkward values, a bias and a rank-0 scale.
func makeModel(seed: UInt64) -> [Parameter<Float>] {
  var generator = SeededGenerator(seed: seed)
  var weight = Tensor<Float>.randomNormal(shape: [3, 4], using: &generator)
  weight.scalars[0] = -0.0
  weight.scalars[1] = .leastNonzeroMagnitude
  weight.scalars[2] = .greatestFiniteMagnitude
  weight.scalars[3] = Float(bitPattern: 0x7FC0_1234)  // a NaN with a payload
  return [
    Parameter(name: "encoder.weight", value: weight),
    Parameter(name: "encoder.bias", value: Tensor<Float>.randomNormal(shape: [4], using: &generator)),
    Parameter(name: "scale", value: Tensor(shape: [], scalars: [0.5])),
  ]
}

/// Three AdamW steps with fixed gradients; the bias gets no gradient in the second, so the
/// parameters' step counts differ.
func trainedOptimizer(_ model: [Parameter<Float>], steps: Int = 3) -> AdamW<Float> {
  var optimizer = AdamW<Float>(learningRate: 0.01, weightDecay: 0.1)
  for step in 0..<steps {
    let assignments = model.enumerated().compactMap { index, parameter -> (Parameter<Float>, Tensor<Float>)? in
      if step == 1 && index == 1 { return nil }
      return (parameter, Tensor(shape: parameter.shape, repeating: Float(index + step) * 0.25 - 0.3))
    }
    optimizer.update(model, with: fixedGradients(assignments))
  }
  return optimizer
}

@Suite("Checkpoints in the safetensors format")
struct CheckpointTests {
  @Test func roundTripIsBitExactIncludingOptimizerState() throws {
    let directory = makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/model.safetensors"
    let model = makeModel(seed: 1)
    var optimizer = trainedOptimizer(model)
    try Checkpoint.save(model, optimizer: optimizer, metadata: ["epoch": "3"], to: path)

    let restored = makeModel(seed: 2)
    var restoredOptimizer = AdamW<Float>(learningRate: 0.01, weightDecay: 0.1)
    let metadata = try Checkpoint.load(into: restored, optimizer: &restoredOptimizer, from: path)
    #expect(metadata["epoch"] == "3")
    #expect(metadata["optimizer"] == "adamw")
    for (original, copy) in zip(model, restored) {
      #expect(copy.shape == original.shape)
      #expect(bitPatterns(copy.value) == bitPatterns(original.value))
    }
    #expect(restoredOptimizer.stepCount == 3)
    let saved = optimizer.state(for: model)
    let loaded = restoredOptimizer.state(for: restored)
    #expect(loaded.entries.keys.sorted() == saved.entries.keys.sorted())
    for (name, entry) in saved.entries {
      #expect(loaded.entries[name]?.step == entry.step)
      #expect(loaded.entries[name]?.slots.map(bitPatterns) == entry.slots.map(bitPatterns))
    }
    #expect(saved.entries["encoder.bias"]?.step == 2)

    // Training continues identically from the original and from the restored copy.
    for parameter in model + restored where parameter.name == "encoder.weight" {
      parameter.value.scalars[3] = 1  // drop the NaN so that the next steps stay finite
    }
    for _ in 0..<2 {
      optimizer.update(model, with: fixedGradients(model.map { ($0, Tensor(shape: $0.shape, repeating: 0.1)) }))
      restoredOptimizer.update(
        restored, with: fixedGradients(restored.map { ($0, Tensor(shape: $0.shape, repeating: 0.1)) }))
    }
    for (original, copy) in zip(model, restored) {
      #expect(bitPatterns(copy.value) == bitPatterns(original.value))
    }
  }

  @Test func doubleParametersAndMomentumRoundTrip() throws {
    let directory = makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/sgd.safetensors"
    let p = Parameter<Double>(name: "w", value: Tensor(shape: [2, 2], scalars: [1, -2, .pi, 1e-300]))
    var optimizer = SGD<Double>(learningRate: 0.1, momentum: 0.9, nesterov: true)
    optimizer.update([p], with: fixedGradients([(p, Tensor(shape: [2, 2], scalars: [0.5, 0.25, -1, 2]))]))
    try Checkpoint.save([p], optimizer: optimizer, to: path)
    let q = Parameter<Double>(name: "w", value: Tensor(shape: [2, 2], repeating: 0))
    var restored = SGD<Double>(learningRate: 0.1, momentum: 0.9, nesterov: true)
    try Checkpoint.load(into: [q], optimizer: &restored, from: path)
    #expect(bitPatterns(q.value) == bitPatterns(p.value))
    #expect(restored.state(for: [q]).entries == optimizer.state(for: [p]).entries)
  }

  @Test func fileLayoutFollowsTheSafetensorsSpecification() throws {
    // Read back with an independent JSON parser and by hand: length prefix, padded header,
    // names → dtype/shape/offsets, metadata strings, little-endian data at the offsets.
    let model = makeModel(seed: 3)
    let optimizer = trainedOptimizer(model)
    let bytes = Checkpoint.archive(of: model, optimizer: optimizer, metadata: ["note": "a \"quoted\"\nline"])
      .encoded()
    let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    #expect(headerLength % 8 == 0)
    let headerBytes = Data(bytes[8..<(8 + headerLength)])
    let header = try #require(JSONSerialization.jsonObject(with: headerBytes) as? [String: Any])
    let metadata = try #require(header["__metadata__"] as? [String: String])
    #expect(metadata["note"] == "a \"quoted\"\nline")
    #expect(metadata["optimizer"] == "adamw")
    #expect(metadata["optimizer.steps"] == "3")
    #expect(metadata["optimizer.step.encoder.bias"] == "2")
    #expect(metadata["optimizer.step.encoder.weight"] == "3")
    let expectedNames = Set(
      model.map(\.name) + model.flatMap { ["optimizer.m.\($0.name)", "optimizer.v.\($0.name)"] })
    #expect(Set(header.keys).subtracting(["__metadata__"]) == expectedNames)

    let dataStart = 8 + headerLength
    var covered = 0
    let state = optimizer.state(for: model)
    for (name, value) in header where name != "__metadata__" {
      let entry = try #require(value as? [String: Any])
      #expect(entry["dtype"] as? String == "F32")
      let shape = try #require(entry["shape"] as? [Int])
      let offsets = try #require(entry["data_offsets"] as? [Int])
      covered += offsets[1] - offsets[0]
      let tensor: Tensor<Float>
      if let parameter = model.first(where: { $0.name == name }) {
        tensor = parameter.value
      } else {
        let slot = name.hasPrefix("optimizer.m.") ? 0 : 1
        tensor = state.entries[String(name.dropFirst("optimizer.m.".count))]!.slots[slot]
      }
      #expect(shape == tensor.shape)
      #expect(offsets[1] - offsets[0] == 4 * tensor.scalarCount)
      for (index, scalar) in tensor.scalars.enumerated() {
        let at = dataStart + offsets[0] + 4 * index
        let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * $1) }
        #expect(bits == scalar.bitPattern)
      }
    }
    #expect(covered == bytes.count - dataStart)
  }

  @Test func awkwardNamesSurviveEncoding() throws {
    var archive = SafeTensorsArchive()
    let names = ["quote\"d", "back\\slash", "ünïcode.λ", "tab\there", "emoji🙂", "ctrl\u{1}"]
    for (index, name) in names.enumerated() {
      archive.setTensor(Tensor<Double>(shape: [1], scalars: [Double(index)]), named: name)
    }
    archive.metadata = ["key\n": "value\u{7}"]
    let decoded = try SafeTensorsArchive(decoding: archive.encoded())
    #expect(decoded == archive)
    let bytes = archive.encoded()
    let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    let json = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)]))
    #expect(Set((json as! [String: Any]).keys) == Set(names + ["__metadata__"]))
  }

  @Test func parametersOnlyCheckpointLoadsWithoutOptimizer() throws {
    let directory = makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/weights.safetensors"
    let model = makeModel(seed: 4)
    try Checkpoint.save(model, optimizer: trainedOptimizer(model), to: path)
    let restored = makeModel(seed: 5)
    try Checkpoint.load(into: restored, from: path)  // optimizer tensors are ignored
    #expect(restored.map { bitPatterns($0.value) } == model.map { bitPatterns($0.value) })
  }
}
