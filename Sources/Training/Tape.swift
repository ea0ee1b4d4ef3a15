import StateSpace

/// A Wengert list: the differentiable ops of one forward pass in execution order, each with its
/// vector–Jacobian product, and the settings of that pass.
///
/// ```swift
/// let tape = Tape<Float>(training: true, seed: 7)
/// let loss = meanSquaredError(model(input, on: tape), target)
/// let gradients = tape.gradients(of: loss)
/// optimizer.update(model.parameters, with: gradients)
/// ```
///
/// There is no global current tape: forward passes receive it explicitly. A tape is used by one
/// thread at a time and is discarded after ``gradients(of:)``.
public final class Tape<Scalar: DifferentiableScalar> {
  /// Whether ops are recorded. An inference tape records nothing and cannot produce gradients.
  public let isRecording: Bool
  /// Whether the pass trains: dropout is active only then.
  public let isTraining: Bool
  /// The generator for dropout masks and other training-time randomness.
  public var generator: SeededGenerator

  struct Node {
    /// The node index of each input, or `nil` for an input that needs no gradient.
    let inputs: [Int?]
    let shape: [Int]
    /// Nil for leaves (watched parameters and inputs).
    let pullback: ((Tensor<Scalar>) -> [Tensor<Scalar>?])?
  }

  private(set) var nodes: [Node] = []
  private var parameterNodes: [ObjectIdentifier: Int] = [:]
  private var watchedParameters: [(parameter: Parameter<Scalar>, node: Int)] = []

  /// Creates a recording tape.
  ///
  /// - Parameters:
  ///   - training: Whether dropout and other training-only behaviour is active.
  ///   - seed: The seed of ``generator``.
  public init(training: Bool = true, seed: UInt64 = 0) {
    self.isRecording = true
    self.isTraining = training
    self.generator = SeededGenerator(seed: seed)
  }

  private init(recording: Bool, training: Bool, seed: UInt64) {
    self.isRecording = recording
    self.isTraining = training
    self.generator = SeededGenerator(seed: seed)
  }

  /// A tape for inference: nothing is recorded, dropout is off.
  public static func inference() -> Tape {
    Tape(recording: false, training: false, seed: 0)
  }

  /// The parameter's value as a variable on this tape, so that its gradient is collected.
  /// Watching the same parameter twice returns the same node (its gradients then add up).
  public func watch(_ parameter: Parameter<Scalar>) -> Variable<Scalar> {
    guard isRecording else { return Variable(parameter.value) }
    if let node = parameterNodes[parameter.id] {
      return Variable(parameter.value, tape: self, node: node)
    }
    let node = appendLeaf(shape: parameter.value.shape)
    parameterNodes[parameter.id] = node
    watchedParameters.append((parameter, node))
    return Variable(parameter.value, tape: self, node: node)
  }

  /// A tensor (an input, say) as a variable whose gradient ``Gradients/subscript(_:)-(Variable)``
  /// returns after the backward pass.
  public func watch(_ tensor: Tensor<Scalar>) -> Variable<Scalar> {
    guard isRecording else { return Variable(tensor) }
    return Variable(tensor, tape: self, node: appendLeaf(shape: tensor.shape))
  }

  /// The number of recorded nodes (leaves and ops).
  public var nodeCount: Int { nodes.count }

  func appendNode(
    inputs: [Int?], shape: [Int], pullback: @escaping (Tensor<Scalar>) -> [Tensor<Scalar>?]
  ) -> Int {
    nodes.append(Node(inputs: inputs, shape: shape, pullback: pullback))
    return nodes.count - 1
  }

  private func appendLeaf(shape: [Int]) -> Int {
    nodes.append(Node(inputs: [], shape: shape, pullback: nil))
    return nodes.count - 1
  }

  /// Walks the tape backwards from a scalar loss and returns the gradient of every watched
  /// parameter and tensor the loss depends on.
  ///
  /// - Parameter loss: A variable with one scalar, recorded on this tape.
  /// - Returns: The gradients keyed by parameter (and by watched variable).
  public func gradients(of loss: Variable<Scalar>) -> Gradients<Scalar> {
    precondition(
      loss.value.scalarCount == 1,
      "Tape.gradients(of:): the loss must hold one scalar, got shape \(loss.shape)")
    return gradients(of: loss, seed: Tensor(shape: loss.shape, repeating: 1))
  }

  /// Walks the tape backwards from `output` with the given output gradient (a vector–Jacobian
  /// product for non-scalar outputs).
  ///
  /// - Parameters:
  ///   - output: A variable recorded on this tape.
  ///   - seed: The gradient of some scalar with respect to `output` (the shape of `output`).
  public func gradients(of output: Variable<Scalar>, seed: Tensor<Scalar>) -> Gradients<Scalar> {
    precondition(isRecording, "Tape.gradients(of:): an inference tape records nothing")
    precondition(
      seed.shape == output.shape,
      "Tape.gradients(of:seed:): seed shape \(seed.shape) differs from output shape \(output.shape)")
    guard let (tape, outputNode) = output.recording else {
      return Gradients(byNode: [:], parameters: [:])
    }
    precondition(tape === self, "Tape.gradients(of:): the output was recorded on another tape")

    var accumulated = [Tensor<Scalar>?](repeating: nil, count: outputNode + 1)
    accumulated[outputNode] = seed
    for index in stride(from: outputNode, through: 0, by: -1) {
      guard let gradient = accumulated[index], let pullback = nodes[index].pullback else {
        continue
      }
      accumulated[index] = nil  // interior gradients are not kept: free them as we go
      let inputGradients = pullback(gradient)
      let inputs = nodes[index].inputs
      precondition(
        inputGradients.count == inputs.count,
        "Tape: an op's pullback returned \(inputGradients.count) gradients for \(inputs.count) inputs")
      for (input, inputGradient) in zip(inputs, inputGradients) {
        guard let input, let inputGradient else { continue }
        precondition(
          inputGradient.shape == nodes[input].shape,
          "Tape: a pullback returned a gradient of shape \(inputGradient.shape) for an input of shape \(nodes[input].shape)"
        )
        if let existing = accumulated[input] {
          accumulated[input] = existing.adding(inputGradient)
        } else {
          accumulated[input] = inputGradient
        }
      }
    }
    var byNode: [Int: Tensor<Scalar>] = [:]
    for (index, gradient) in accumulated.enumerated() where nodes[index].pullback == nil {
      if let gradient { byNode[index] = gradient }
    }
    var parameters: [ObjectIdentifier: Tensor<Scalar>] = [:]
    for (parameter, node) in watchedParameters {
      if let gradient = byNode[node] { parameters[parameter.id] = gradient }
    }
    return Gradients(byNode: byNode, parameters: parameters)
  }
}
