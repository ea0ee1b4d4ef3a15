import Numerics
@testable import StateSpace
import Testing
import _TestSupport

@Suite("S4D (diagonal) kernel")
struct S4DKernelTests {
  /// Every (output channel, channel) kernel against the impulse response of its own diagonal
  /// recurrence, iterated step by step in Float64.
  func oracleKernels(_ parameters: SSMParameters<Double>, discretization: SSMDiscretization, length: Int)
    -> [Double]
  {
    let values = parameters.complexValues
    var kernels = [Double]()
    for output in 0..<parameters.outputChannels {
      for channel in 0..<parameters.channels {
        kernels += SSMOracle.diagonalImpulseResponse(
          eigenvalues: Array(values.eigenvalues(ofChannel: channel)),
          input: Array(values.input(ofChannel: channel)),
          output: Array(values.output(output, ofChannel: channel)),
          timeStep: values.timeSteps[channel], zeroOrderHold: discretization == .zeroOrderHold,
          length: length)
      }
    }
    return kernels
  }

  @Test(arguments: [SSMInitialization.s4dLegS, .s4dInverse, .s4dLinear], SSMDiscretization.allCases)
  func kernelIsTheImpulseResponseOfTheRecurrence(
    initialization: SSMInitialization, discretization: SSMDiscretization
  ) throws {
    for length in [1, 5, 1000, 1024] {
      let configuration = SSMConfiguration(
        channels: 4, stateSize: 64, sharedCopies: 2, outputChannels: 2, initialization: initialization,
        discretization: discretization, kernelLength: length)
      var generator = SeededGenerator(seed: 17)
      let parameters = try SSMParameters<Double>(configuration: configuration, generator: &generator)
      let expected = oracleKernels(parameters, discretization: discretization, length: length)
      let kernel = DiagonalKernel.forward(parameters, discretization: discretization, length: length)
      #expect(kernel.shape == [2, 4, length])
      #expect(relativeError(kernel.scalars, reference: expected) < 1e-10)

      var floatGenerator = SeededGenerator(seed: 17)
      let floatParameters = try SSMParameters<Float>(configuration: configuration, generator: &floatGenerator)
      let floatKernel = DiagonalKernel.forward(floatParameters, discretization: discretization, length: length)
      #expect(relativeError(floatKernel.scalars, reference: expected) < 1e-4)
    }
  }
}
