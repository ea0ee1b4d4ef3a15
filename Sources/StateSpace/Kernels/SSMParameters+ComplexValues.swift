import ComplexModule
import RealModule

extension SSMParameters {
  /// Creates parameters from the complex values they stand for.
  ///
  /// - Parameters:
  ///   - structure: S4 (with its rank) or S4D (with its discretization).
  ///   - timeSteps: Δ per channel, (H), positive.
  ///   - eigenvalues: Λ, (n_ssm, N/2), with negative real parts.
  ///   - lowRank: P, (R, n_ssm, N/2); `nil` for S4D.
  ///   - input: B, (n_ssm, N/2).
  ///   - output: C̃ for S4 or C for S4D, (c, H, N/2).
  public init(
    structure: SSMStructure, timeSteps: Tensor<Double>, eigenvalues: Tensor<Complex<Double>>,
    lowRank: Tensor<Complex<Double>>?, input: Tensor<Complex<Double>>,
    output: Tensor<Complex<Double>>
  ) {
    precondition(
      timeSteps.scalars.allSatisfy { $0 > 0 },
      "SSMParameters(timeSteps:...): every Δ must be positive")
    precondition(
      eigenvalues.scalars.allSatisfy { $0.real < 0 },
      "SSMParameters(timeSteps:...): every eigenvalue must have a negative real part (Re Λ = −exp(·))")
    precondition(
      (lowRank == nil) == (structure.rank == 0) && (lowRank?.shape.first ?? 0) == structure.rank,
      "SSMParameters(timeSteps:...): P of shape \(lowRank?.shape ?? []) does not match \(structure)")
    let copies = eigenvalues.shape.first ?? 0
    let half = eigenvalues.shape.last ?? 0
    self.init(
      structure: structure,
      logTimeStep: timeSteps.map { Scalar(Double.log($0)) },
      logNegativeRealEigenvalues: eigenvalues.map { Scalar(Double.log(-$0.real)) },
      imaginaryEigenvalues: eigenvalues.map { Scalar($0.imaginary) },
      lowRank: lowRank.map(Self.realPairs) ?? Tensor(zeros: [0, copies, half, 2]),
      input: Self.realPairs(input), output: Self.realPairs(output))
  }

  /// A complex tensor as a real one with a trailing axis (real, imaginary).
  static func realPairs(_ values: Tensor<Complex<Double>>) -> Tensor<Scalar> {
    Tensor(
      shape: values.shape + [2],
      scalars: values.scalars.flatMap { [Scalar($0.real), Scalar($0.imaginary)] })
  }

  /// The parameters as the Float64 complex values they stand for.
  var complexValues: SSMComplexValues {
    func complex(_ tensor: Tensor<Scalar>) -> [Complex<Double>] {
      tensor.withUnsafeBufferPointer { t in
        (0..<(t.count / 2)).map { Complex(Double(t[2 * $0]), Double(t[2 * $0 + 1])) }
      }
    }
    let logNegativeReal = logNegativeRealEigenvalues.scalars
    let imaginary = imaginaryEigenvalues.scalars
    return SSMComplexValues(
      channels: channels, sharedCopies: sharedCopies, half: stateSize / 2, rank: rank,
      outputChannels: outputChannels,
      timeSteps: logTimeStep.scalars.map { Double.exp(Double($0)) },
      eigenvalues: zip(logNegativeReal, imaginary).map {
        Complex(-Double.exp(Double($0.0)), Double($0.1))
      },
      lowRank: complex(lowRank), input: complex(input), output: complex(output))
  }
}

/// The Float64 complex values of an ``SSMParameters``, flat and row-major, for setup code
/// (C̃ conversion, recurrent-step matrices) that runs once rather than per kernel call.
struct SSMComplexValues {
  let channels: Int
  let sharedCopies: Int
  /// N/2.
  let half: Int
  let rank: Int
  let outputChannels: Int
  /// Δ, (H).
  let timeSteps: [Double]
  /// Λ, (n_ssm, N/2).
  let eigenvalues: [Complex<Double>]
  /// P, (R, n_ssm, N/2).
  let lowRank: [Complex<Double>]
  /// B, (n_ssm, N/2).
  let input: [Complex<Double>]
  /// C̃ or C, (c, H, N/2).
  let output: [Complex<Double>]

  /// Λ of the copy channel `channel` uses, (N/2).
  func eigenvalues(ofChannel channel: Int) -> ArraySlice<Complex<Double>> {
    let copy = channel % sharedCopies
    return eigenvalues[(copy * half)..<((copy + 1) * half)]
  }

  /// P_r of the copy channel `channel` uses, (N/2).
  func lowRank(_ r: Int, ofChannel channel: Int) -> ArraySlice<Complex<Double>> {
    let start = (r * sharedCopies + channel % sharedCopies) * half
    return lowRank[start..<(start + half)]
  }

  /// B of the copy channel `channel` uses, (N/2).
  func input(ofChannel channel: Int) -> ArraySlice<Complex<Double>> {
    let copy = channel % sharedCopies
    return input[(copy * half)..<((copy + 1) * half)]
  }

  /// The output row of kernel `outputChannel` at `channel`, (N/2).
  func output(_ outputChannel: Int, ofChannel channel: Int) -> ArraySlice<Complex<Double>> {
    let start = (outputChannel * channels + channel) * half
    return output[start..<(start + half)]
  }
}
