import Foundation
import StateSpace
import Testing
@testable import Training

/// A safetensors file assembled by hand: the header text (padded with spaces to 8 bytes unless
/// told otherwise), the data, and optionally a forged header length.
private func handMade(header: String, data: [UInt8], declaredLength: UInt64? = nil) -> [UInt8] {
  var headerBytes = Array(header.utf8)
  headerBytes += [UInt8](repeating: 0x20, count: (8 - headerBytes.count % 8) % 8)
  let length = declaredLength ?? UInt64(headerBytes.count)
  return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + headerBytes + data
}

/// Decodes `bytes` and returns the error, or `nil` if they decode.
private func decodingError(_ bytes: [UInt8]) -> CheckpointError? {
  do {
    _ = try SafeTensorsArchive(decoding: bytes)
    return nil
  } catch {
    return error
  }
}

private let eightBytes = [UInt8](repeating: 0, count: 8)

@Suite("Malformed checkpoints give typed errors")
struct CheckpointErrorTests {
  @Test func truncatedFiles() throws {
    let bytes = Checkpoint.archive(of: makeModel(seed: 1)).encoded()
    #expect(decodingError(Array(bytes.dropLast(5))) == .truncated(expectedBytes: bytes.count, actualBytes: bytes.count - 5))
    #expect(decodingError([1, 2, 3, 4]) == .truncated(expectedBytes: 8, actualBytes: 4))
    // No prefix of a valid file decodes, and none crashes.
    for length in 0..<bytes.count {
      #expect(decodingError(Array(bytes[0..<length])) != nil, "prefix of \(length) bytes")
    }
  }

  @Test func oversizedHeaderLength() {
    let header = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
    let valid = handMade(header: header, data: eightBytes)
    #expect(decodingError(valid) == nil)
    let absurd = handMade(header: header, data: eightBytes, declaredLength: 1 << 40)
    #expect(decodingError(absurd) == .headerLengthOutOfRange(length: 1 << 40, fileSize: valid.count))
    let oneTooMany = UInt64(valid.count - 8 + 1)
    #expect(
      decodingError(handMade(header: header, data: eightBytes, declaredLength: oneTooMany))
        == .headerLengthOutOfRange(length: oneTooMany, fileSize: valid.count))
  }

  @Test(arguments: [
    #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#,  // unterminated object
    #"{"w":{"dtype":"F32","shape":[2,],"data_offsets":[0,8]}}"#,  // trailing comma
    #"{"w":{"dtype":'F32',"shape":[2],"data_offsets":[0,8]}}"#,  // single quotes
    #"{"w":{"dtype":"F32","shape":[02],"data_offsets":[0,8]}}"#,  // leading zero
    #"{"w":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,  // duplicate key
    #"{"w":{"dtype":"F\u00","shape":[2],"data_offsets":[0,8]}}"#,  // short escape
    #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} x"#,  // trailing data
    #"[{"w":1}]"#,  // not an object
  ])
  func invalidJSON(header: String) {
    guard case .invalidJSON = decodingError(handMade(header: header, data: eightBytes)) else {
      Issue.record("expected invalidJSON for \(header)")
      return
    }
  }

  @Test func deeplyNestedHeaderIsRejectedWithoutRecursingFurther() {
    let header = #"{"w":"# + String(repeating: "[", count: 100_000)
    guard case .invalidJSON(_, let reason) = decodingError(handMade(header: header, data: [])) else {
      Issue.record("expected invalidJSON")
      return
    }
    #expect(reason.contains("nested"))
  }

  @Test(arguments: [
    #"{"w":{"shape":[2],"data_offsets":[0,8]}}"#,
    #"{"w":{"dtype":"F32","shape":"2","data_offsets":[0,8]}}"#,
    #"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#,
    #"{"w":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}"#,
    #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}}"#,
    #"{"w":{"dtype":"F32","shape":[99999999999,99999999999],"data_offsets":[0,8]}}"#,
    #"{"w":[1,2]}"#,
    #"{"__metadata__":{"a":1},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
  ])
  func invalidHeaderStructure(header: String) {
    guard case .invalidHeader = decodingError(handMade(header: header, data: eightBytes)) else {
      Issue.record("expected invalidHeader for \(header)")
      return
    }
  }

  @Test func unknownDType() {
    let header = #"{"w":{"dtype":"F31","shape":[2],"data_offsets":[0,8]}}"#
    #expect(decodingError(handMade(header: header, data: eightBytes)) == .unknownDType(tensor: "w", dtype: "F31"))
  }

  @Test func offsetsThatDoNotSpanTheShape() {
    let short = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#
    #expect(
      decodingError(handMade(header: short, data: [0, 0, 0, 0]))
        == .invalidOffsets(tensor: "w", begin: 0, end: 4, expectedByteCount: 8))
    let reversed = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#
    #expect(
      decodingError(handMade(header: reversed, data: eightBytes))
        == .invalidOffsets(tensor: "w", begin: 8, end: 0, expectedByteCount: 8))
  }

  @Test func overlappingTensors() {
    let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
    #expect(decodingError(handMade(header: header, data: [UInt8](repeating: 0, count: 12))) == .overlappingTensors("a", "b"))
  }

  @Test func holesAndTrailingBytes() {
    let hole = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
    #expect(decodingError(handMade(header: hole, data: [UInt8](repeating: 0, count: 12))) == .unindexedBytes(offset: 0, count: 4))
    let trailing = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
    #expect(decodingError(handMade(header: trailing, data: [UInt8](repeating: 0, count: 11))) == .unindexedBytes(offset: 8, count: 3))
  }

  @Test func randomCorruptionNeverCrashes() {
    // Flip random header bytes of a valid file: decoding either succeeds or throws.
    let bytes = Checkpoint.archive(of: makeModel(seed: 2)).encoded()
    let headerEnd = 8 + Int(bytes[0]) + Int(bytes[1]) << 8
    var generator = SeededGenerator(seed: 9)
    var failures = 0
    for _ in 0..<500 {
      var corrupt = bytes
      for _ in 0..<3 {
        corrupt[Int(generator.next() % UInt64(headerEnd))] = UInt8(truncatingIfNeeded: generator.next())
      }
      if decodingError(corrupt) != nil { failures += 1 }
    }
    #expect(failures > 250)
  }
}

@Suite("Loading validates before assigning")
struct CheckpointLoadErrorTests {
  private func withSavedCheckpoint(
    _ body: (_ path: String, _ model: [Parameter<Float>]) throws -> Void
  ) rethrows {
    let directory = makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let model = makeModel(seed: 1)
    try! Checkpoint.save(model, optimizer: trainedOptimizer(model), to: directory + "/c.safetensors")
    try body(directory + "/c.safetensors", model)
  }

  /// Loads `path` into a fresh model and optimizer, expects `error`, and checks that neither
  /// changed.
  private func expectLoad(
    _ path: String, names: [String]? = nil, shapes: [[Int]]? = nil, fails error: CheckpointError
  ) {
    var target = makeModel(seed: 7)
    for (index, name) in (names ?? []).enumerated() {
      target[index] = Parameter(name: name, value: target[index].value)
    }
    if let shapes {
      for (index, shape) in shapes.enumerated() {
        target[index].value = Tensor(shape: shape, repeating: 1)
      }
    }
    var optimizer = trainedOptimizer(target, steps: 1)
    let before = target.map { bitPatterns($0.value) }
    let stateBefore = optimizer.state(for: target)
    #expect(throws: error) { try Checkpoint.load(into: target, optimizer: &optimizer, from: path) }
    #expect(target.map { bitPatterns($0.value) } == before)
    #expect(optimizer.stepCount == 1)
    #expect(optimizer.state(for: target).entries == stateBefore.entries)
  }

  @Test func wrongShape() {
    withSavedCheckpoint { path, _ in
      expectLoad(
        path, shapes: [[4, 3]],
        fails: .shapeMismatch(tensor: "encoder.weight", expected: [4, 3], found: [3, 4]))
    }
  }

  @Test func wrongDType() throws {
    let directory = makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/double.safetensors"
    let model = makeModel(seed: 1).map {
      Parameter<Double>(name: $0.name, value: Tensor(shape: $0.shape, scalars: $0.value.scalars.map(Double.init)))
    }
    try Checkpoint.save(model, optimizer: AdamW<Double>(), to: path)
    expectLoad(path, fails: .dtypeMismatch(tensor: "encoder.weight", expected: "F32", found: "F64"))
  }

  @Test func missingParameterTensor() {
    withSavedCheckpoint { path, _ in
      expectLoad(path, names: ["encoder.weight", "decoder.bias"], fails: .missingTensor("decoder.bias"))
    }
  }

  @Test func missingOptimizerState() throws {
    let directory = makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/weights.safetensors"
    try Checkpoint.save(makeModel(seed: 1), to: path)
    expectLoad(path, fails: .missingMetadata(key: "optimizer"))

    let model = makeModel(seed: 1)
    let optimizer = trainedOptimizer(model)
    var archive = Checkpoint.archive(of: model, optimizer: optimizer)
    archive.entries["optimizer.v.encoder.bias"] = nil
    try archive.write(toFile: path)
    expectLoad(path, fails: .missingTensor("optimizer.v.encoder.bias"))

    archive = Checkpoint.archive(of: model, optimizer: optimizer)
    archive.metadata["optimizer.step.scale"] = "three"
    try archive.write(toFile: path)
    expectLoad(path, fails: .invalidMetadata(key: "optimizer.step.scale", value: "three"))
  }

  @Test func foreignOptimizer() throws {
    let directory = makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/sgd.safetensors"
    let model = makeModel(seed: 1)
    try Checkpoint.save(model, optimizer: SGD<Float>(learningRate: 0.1, momentum: 0.9), to: path)
    expectLoad(path, fails: .optimizerMismatch(expected: "adamw", found: "sgd"))
  }

  @Test func unreadableFile() {
    let path = "/nonexistent-directory/c.safetensors"
    expectLoad(path, fails: .fileSystem(operation: "open", path: path, errno: ENOENT))
  }
}

@Suite("Checkpoint writes are atomic")
struct CheckpointAtomicWriteTests {
  private func temporaryFiles(in directory: String) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: directory))?.filter { $0.contains(".tmp-") } ?? []
  }

  @Test func failedWriteLeavesTheOldFileAndNoTemporary() throws {
    let directory = makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/c.safetensors"
    try Checkpoint.save(makeModel(seed: 1), to: path)
    let old = try Data(contentsOf: URL(fileURLWithPath: path))
    let newer = Checkpoint.archive(of: makeModel(seed: 2))
    #expect(throws: CheckpointError.self) {
      try newer.write(toFile: path, fault: .init(afterBytes: 100, effect: .ioError))
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == old)
    #expect(temporaryFiles(in: directory).isEmpty)
    // Without the fault the same write replaces the file.
    try newer.write(toFile: path)
    #expect(try SafeTensorsArchive(contentsOfFile: path) == newer)
    #expect(temporaryFiles(in: directory).isEmpty)
  }

  @Test func crashMidWriteLeavesTheOldFile() async throws {
    let directory = makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/c.safetensors"
    let model = makeModel(seed: 1)
    try Checkpoint.save(model, to: path)
    let old = try Data(contentsOf: URL(fileURLWithPath: path))
    // A child process starts replacing the file and dies half-way through the data.
    await #expect(processExitsWith: .exitCode(3)) { [path = path as String] in
      let newer = Checkpoint.archive(of: makeModel(seed: 2))
      try newer.write(toFile: path, fault: .init(afterBytes: newer.encoded().count / 2, effect: .terminateProcess))
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == old)
    #expect(temporaryFiles(in: directory).count == 1)  // the dead writer's partial file
    let restored = makeModel(seed: 3)
    try Checkpoint.load(into: restored, from: path)
    #expect(restored.map { bitPatterns($0.value) } == model.map { bitPatterns($0.value) })
  }

  @Test func writingIntoAMissingDirectoryFails() {
    let path = "/nonexistent-directory/c.safetensors"
    #expect(throws: CheckpointError.fileSystem(operation: "mkstemp", path: path, errno: ENOENT)) {
      try Checkpoint.save(makeModel(seed: 1), to: path)
    }
  }
}
