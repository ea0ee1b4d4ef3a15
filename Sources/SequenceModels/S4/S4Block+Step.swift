import StateSpace
import Training

extension S4Block {
  /// The recurrent state of a batch: the SSM recurrence built from the parameters at the time
  /// the state was made, the SSM state of every (sequence, channel), and a scratch row for the
  /// output layer.
  ///
  /// The recurrence is the cache of the step mode: building it costs O(H·N³) in Float64 for
  /// S4 (C is recovered from the trained C̃ by a solve, paper Lemma C.3), so it is built once
  /// per state, in ``S4Block/initialState(batchSize:)``. A state therefore keeps stepping
  /// with the parameter values it was made from: after an optimizer update, make a new state.
  public struct State: Sendable {
    /// The discretized recurrence (Ā, B̄, C of every channel).
    public let recurrence: SSMRecurrence<Scalar>
    /// The SSM state x of every (sequence, channel).
    var stateSpace: SSMRecurrence<Scalar>.State
    /// (B, 2H): the output layer's result before GLU, reused by every step.
    var hidden: Tensor<Scalar>

    /// B, the number of sequences.
    public var batchSize: Int { stateSpace.batchSize }
  }

  /// The state before the first time step, with the recurrence built from the current
  /// parameter values (see ``State``).
  ///
  /// - Parameter batchSize: B ≥ 1.
  /// - Throws: ``LinearAlgebraError`` when S4's (I − Ā^L₀)ᵀ is singular, which cannot happen
  ///   while every eigenvalue of A has a negative real part (then |eig Ā| < 1).
  public func makeInitialState(batchSize: Int) throws -> State {
    precondition(
      isCausal,
      "S4Block.initialState: a bidirectional block looks at future inputs and has no step mode")
    precondition(batchSize >= 1, "S4Block.initialState: batchSize must be ≥ 1, got \(batchSize)")
    let recurrence = try SSMRecurrence(
      parameters: stateSpaceValues, kernelLength: options.kernelLength)
    return State(
      recurrence: recurrence, stateSpace: recurrence.initialState(batch: batchSize),
      hidden: Tensor(zeros: [batchSize, 2 * width]))
  }

  /// The state before the first time step (``makeInitialState(batchSize:)``, stopping with
  /// the linear-algebra error if the recurrence cannot be built).
  ///
  /// - Parameter batchSize: B ≥ 1.
  public func initialState(batchSize: Int) -> State {
    do {
      return try makeInitialState(batchSize: batchSize)
    } catch {
      preconditionFailure("S4Block.initialState: the recurrence could not be built: \(error)")
    }
  }

  /// One time step: y_t = GLU(GELU(C·x_t + D∘u_t)·W + b) with x_t = Ā·x_{t−1} + B̄·u_t.
  ///
  /// Inference only (no dropout). Allocates the SSM output, its activation and the returned
  /// rows; everything else is updated in place in `state`.
  ///
  /// - Parameters:
  ///   - input: u_t, (B, H).
  ///   - state: The state after the previous steps (from ``initialState(batchSize:)``).
  /// - Returns: y_t, (B, H).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func step(_ input: Tensor<Scalar>, state: inout State) -> Tensor<Scalar> {
    let batch = state.batchSize
    precondition(
      input.shape == [batch, width],
      "S4Block.step: expected an input of shape [\(batch), \(width)] for this state, got \(input.shape)")
    // v = C·x_t + D∘u_t and z = GELU(v) in one vectorised C pass (the convolution's epilogue).
    var convolved = state.recurrence.step(input, state: &state.stateSpace)
    let mixed = ConvolutionEpilogue.skipGELU(
      &convolved, input: input, skip: skip.value, tanhForm: options.geluApproximation == .tanh)
    let (weight, bias) = (outputLinear.weight.value, outputLinear.bias?.value)
    let (h, outputs) = (width, 2 * width)
    mixed.withUnsafeBufferPointer { z in
      weight.withUnsafeBufferPointer { w in
        state.hidden.withUnsafeMutableBufferPointer { hidden in
          let hidden = hidden.baseAddress!
          if let bias {
            bias.withUnsafeBufferPointer { b in
              for row in 0..<batch { (hidden + row * outputs).update(from: b.baseAddress!, count: outputs) }
            }
          } else {
            hidden.update(repeating: 0, count: batch * outputs)
          }
          Scalar.rowsTimesMatrix(
            rows: batch, n: outputs, k: h, a: z.baseAddress!, lda: h, b: w.baseAddress!, ldb: outputs,
            beta: 1, c: hidden, ldc: outputs)
        }
      }
    }
    return ConvolutionEpilogue.glu(state.hidden)
  }
}
