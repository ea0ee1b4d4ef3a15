import StateSpace

/// Saving and loading a model's parameters and an optimizer's state as a safetensors file.
///
/// Layout of the file: each parameter under its dotted name (so that
/// `safetensors.torch.load_file` yields a state dict); optimizer slot `s` of parameter `p`
/// under `optimizer.s.p`; metadata `optimizer` (the optimizer kind), `optimizer.steps` (its
/// step count) and `optimizer.step.p` (the step count of each parameter with state), next to
/// the caller's own metadata.
///
/// ```swift
/// try Checkpoint.save(model.parameters, optimizer: optimizer, to: "run/step-1000.safetensors")
/// try Checkpoint.load(into: model.parameters, optimizer: &optimizer, from: "run/step-1000.safetensors")
/// ```
///
/// Saving is atomic; loading validates the whole file and every tensor before it assigns
/// anything, so a failed load leaves the model and optimizer exactly as they were.
public enum Checkpoint {
  /// The prefix of the optimizer's tensors and metadata; parameter names and caller metadata
  /// keys must not start with it.
  public static let optimizerPrefix = "optimizer"

  /// An archive holding `parameters` (and `metadata`).
  ///
  /// - Parameters:
  ///   - parameters: Parameters with unique names.
  ///   - metadata: Caller metadata; keys must not start with `optimizer`.
  public static func archive<Scalar: DifferentiableScalar>(
    of parameters: [Parameter<Scalar>], metadata: [String: String] = [:]
  ) -> SafeTensorsArchive {
    validateNames(parameters, metadata: metadata, operation: "Checkpoint.archive")
    var archive = SafeTensorsArchive()
    archive.metadata = metadata
    for parameter in parameters { archive.setTensor(parameter.value, named: parameter.name) }
    return archive
  }

  /// An archive holding `parameters`, the optimizer's state for them, and `metadata`.
  ///
  /// - Parameters:
  ///   - parameters: Parameters with unique names.
  ///   - optimizer: The optimizer whose state is saved.
  ///   - metadata: Caller metadata; keys must not start with `optimizer`.
  public static func archive<O: Optimizer>(
    of parameters: [Parameter<O.Scalar>], optimizer: O, metadata: [String: String] = [:]
  ) -> SafeTensorsArchive {
    var archive = archive(of: parameters, metadata: metadata)
    let state = optimizer.state(for: parameters)
    archive.metadata[optimizerPrefix] = state.kind
    archive.metadata["\(optimizerPrefix).steps"] = String(state.stepCount)
    for (name, entry) in state.entries {
      archive.metadata["\(optimizerPrefix).step.\(name)"] = String(entry.step)
      for (slotName, slot) in zip(state.slotNames, entry.slots) {
        archive.setTensor(slot, named: "\(optimizerPrefix).\(slotName).\(name)")
      }
    }
    return archive
  }

  /// Writes `parameters` to a safetensors file atomically.
  ///
  /// - Parameters:
  ///   - parameters: Parameters with unique names.
  ///   - metadata: Caller metadata; keys must not start with `optimizer`.
  ///   - path: The file to create or replace.
  /// - Throws: ``CheckpointError/fileSystem(operation:path:errno:)``.
  public static func save<Scalar: DifferentiableScalar>(
    _ parameters: [Parameter<Scalar>], metadata: [String: String] = [:], to path: String
  ) throws(CheckpointError) {
    try archive(of: parameters, metadata: metadata).write(toFile: path)
  }

  /// Writes `parameters` and the optimizer's state to a safetensors file atomically.
  ///
  /// - Parameters:
  ///   - parameters: Parameters with unique names.
  ///   - optimizer: The optimizer whose state is saved.
  ///   - metadata: Caller metadata; keys must not start with `optimizer`.
  ///   - path: The file to create or replace.
  /// - Throws: ``CheckpointError/fileSystem(operation:path:errno:)``.
  public static func save<O: Optimizer>(
    _ parameters: [Parameter<O.Scalar>], optimizer: O, metadata: [String: String] = [:],
    to path: String
  ) throws(CheckpointError) {
    try archive(of: parameters, optimizer: optimizer, metadata: metadata).write(toFile: path)
  }

  /// Reads a checkpoint file into `parameters`, all or nothing.
  ///
  /// Tensors in the file that no parameter names (optimizer state, say) are ignored.
  ///
  /// - Parameters:
  ///   - parameters: The parameters to fill, matched by name.
  ///   - path: The checkpoint file.
  /// - Returns: The file's metadata.
  /// - Throws: A ``CheckpointError`` for an unreadable or malformed file, a missing tensor, or a
  ///   tensor whose dtype or shape does not match its parameter; nothing is assigned then.
  @discardableResult
  public static func load<Scalar: DifferentiableScalar>(
    into parameters: [Parameter<Scalar>], from path: String
  ) throws(CheckpointError) -> [String: String] {
    let archive = try SafeTensorsArchive(contentsOfFile: path)
    try restore(parameters, from: archive)
    return archive.metadata
  }

  /// Reads a checkpoint file into `parameters` and `optimizer`, all or nothing.
  ///
  /// - Parameters:
  ///   - parameters: The parameters to fill, matched by name.
  ///   - optimizer: The optimizer whose state is replaced by the saved one.
  ///   - path: The checkpoint file.
  /// - Returns: The file's metadata.
  /// - Throws: As ``load(into:from:)``, and ``CheckpointError/missingMetadata(key:)``,
  ///   ``CheckpointError/invalidMetadata(key:value:)`` or
  ///   ``CheckpointError/optimizerMismatch(expected:found:)`` for missing or foreign optimizer
  ///   state; nothing is assigned then.
  @discardableResult
  public static func load<O: Optimizer>(
    into parameters: [Parameter<O.Scalar>], optimizer: inout O, from path: String
  ) throws(CheckpointError) -> [String: String] {
    let archive = try SafeTensorsArchive(contentsOfFile: path)
    try restore(parameters, optimizer: &optimizer, from: archive)
    return archive.metadata
  }

  /// Assigns the archive's tensors to `parameters`, all or nothing.
  ///
  /// - Throws: ``CheckpointError/missingTensor(_:)``,
  ///   ``CheckpointError/dtypeMismatch(tensor:expected:found:)`` or
  ///   ``CheckpointError/shapeMismatch(tensor:expected:found:)``.
  public static func restore<Scalar: DifferentiableScalar>(
    _ parameters: [Parameter<Scalar>], from archive: SafeTensorsArchive
  ) throws(CheckpointError) {
    let values = try readParameters(parameters, from: archive)
    for (parameter, value) in zip(parameters, values) { parameter.value = value }
  }

  /// Assigns the archive's tensors to `parameters` and its optimizer state to `optimizer`,
  /// all or nothing.
  ///
  /// - Throws: As ``load(into:optimizer:from:)``.
  public static func restore<O: Optimizer>(
    _ parameters: [Parameter<O.Scalar>], optimizer: inout O, from archive: SafeTensorsArchive
  ) throws(CheckpointError) {
    let values = try readParameters(parameters, from: archive)
    let state = try readOptimizerState(
      for: parameters, kind: optimizer.stateKind, slotNames: optimizer.stateSlotNames,
      from: archive)
    var restored = optimizer
    try restored.restore(state, for: parameters)
    for (parameter, value) in zip(parameters, values) { parameter.value = value }
    optimizer = restored
  }

  private static func readParameters<Scalar: DifferentiableScalar>(
    _ parameters: [Parameter<Scalar>], from archive: SafeTensorsArchive
  ) throws(CheckpointError) -> [Tensor<Scalar>] {
    validateNames(parameters, metadata: [:], operation: "Checkpoint.restore")
    var values: [Tensor<Scalar>] = []
    values.reserveCapacity(parameters.count)
    for parameter in parameters {
      values.append(try archive.tensor(named: parameter.name, shape: parameter.shape))
    }
    return values
  }

  private static func readOptimizerState<Scalar: DifferentiableScalar>(
    for parameters: [Parameter<Scalar>], kind: String, slotNames: [String],
    from archive: SafeTensorsArchive
  ) throws(CheckpointError) -> OptimizerState<Scalar> {
    guard let savedKind = archive.metadata[optimizerPrefix] else {
      throw .missingMetadata(key: optimizerPrefix)
    }
    guard savedKind == kind else { throw .optimizerMismatch(expected: kind, found: savedKind) }
    let stepCount = try count(forKey: "\(optimizerPrefix).steps", in: archive, required: true)!
    var entries: [String: OptimizerState<Scalar>.Entry] = [:]
    for parameter in parameters {
      let key = "\(optimizerPrefix).step.\(parameter.name)"
      guard let step = try count(forKey: key, in: archive, required: false) else { continue }
      var slots: [Tensor<Scalar>] = []
      for slotName in slotNames {
        slots.append(
          try archive.tensor(
            named: "\(optimizerPrefix).\(slotName).\(parameter.name)", shape: parameter.shape))
      }
      entries[parameter.name] = OptimizerState.Entry(step: step, slots: slots)
    }
    return OptimizerState(kind: kind, slotNames: slotNames, stepCount: stepCount, entries: entries)
  }

  /// The non-negative integer stored under `key`, or `nil` when it is absent and optional.
  private static func count(
    forKey key: String, in archive: SafeTensorsArchive, required: Bool
  ) throws(CheckpointError) -> Int? {
    guard let text = archive.metadata[key] else {
      if required { throw .missingMetadata(key: key) }
      return nil
    }
    guard let value = Int(text), value >= 0 else { throw .invalidMetadata(key: key, value: text) }
    return value
  }

  private static func validateNames<Scalar: DifferentiableScalar>(
    _ parameters: [Parameter<Scalar>], metadata: [String: String], operation: String
  ) {
    var names = Set<String>()
    for parameter in parameters {
      precondition(
        names.insert(parameter.name).inserted,
        "\(operation): two parameters are named '\(parameter.name)'")
      precondition(
        !parameter.name.hasPrefix(optimizerPrefix + "."),
        "\(operation): parameter name '\(parameter.name)' uses the reserved prefix '\(optimizerPrefix).'"
      )
    }
    for key in metadata.keys {
      precondition(
        !key.hasPrefix(optimizerPrefix),
        "\(operation): metadata key '\(key)' uses the reserved prefix '\(optimizerPrefix)'")
    }
  }
}
