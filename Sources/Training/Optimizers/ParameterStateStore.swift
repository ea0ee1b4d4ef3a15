import StateSpace

/// The per-parameter state of an optimizer, keyed by parameter identity.
///
/// Each entry holds a strong reference to its parameter, so an identity can never be reused by
/// another parameter while the state exists. The optimizers share this store and the
/// conversions to and from ``OptimizerState``.
struct ParameterStateStore<Scalar: DifferentiableScalar> {
  struct Entry {
    let parameter: Parameter<Scalar>
    var step: Int
    var slots: [Tensor<Scalar>]
  }

  let kind: String
  let slotNames: [String]
  private(set) var stepCount = 0
  private var entries: [ObjectIdentifier: Entry] = [:]

  init(kind: String, slotNames: [String]) {
    self.kind = kind
    self.slotNames = slotNames
  }

  /// Calls `body` once for every parameter that has a gradient, with its gradient and its
  /// state (zero-filled on the first update, step already advanced), then counts the update.
  ///
  /// - Parameters:
  ///   - operation: The calling optimizer method, for precondition messages.
  mutating func forEachUpdate(
    of parameters: [Parameter<Scalar>], with gradients: Gradients<Scalar>, operation: String,
    _ body: (Parameter<Scalar>, Tensor<Scalar>, inout Entry) -> Void
  ) {
    var seen = Set<ObjectIdentifier>(minimumCapacity: parameters.count)
    for parameter in parameters {
      precondition(
        seen.insert(parameter.id).inserted,
        "\(operation): parameter '\(parameter.name)' is listed twice")
      guard let gradient = gradients[parameter] else { continue }
      precondition(
        gradient.shape == parameter.shape,
        "\(operation): gradient of shape \(gradient.shape) for parameter '\(parameter.name)' of shape \(parameter.shape)"
      )
      // Taking the entry out of the dictionary keeps its tensors uniquely referenced, so the
      // kernels update them in place.
      var entry =
        entries.removeValue(forKey: parameter.id)
        ?? Entry(
          parameter: parameter, step: 0,
          slots: slotNames.map { _ in Tensor(shape: parameter.shape, repeating: 0) })
      precondition(
        entry.slots.allSatisfy { $0.shape == parameter.shape },
        "\(operation): parameter '\(parameter.name)' changed shape to \(parameter.shape) since its state was created"
      )
      entry.step += 1
      body(parameter, gradient, &entry)
      entries[parameter.id] = entry
    }
    stepCount += 1
  }

  /// The state of `parameters` by name.
  func state(for parameters: [Parameter<Scalar>]) -> OptimizerState<Scalar> {
    var byName: [String: OptimizerState<Scalar>.Entry] = [:]
    for parameter in parameters {
      guard let entry = entries[parameter.id] else { continue }
      precondition(
        byName[parameter.name] == nil,
        "Optimizer.state(for:): two parameters are named '\(parameter.name)'")
      byName[parameter.name] = OptimizerState.Entry(step: entry.step, slots: entry.slots)
    }
    return OptimizerState(kind: kind, slotNames: slotNames, stepCount: stepCount, entries: byName)
  }

  /// Replaces the state of `parameters` by `state`, validating everything before changing
  /// anything.
  mutating func restore(
    _ state: OptimizerState<Scalar>, for parameters: [Parameter<Scalar>]
  ) throws(CheckpointError) {
    guard state.kind == kind && state.slotNames == slotNames else {
      throw .optimizerMismatch(
        expected: "\(kind) \(slotNames)", found: "\(state.kind) \(state.slotNames)")
    }
    guard state.stepCount >= 0 else {
      throw .invalidMetadata(key: "optimizer.steps", value: "\(state.stepCount)")
    }
    var restored = entries
    for parameter in parameters {
      guard let saved = state.entries[parameter.name] else {
        restored[parameter.id] = nil
        continue
      }
      guard saved.step >= 0 else {
        throw .invalidMetadata(key: "optimizer.step.\(parameter.name)", value: "\(saved.step)")
      }
      guard saved.slots.count == slotNames.count else {
        throw .optimizerMismatch(
          expected: "\(slotNames.count) state tensors for '\(parameter.name)'",
          found: "\(saved.slots.count)")
      }
      for (slotName, slot) in zip(slotNames, saved.slots) where slot.shape != parameter.shape {
        throw .shapeMismatch(
          tensor: "optimizer.\(slotName).\(parameter.name)", expected: parameter.shape,
          found: slot.shape)
      }
      restored[parameter.id] = Entry(parameter: parameter, step: saved.step, slots: saved.slots)
    }
    entries = restored
    stepCount = state.stepCount
  }
}
