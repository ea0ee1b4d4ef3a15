import ComplexModule
import RealModule

extension SSMParameters {
  /// Initialises the parameters of an S4 or S4D layer as the reference does.
  ///
  /// Random draws, in this order (so a seed fixes everything): log Δ ~ U[log Δ_min, log Δ_max]
  /// per channel; then C with independent N(0, ½) real and imaginary parts, (c, H, N/2).
  /// Λ, P and B are deterministic (identical across the n_ssm copies):
  /// - S4-LegS: ``DPLRDecomposition`` of LegS (P padded with zero rows to the configured rank),
  ///   and C is replaced by C̃ = (I − Ā^L)ᵀ·C for the configured kernel length (paper Lemma C.3),
  ///   computed in Float64 from the rounded parameters;
  /// - S4D-LegS: Λ and B′ of the same decomposition;
  /// - S4D-Inv: Λ_n = −½ − i·(N/π)·(N/(2n+1) − 1), B = 1;
  /// - S4D-Lin: Λ_n = −½ − i·π·n, B = 1.
  ///
  /// - Parameters:
  ///   - configuration: Sizes, initialisation, discretization, Δ range and kernel length.
  ///   - generator: The seeded generator to draw from (advanced by the call).
  /// - Throws: ``LinearAlgebraError`` when an eigendecomposition or a solve fails.
  public init(configuration: SSMConfiguration, generator: inout SeededGenerator) throws {
    let h = configuration.channels
    let n = configuration.stateSize
    let half = n / 2
    let copies = configuration.sharedCopies
    let c = configuration.outputChannels

    let logMinimum = Double.log(configuration.timeStepRange.lowerBound)
    let logMaximum = Double.log(configuration.timeStepRange.upperBound)
    let logTimeStep = Tensor<Scalar>(shape: [h]) { _ in
      Scalar(logMinimum + (logMaximum - logMinimum) * generator.nextUnitDouble())
    }
    let componentDeviation = 0.5.squareRoot()
    let output = Tensor<Complex<Double>>(shape: [c, h, half]) { _ in
      let real = componentDeviation * generator.nextStandardNormal()
      return Complex(real, componentDeviation * generator.nextStandardNormal())
    }

    var eigenvalues = [Complex<Double>]()
    var input = [Complex<Double>]()
    var lowRank: [Complex<Double>]? = nil
    switch configuration.initialization {
    case .s4LegS, .s4dLegS:
      let dplr = try DPLRDecomposition(
        HiPPOMeasure.legendreScaled.matrices(stateSize: n), inputClip: configuration.inputClip)
      eigenvalues = dplr.eigenvalues.scalars
      input = dplr.input.scalars
      if configuration.initialization == .s4LegS {
        let rows = dplr.lowRank.shape[0]
        lowRank = (0..<configuration.rank).flatMap { r -> [Complex<Double>] in
          let row = r < rows ? Array(dplr.lowRank.scalars[(r * half)..<((r + 1) * half)]) : []
          return (0..<copies).flatMap { _ in row.isEmpty ? Array(repeating: .zero, count: half) : row }
        }
      }
    case .s4dInverse:
      eigenvalues = (0..<half).map { k in
        Complex(-0.5, -(Double(n) / .pi) * (Double(n) / Double(2 * k + 1) - 1))
      }
      input = Array(repeating: .one, count: half)
    case .s4dLinear:
      eigenvalues = (0..<half).map { k in Complex(-0.5, -Double.pi * Double(k)) }
      input = Array(repeating: .one, count: half)
    }

    let structure: SSMStructure =
      configuration.initialization.isDiagonalPlusLowRank
      ? .diagonalPlusLowRank(rank: configuration.rank) : .diagonal(configuration.discretization)
    let untruncated = SSMParameters(
      structure: structure, logTimeStep: logTimeStep,
      logNegativeRealEigenvalues: Tensor(shape: [copies, half]) { index in
        Scalar(Double.log(-eigenvalues[index % half].real))
      },
      imaginaryEigenvalues: Tensor(shape: [copies, half]) { index in
        Scalar(eigenvalues[index % half].imaginary)
      },
      lowRank: lowRank.map { Self.realPairs(Tensor(shape: [configuration.rank, copies, half], scalars: $0)) }
        ?? Tensor(zeros: [0, copies, half, 2]),
      input: Self.realPairs(Tensor(shape: [copies, half]) { input[$0 % half] }),
      output: Self.realPairs(output))
    guard structure.rank > 0 else {
      self = untruncated
      return
    }
    let truncated = try untruncated.complexValues.truncatedOutput(
      kernelLength: configuration.kernelLength)
    self = untruncated.replacingOutput(
      Self.realPairs(Tensor(shape: [c, h, half], scalars: truncated)))
  }

  /// The same parameters with another output tensor (C̃ or C), (c, H, N/2, 2).
  public func replacingOutput(_ newOutput: Tensor<Scalar>) -> SSMParameters {
    SSMParameters(
      structure: structure, logTimeStep: logTimeStep,
      logNegativeRealEigenvalues: logNegativeRealEigenvalues,
      imaginaryEigenvalues: imaginaryEigenvalues, lowRank: lowRank, input: input,
      output: newOutput)
  }
}
