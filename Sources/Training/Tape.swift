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
/// thread at a time, for one forward pass and one backward pass (``gradients(of:)``).
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
    /// Whether the node is a watched parameter or tensor (whose gradient is returned).
    let isLeaf: Bool
    /// The op's vector–Jacobian product; `nil` for leaves, and released once the backward
    /// pass has used it (with the tensors it captured).
    var pullback: ((Tensor<Scalar>) -> [Tensor<Scalar>?])?
  }

  private(set) var nodes: [Node] = []
  /// Set by the backward pass, which consumes the pullbacks.
  private var hasRunBackward = false
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
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
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
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func watch(_ tensor: Tensor<Scalar>) -> Variable<Scalar> {
    guard isRecording else { return Variable(tensor) }
    return Variable(tensor, tape: self, node: appendLeaf(shape: tensor.shape))
  }

  /// The number of recorded nodes (leaves and ops).
  public var nodeCount: Int { nodes.count }

  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func appendNode(
    inputs: [Int?], shape: [Int], pullback: @escaping (Tensor<Scalar>) -> [Tensor<Scalar>?]
  ) -> Int {
    precondition(
      !hasRunBackward, "Tape: recording an op on a tape whose backward pass has already run")
    nodes.append(Node(inputs: inputs, shape: shape, isLeaf: false, pullback: pullback))
    return nodes.count - 1
  }

  private func appendLeaf(shape: [Int]) -> Int {
    precondition(
      !hasRunBackward, "Tape.watch: the tape's backward pass has already run; use a new tape")
    nodes.append(Node(inputs: [], shape: shape, isLeaf: true, pullback: nil))
    return nodes.count - 1
  }

  /// Walks the tape backwards from a scalar loss and returns the gradient of every watched
  /// parameter and tensor the loss depends on.
  ///
  /// The backward pass runs once per tape: it releases each op's pullback (and the tensors the
  /// pullback kept alive) as soon as it has used it, so that memory falls during the pass.
  ///
  /// - Parameter loss: A variable with one scalar, recorded on this tape.
  /// - Returns: The gradients keyed by parameter (and by watched variable).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
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
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func gradients(of output: Variable<Scalar>, seed: Tensor<Scalar>) -> Gradients<Scalar> {
    precondition(isRecording, "Tape.gradients(of:): an inference tape records nothing")
    precondition(
      seed.shape == output.shape,
      "Tape.gradients(of:seed:): seed shape \(seed.shape) differs from output shape \(output.shape)")
    guard let (tape, outputNode) = output.recording else {
      return Gradients(byNode: [:], parameters: [:])
    }
    precondition(tape === self, "Tape.gradients(of:): the output was recorded on another tape")
    precondition(
      !hasRunBackward,
      "Tape.gradients(of:): the backward pass of this tape has already run; record the forward pass on a new tape"
    )
    hasRunBackward = true

    var accumulated = [Tensor<Scalar>?](repeating: nil, count: outputNode + 1)
    accumulated[outputNode] = seed
    for index in stride(from: outputNode, through: 0, by: -1) {
      guard let gradient = accumulated[index], let pullback = nodes[index].pullback else {
        continue
      }
      // Interior gradients and used pullbacks are not kept: free them as we go.
      accumulated[index] = nil
      nodes[index].pullback = nil
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
        if var existing = accumulated[input] {
          // Fan-out: the input fed several ops, its gradient is the sum of theirs. Taking the
          // sum out of the array first leaves it uniquely referenced, so `+=` adds in place.
          accumulated[input] = nil
          existing += inputGradient
          accumulated[input] = existing
        } else {
          accumulated[input] = inputGradient
        }
      }
    }
    var byNode: [Int: Tensor<Scalar>] = [:]
    for (index, gradient) in accumulated.enumerated() where nodes[index].isLeaf {
      if let gradient { byNode[index] = gradient }
    }
    var parameters: [ObjectIdentifier: Tensor<Scalar>] = [:]
    for (parameter, node) in watchedParameters {
      if let gradient = byNode[node] { parameters[parameter.id] = gradient }
    }
    return Gradients(byNode: byNode, parameters: parameters)
  }
}
