import StateSpace
import Training

extension S4Block {
  /// The whole-sequence map (B, L, H) → (B, L, H), recorded on `tape`.
  ///
  /// The kernel has min(L, maximum length) taps (``S4BlockOptions/maximumLength``); dropout
  /// (training only) shares one mask value per (sequence, channel) along L.
  ///
  /// - Parameters:
  ///   - input: u, (B, L, H).
  ///   - tape: Where to record; `tape.isTraining` switches dropout on.
  /// - Returns: y, (B, L, H).
  public func callAsFunction(_ input: Variable<Scalar>, on tape: Tape<Scalar>) -> Variable<Scalar> {
    precondition(
      input.rank == 3 && input.shape[2] == width && input.shape[1] >= 1,
      "S4Block: input must have shape [B, L, \(width)] with L ≥ 1, got \(input.shape)")
    let length = input.shape[1]
    let kernel = stateSpaceValues.recordedKernel(
      variables: stateSpaceParameters.map { tape.watch($0) },
      length: kernelComputeLength(forLength: length), taps: kernelTaps(forLength: length))
    let activated = input.skipConvolutionGELU(
      kernel: kernel, skip: tape.watch(skip), tanhForm: options.geluApproximation == .tanh)
      .dropout(rate: options.dropoutRate, on: tape, sharingMaskAlong: [1])
    return outputLinear(activated, on: tape).gatedLinearUnit()
  }
}
