import Numerics
@testable import StateSpace
import Testing
import _TestSupport

/// A HiPPO system with a random real output row, as S4 parameters (one channel, c = 1) and as
/// the real matrices the oracle iterates.
struct HiPPOKernelCase {
  let matrices: HiPPOMatrices
  let output: [Double]
  let timeStep: Double
  let length: Int

  /// LegT and FouT have Re λ = 0, which S4's parameterization (Re Λ = −exp(·)) excludes, so
  /// they are shifted by −½·I (a real system that is still normal plus low rank).
  init(measure: HiPPOMeasure, stateSize n: Int, length: Int, timeStep: Double, seed: UInt64) {
    let original = measure.matrices(stateSize: n)
    let shift = measure == .legendreScaled ? 0 : -0.5
    matrices = HiPPOMatrices(
      measure: measure,
      transition: Tensor(shape: [n, n]) { original.transition.scalars[$0] + ($0 / n == $0 % n ? shift : 0) },
      input: original.input, lowRank: original.lowRank)
    var generator = SeededGenerator(seed: seed)
    output = (0..<n).map { _ in generator.nextStandardNormal() }
    self.timeStep = timeStep
    self.length = length
  }

  /// Λ, P′, B′ of the exact (unclipped) DPLR form, C′ = Vᵀc, and C̃ = (I − Ā^L)ᵀ·C′.
  func parameters<Scalar: SSMScalar>(as _: Scalar.Type) throws -> SSMParameters<Scalar> {
    let dplr = try DPLRDecomposition(matrices)
    let half = matrices.stateSize / 2
    let rank = matrices.measure.rank
    let untruncated = SSMParameters<Double>(
      structure: .diagonalPlusLowRank(rank: rank), timeSteps: Tensor(shape: [1], scalars: [timeStep]),
      eigenvalues: dplr.eigenvalues.reshaped(to: [1, half]),
      lowRank: dplr.lowRank.reshaped(to: [rank, 1, half]), input: dplr.input.reshaped(to: [1, half]),
      output: dplr.outputInEigenbasis(Tensor(shape: [output.count], scalars: output)).reshaped(to: [1, 1, half]))
    let truncated = try untruncated.complexValues.truncatedOutput(kernelLength: length)
    let exact = untruncated.replacingOutput(
      SSMParameters<Double>.realPairs(Tensor(shape: [1, 1, half], scalars: truncated)))
    return SSMParameters<Scalar>(
      structure: exact.structure, namedTensors: exact.namedTensors.map { ($0.name, $0.tensor.map { Scalar($0) }) })
  }

  /// The oracle: K_k = cᵀ·Ā^k·B̄ from the real HiPPO matrices.
  var denseKernel: [Double] {
    SSMOracle.bilinearImpulseResponse(
      transition: matrices.transition.scalars, input: matrices.input.scalars, output: output,
      timeStep: timeStep, length: length)
  }
}

@Suite("S4 (DPLR) kernel")
struct S4KernelTests {
  @Test(arguments: [(8, 16, 0.1), (64, 64, 0.01), (64, 1024, 0.001)])
  func spectrumIsTheTransformOfTheDenseKernel(n: Int, length: Int, timeStep: Double) throws {
    let example = HiPPOKernelCase(measure: .legendreScaled, stateSize: n, length: length, timeStep: timeStep, seed: 3)
    let spectrum = DPLRKernel.spectrum(try example.parameters(as: Double.self), nodes: CauchyNodes(length: length))
    let expected = SSMOracle.halfSpectrum(example.denseKernel)
    #expect(relativeError(spectrum.scalars, reference: expected) < 1e-10)
  }
}
