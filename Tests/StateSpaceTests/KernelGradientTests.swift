import Numerics
@testable import StateSpace
import Testing
import _TestSupport

/// Random, well-conditioned SSM parameters in Float64 for gradient checks.
func randomSSMParameters(
  structure: SSMStructure, channels: Int, sharedCopies: Int, half: Int, outputChannels: Int,
  seed: UInt64
) -> SSMParameters<Double> {
  var generator = SeededGenerator(seed: seed)
  func complexNormal(_ shape: [Int], scale: Double = 1) -> Tensor<Complex<Double>> {
    Tensor(shape: shape) { _ in
      Complex(scale * generator.nextStandardNormal(), scale * generator.nextStandardNormal())
    }
  }
  let timeSteps = Tensor<Double>(shape: [channels]) { _ in 0.02 + 0.08 * generator.nextUnitDouble() }
  let eigenvalues = Tensor<Complex<Double>>(shape: [sharedCopies, half]) { _ in
    Complex(-0.2 - generator.nextUnitDouble(), 30 * (generator.nextUnitDouble() - 0.5))
  }
  let lowRank = structure.rank > 0 ? complexNormal([structure.rank, sharedCopies, half], scale: 0.5) : nil
  return SSMParameters(
    structure: structure, timeSteps: timeSteps, eigenvalues: eigenvalues, lowRank: lowRank,
    input: complexNormal([sharedCopies, half]), output: complexNormal([outputChannels, channels, half]))
}

/// The worst relative error, tensor by tensor, between `gradients` and central differences of
/// `loss` at `parameters` (max |analytic − numeric| / max |numeric| per tensor).
func gradientCheckError(
  _ gradients: SSMParameters<Double>, at parameters: SSMParameters<Double>,
  loss: (SSMParameters<Double>) -> Double
) -> [String: Double] {
  let named = parameters.namedTensors
  var errors: [String: Double] = [:]
  for (index, entry) in named.enumerated() {
    let numeric = SSMOracle.centralDifferences(at: entry.tensor.scalars, step: 1e-6) { scalars in
      var tensors = named.map { ($0.name, $0.tensor) }
      tensors[index].1 = Tensor(shape: entry.tensor.shape, scalars: scalars)
      return loss(SSMParameters(structure: parameters.structure, namedTensors: tensors))
    }
    let analytic = gradients.namedTensors[index].tensor.scalars
    errors[entry.name] = relativeError(analytic, reference: numeric)
  }
  return errors
}

@Suite("Hand-derived kernel gradients against central differences")
struct KernelGradientTests {
  @Test(arguments: [(1, 1, 1), (1, 2, 2), (2, 1, 1), (2, 2, 4)])
  func dplrSpectrumGradient(rank: Int, outputChannels: Int, sharedCopies: Int) {
    let parameters = randomSSMParameters(
      structure: .diagonalPlusLowRank(rank: rank), channels: 4, sharedCopies: sharedCopies, half: 4,
      outputChannels: outputChannels, seed: UInt64(10 * rank + outputChannels))
    let nodes = CauchyNodes<Double>(length: 32)
    var generator = SeededGenerator(seed: 99)
    let seed = Tensor<Complex<Double>>(shape: [outputChannels, 4, 17]) { _ in
      Complex(generator.nextStandardNormal(), generator.nextStandardNormal())
    }
    func loss(_ p: SSMParameters<Double>) -> Double {
      let spectrum = DPLRKernel.spectrum(p, nodes: nodes)
      return zip(spectrum.scalars, seed.scalars).reduce(0) { $0 + ($1.1.conjugate * $1.0).real }
    }
    let gradients = DPLRKernel.spectrumBackward(spectrumGradient: seed, parameters: parameters, nodes: nodes)
    let errors = gradientCheckError(gradients, at: parameters, loss: loss)
    for (name, error) in errors { #expect(error < 1e-6, "\(name): relative error \(error)") }
  }
}

extension KernelGradientTests {
  @Test(arguments: SSMDiscretization.allCases, [(1, 1), (2, 2)])
  func diagonalKernelGradient(discretization: SSMDiscretization, sizes: (outputChannels: Int, sharedCopies: Int)) {
    let (outputChannels, sharedCopies) = sizes
    let parameters = randomSSMParameters(
      structure: .diagonal(discretization), channels: 4, sharedCopies: sharedCopies, half: 4,
      outputChannels: outputChannels, seed: 7)
    let length = 37
    var generator = SeededGenerator(seed: 98)
    let seed = Tensor<Double>.randomNormal(shape: [outputChannels, 4, length], using: &generator)
    func loss(_ p: SSMParameters<Double>) -> Double {
      let kernel = DiagonalKernel.forward(p, discretization: discretization, length: length)
      return zip(kernel.scalars, seed.scalars).reduce(0) { $0 + $1.0 * $1.1 }
    }
    let gradients = DiagonalKernel.backward(
      kernelGradient: seed, parameters: parameters, discretization: discretization)
    let errors = gradientCheckError(gradients, at: parameters, loss: loss)
    #expect(errors.count == 5)
    for (name, error) in errors { #expect(error < 1e-6, "\(name): relative error \(error)") }
  }
}

extension KernelGradientTests {
  /// `kernel(length:)` and `kernelGradients(_:)` end to end (including the FFT adjoint and
  /// the Nyquist node), for S4 and both S4D discretizations.
  @Test(arguments: [SSMStructure.diagonalPlusLowRank(rank: 1), .diagonal(.zeroOrderHold), .diagonal(.bilinear)])
  func kernelGradientsMatchCentralDifferences(structure: SSMStructure) {
    let parameters = randomSSMParameters(
      structure: structure, channels: 4, sharedCopies: 2, half: 4, outputChannels: 2, seed: 5)
    let length = 16
    var generator = SeededGenerator(seed: 55)
    let seed = Tensor<Double>.randomNormal(shape: [2, 4, length], using: &generator)
    func loss(_ p: SSMParameters<Double>) -> Double {
      zip(p.kernel(length: length).scalars, seed.scalars).reduce(0) { $0 + $1.0 * $1.1 }
    }
    let errors = gradientCheckError(parameters.kernelGradients(seed), at: parameters, loss: loss)
    #expect(errors.count == parameters.namedTensors.count)
    for (name, error) in errors { #expect(error < 1e-6, "\(name): relative error \(error)") }
  }
}
