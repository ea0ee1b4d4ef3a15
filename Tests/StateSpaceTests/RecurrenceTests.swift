import Numerics
@testable import StateSpace
import Testing
import _TestSupport

@Suite("Recurrent step against the convolution")
struct RecurrenceTests {
  /// Runs the recurrence over `input` (L, B, H) one step at a time; returns (L, B, c·H).
  func runRecurrence<Scalar: SSMScalar>(
    _ recurrence: SSMRecurrence<Scalar>, input: [[Double]], batch: Int
  ) -> [[Double]] {
    var state = recurrence.initialState(batch: batch)
    return input.map { frame in
      let step = recurrence.step(Tensor(shape: [batch, recurrence.channels], scalars: frame.map { Scalar($0) }), state: &state)
      return step.scalars.map { Double($0) }
    }
  }

  /// y[t, b, c·H + h] = Σ_s K[c, h, s]·u[t − s, b, h], by the direct sum.
  func convolve(input: [[Double]], kernel: [Double], batch: Int, channels: Int, outputChannels: Int) -> [[Double]] {
    let length = input.count
    var output = Array(repeating: [Double](repeating: 0, count: batch * outputChannels * channels), count: length)
    for c in 0..<outputChannels {
      for h in 0..<channels {
        let taps = Array(kernel[((c * channels + h) * length)..<((c * channels + h + 1) * length)])
        for b in 0..<batch {
          let y = SSMOracle.causalConvolution(input.map { $0[b * channels + h] }, kernel: taps)
          for t in 0..<length { output[t][(b * outputChannels + c) * channels + h] = y[t] }
        }
      }
    }
    return output
  }

  func randomInput(length: Int, width: Int, seed: UInt64) -> [[Double]] {
    var generator = SeededGenerator(seed: seed)
    return (0..<length).map { _ in (0..<width).map { _ in generator.nextStandardNormal() } }
  }

  /// LegS (rank 1) and shifted LegT (rank 2) against the dense real HiPPO recurrence.
  @Test(arguments: [HiPPOMeasure.legendreScaled, .legendreTranslated])
  func s4StepMatchesTheDenseHiPPOConvolution(measure: HiPPOMeasure) throws {
    let length = 1024
    let example = HiPPOKernelCase(measure: measure, stateSize: 64, length: length, timeStep: 0.01, seed: 8)
    let input = randomInput(length: length, width: 2, seed: 4)
    let expected = convolve(input: input, kernel: example.denseKernel, batch: 2, channels: 1, outputChannels: 1)
    let recurrence = try SSMRecurrence(parameters: try example.parameters(as: Float.self), kernelLength: length)
    let output = runRecurrence(recurrence, input: input, batch: 2)
    #expect(relativeError(output.flatMap { $0 }, reference: expected.flatMap { $0 }) < 1e-4)
  }

  /// Several channels, shared copies and two outputs: the step with C recovered from C̃
  /// against the convolution with the DPLR kernel of the same parameters.
  @Test func s4StepMatchesItsKernel() throws {
    let length = 1024
    let configuration = SSMConfiguration(
      channels: 4, stateSize: 16, sharedCopies: 2, outputChannels: 2, kernelLength: length)
    var generator = SeededGenerator(seed: 29)
    let exact = try SSMParameters<Double>(configuration: configuration, generator: &generator)
    let input = randomInput(length: length, width: 2 * 4, seed: 9)
    let expected = convolve(
      input: input, kernel: exact.kernel(length: length).scalars, batch: 2, channels: 4, outputChannels: 2)
    var floatGenerator = SeededGenerator(seed: 29)
    let parameters = try SSMParameters<Float>(configuration: configuration, generator: &floatGenerator)
    let output = runRecurrence(try SSMRecurrence(parameters: parameters, kernelLength: length), input: input, batch: 2)
    #expect(relativeError(output.flatMap { $0 }, reference: expected.flatMap { $0 }) < 1e-4)
  }

  @Test(arguments: [SSMInitialization.s4dLegS, .s4dInverse, .s4dLinear], SSMDiscretization.allCases)
  func s4dStepMatchesTheConvolution(initialization: SSMInitialization, discretization: SSMDiscretization) throws {
    let length = 1024
    let configuration = SSMConfiguration(
      channels: 4, stateSize: 64, sharedCopies: 2, outputChannels: 2, initialization: initialization,
      discretization: discretization, kernelLength: length)
    var generator = SeededGenerator(seed: 23)
    let exact = try SSMParameters<Double>(configuration: configuration, generator: &generator)
    let kernel = DiagonalKernel.forward(exact, discretization: discretization, length: length)
    let input = randomInput(length: length, width: 3 * 4, seed: 6)
    let expected = convolve(input: input, kernel: kernel.scalars, batch: 3, channels: 4, outputChannels: 2)
    var floatGenerator = SeededGenerator(seed: 23)
    let parameters = try SSMParameters<Float>(configuration: configuration, generator: &floatGenerator)
    let output = runRecurrence(try SSMRecurrence(parameters: parameters, kernelLength: length), input: input, batch: 3)
    #expect(relativeError(output.flatMap { $0 }, reference: expected.flatMap { $0 }) < 1e-4)
  }
}
