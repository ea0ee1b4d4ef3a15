import ComplexModule
import RealModule

extension DiagonalKernel {
  /// The gradients of ℓ = Σ G·K with respect to every parameter, for K = ``forward(_:discretization:length:)``.
  ///
  /// Derivation (complex gradients are G = ∂ℓ/∂Re + i·∂ℓ/∂Im; a holomorphic y = f(x) passes
  /// G_x = G_y·conj(f′(x)) back):
  /// 1. K = Left·Right, so ∂ℓ/∂Left = G·Rightᵀ and ∂ℓ/∂Right = Leftᵀ·G (two products); hence
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
    let copies = values.sharedCopies

    // Per channel: ∂ℓ/∂log Δ, G[Λ] and G[B] before the copies are summed, and G[C].
    let logTimeStepGradient = GradientBuffer<Double>(count: h, zero: 0)
    let eigenvalueGradient = GradientBuffer<Complex<Double>>(count: h * half, zero: .zero)
    let inputGradient = GradientBuffer<Complex<Double>>(count: h * half, zero: .zero)
    let outputGradient = GradientBuffer<Complex<Double>>(count: c * h * half, zero: .zero)
    kernelGradient.withUnsafeBufferPointer { g in
      let g = g.baseAddress!
      Parallel.forEachChunk(of: h) { channels in
        let workspace = VandermondeWorkspace<Scalar>(blocking: blocking, half: half, forBackward: true)
        let stride = workspace.paddedStates
        for channel in channels {
          let factors = DiagonalDiscretization(values: values, channel: channel, discretization: discretization)
          workspace.prepare(factors)
          let (powers, blockPowers) = (workspace.powers, workspace.blockPowers)
          var timeStepGradient = 0.0
          for output in 0..<c {
            let row = values.output(output, ofChannel: channel)
            let weights = factors.weights(row)
            workspace.fillLeft(weights: weights)
            workspace.multiplyGradient(g + (output * h + channel) * length)
            let (leftGradient, rightGradient) = (workspace.leftGradient!, workspace.rightGradient!)
            for state in 0..<half {
              var weightGradient = Complex<Double>.zero
              var poleSum = Complex<Double>.zero
              for r in 0..<m {
                let gradient = Complex(
                  2 * Double(leftGradient[r * stride + state]),
                  -2 * Double(leftGradient[r * stride + half + state]))
                let power = blockPowers[state * m + r]
                weightGradient += gradient * power.conjugate
                poleSum += gradient * (Complex(Double(r * t)) * weights[state] * power).conjugate
              }
              for j in 0..<t {
                let gradient = Complex(
                  Double(rightGradient[state * t + j]), Double(rightGradient[(half + state) * t + j]))
                poleSum += gradient * (Complex(Double(j)) * powers[state * t + j]).conjugate
              }
              let xGradient = factors.logDerivative(state).conjugate * poleSum
              let b = factors.input[state]
              let phi = factors.inputFactors[state]
              let cValue = row[row.startIndex + state]
              outputGradient.pointer[(output * h + channel) * half + state] = weightGradient * (b * phi).conjugate
              inputGradient.pointer[channel * half + state] += weightGradient * (phi * cValue).conjugate
              let phiGradient = weightGradient * (b * cValue).conjugate
              let derivatives = factors.inputFactorDerivatives(state)
              eigenvalueGradient.pointer[channel * half + state] +=
                phiGradient * derivatives.eigenvalue.conjugate + Complex(factors.timeStep) * xGradient
              timeStepGradient += (phiGradient.conjugate * derivatives.timeStep).real
                + (xGradient.conjugate * factors.eigenvalues[state]).real
            }
          }
          logTimeStepGradient.pointer[channel] = factors.timeStep * timeStepGradient
        }
      }
    }
    var copyEigenvalues = [Complex<Double>](repeating: .zero, count: copies * half)
    var copyInput = [Complex<Double>](repeating: .zero, count: copies * half)
    for channel in 0..<h {
      for n in 0..<half {
        copyEigenvalues[(channel % copies) * half + n] += eigenvalueGradient.pointer[channel * half + n]
        copyInput[(channel % copies) * half + n] += inputGradient.pointer[channel * half + n]
      }
    }
    return SSMParameters.gradients(
      like: parameters, values: values, logTimeStep: logTimeStepGradient.array,
      eigenvalues: copyEigenvalues, lowRank: [], input: copyInput, output: outputGradient.array)
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
