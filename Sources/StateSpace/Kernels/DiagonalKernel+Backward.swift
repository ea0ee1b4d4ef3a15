import ComplexModule
import RealModule

extension DiagonalKernel {
  /// The gradients of ℓ = Σ G·K with respect to every parameter, for K = ``forward(_:discretization:length:)``.
  ///
  /// Derivation (complex gradients are G = ∂ℓ/∂Re + i·∂ℓ/∂Im; a holomorphic y = f(x) passes
  /// G_x = G_y·conj(f′(x)) back):
  /// 1. K = Left·Right, so ∂ℓ/∂Left = G·Rightᵀ and ∂ℓ/∂Right = Leftᵀ·G (two GEMMs); hence
  ///    G[a_{m,n}] = 2·dLeft[m, n] − 2i·dLeft[m, N/2 + n] and G[z_n^j] = dRight[n, j] + i·dRight[N/2 + n, j].
  /// 2. a_{m,n} = C′_n·z_n^{mT}: G[C′_n] = Σ_m G[a_{m,n}]·conj(z_n^{mT}).
  /// 3. With ∂z^p/∂x = p·κ·z^p (``DiagonalDiscretization``):
  ///    G[x_n] = conj(κ_n)·(Σ_m G[a_{m,n}]·conj(mT·a_{m,n}) + Σ_j G[z_n^j]·conj(j·z_n^j)).
  /// 4. C′ = B·φ·C: G[C] = G[C′]·conj(B·φ), G[B] = G[C′]·conj(φ·C), G[φ] = G[C′]·conj(B·C).
  /// 5. x = Δ·Λ and φ(Λ, Δ): G[Λ] = G[φ]·conj(∂φ/∂Λ) + Δ·G[x],
  ///    ∂ℓ/∂Δ = Re(conj(G[φ])·∂φ/∂Δ) + Re(conj(G[x])·Λ).
  /// 6. The stored tensors: ∂ℓ/∂log Δ = Δ·∂ℓ/∂Δ; Re Λ = −exp(ρ) gives ∂ℓ/∂ρ = Re Λ·Re G[Λ];
  ///    ∂ℓ/∂Im Λ = Im G[Λ]; copies shared by several channels sum their channels' gradients.
  ///
  /// - Parameters:
  ///   - kernelGradient: ∂ℓ/∂K, (c, H, L).
  ///   - parameters: The parameters K was computed from.
  ///   - discretization: The discretization K was computed with.
  /// - Returns: The gradients, in the structure of `parameters`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func backward<Scalar: SSMScalar>(
    kernelGradient: Tensor<Scalar>, parameters: SSMParameters<Scalar>,
    discretization: SSMDiscretization
  ) -> SSMParameters<Scalar> {
    let (h, c) = (parameters.channels, parameters.outputChannels)
    precondition(
      kernelGradient.rank == 3 && kernelGradient.shape[0] == c && kernelGradient.shape[1] == h
        && kernelGradient.shape[2] >= 1,
      "S4D kernel backward: the kernel gradient must have shape [\(c), \(h), L], got \(kernelGradient.shape)")
    let length = kernelGradient.shape[2]
    let values = parameters.complexValues
    let blocking = Blocking(length: length)
    let (m, t, half) = (blocking.rows, blocking.width, values.half)
    let n = 2 * half
    let copies = values.sharedCopies

    var logTimeStepGradient = [Double](repeating: 0, count: h)
    var eigenvalueGradient = [Complex<Double>](repeating: .zero, count: copies * half)
    var inputGradient = [Complex<Double>](repeating: .zero, count: copies * half)
    var outputGradient = [Complex<Double>](repeating: .zero, count: c * h * half)

    var left = [Scalar](repeating: 0, count: m * n)
    var right = [Scalar](repeating: 0, count: n * t)
    var blockGradient = [Scalar](repeating: 0, count: m * t)
    var leftGradient = [Scalar](repeating: 0, count: m * n)
    var rightGradient = [Scalar](repeating: 0, count: n * t)
    for channel in 0..<h {
      let factors = DiagonalDiscretization(values: values, channel: channel, discretization: discretization)
      let powers = factors.powers(count: t)
      let blockPowers = factors.powers(of: t, count: m)
      fillRight(&right, powers: powers, width: t)
      let copy = channel % copies
      var timeStepGradient = 0.0
      for output in 0..<c {
        let row = values.output(output, ofChannel: channel)
        let weights = factors.weights(row)
        for r in 0..<m {
          for state in 0..<half {
            let a = weights[state] * blockPowers[state * m + r]
            left[r * n + state] = Scalar(2 * a.real)
            left[r * n + half + state] = Scalar(-2 * a.imaginary)
          }
        }
        kernelGradient.withUnsafeBufferPointer { g in
          let source = g.baseAddress! + (output * h + channel) * length
          blockGradient.withUnsafeMutableBufferPointer { block in
            block.baseAddress!.update(from: source, count: length)
          }
        }
        leftGradient.withUnsafeMutableBufferPointer { dLeft in
          gemm(blockGradient, right, m: m, n: n, k: t, into: dLeft.baseAddress!, transposeB: true)
        }
        rightGradient.withUnsafeMutableBufferPointer { dRight in
          gemm(left, blockGradient, m: n, n: t, k: m, into: dRight.baseAddress!, transposeA: true)
        }
        for state in 0..<half {
          var weightGradient = Complex<Double>.zero
          var poleSum = Complex<Double>.zero
          for r in 0..<m {
            let g = Complex(
              2 * Double(leftGradient[r * n + state]), -2 * Double(leftGradient[r * n + half + state]))
            let power = blockPowers[state * m + r]
            weightGradient += g * power.conjugate
            poleSum += g * (Complex(Double(r * t)) * weights[state] * power).conjugate
          }
          for j in 0..<t {
            let g = Complex(Double(rightGradient[state * t + j]), Double(rightGradient[(half + state) * t + j]))
            poleSum += g * (Complex(Double(j)) * powers[state * t + j]).conjugate
          }
          let xGradient = factors.logDerivative(state).conjugate * poleSum
          let b = factors.input[state]
          let phi = factors.inputFactors[state]
          let cValue = row[row.startIndex + state]
          outputGradient[(output * h + channel) * half + state] += weightGradient * (b * phi).conjugate
          inputGradient[copy * half + state] += weightGradient * (phi * cValue).conjugate
          let phiGradient = weightGradient * (b * cValue).conjugate
          let derivatives = factors.inputFactorDerivatives(state)
          let lambda = factors.eigenvalues[state]
          eigenvalueGradient[copy * half + state] +=
            phiGradient * derivatives.eigenvalue.conjugate + Complex(factors.timeStep) * xGradient
          timeStepGradient += (phiGradient.conjugate * derivatives.timeStep).real
            + (xGradient.conjugate * lambda).real
        }
      }
      logTimeStepGradient[channel] = factors.timeStep * timeStepGradient
    }
    return SSMParameters.gradients(
      like: parameters, values: values, logTimeStep: logTimeStepGradient,
      eigenvalues: eigenvalueGradient, lowRank: [], input: inputGradient, output: outputGradient)
  }
}

extension SSMParameters {
  /// Gradients in the structure of `parameters`, from Float64 gradients with respect to the
  /// complex values: ∂ℓ/∂ρ = Re Λ·Re G[Λ] for Re Λ = −exp(ρ), ∂ℓ/∂Im Λ = Im G[Λ], and complex
  /// gradients stored as (real, imaginary) pairs.
  static func gradients(
    like parameters: SSMParameters, values: SSMComplexValues, logTimeStep: [Double],
    eigenvalues: [Complex<Double>], lowRank: [Complex<Double>], input: [Complex<Double>],
    output: [Complex<Double>]
  ) -> SSMParameters {
    func pairs(_ gradient: [Complex<Double>], shape: [Int]) -> Tensor<Scalar> {
      Tensor(shape: shape, scalars: gradient.flatMap { [Scalar($0.real), Scalar($0.imaginary)] })
    }
    return SSMParameters(
      structure: parameters.structure,
      logTimeStep: Tensor(shape: parameters.logTimeStep.shape, scalars: logTimeStep.map { Scalar($0) }),
      logNegativeRealEigenvalues: Tensor(
        shape: parameters.logNegativeRealEigenvalues.shape,
        scalars: zip(values.eigenvalues, eigenvalues).map { Scalar($0.real * $1.real) }),
      imaginaryEigenvalues: Tensor(
        shape: parameters.imaginaryEigenvalues.shape, scalars: eigenvalues.map { Scalar($0.imaginary) }),
      lowRank: pairs(lowRank, shape: parameters.lowRank.shape),
      input: pairs(input, shape: parameters.input.shape),
      output: pairs(output, shape: parameters.output.shape))
  }
}
