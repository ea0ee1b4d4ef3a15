import ComplexModule
import RealModule

extension DPLRKernel {
  /// Steps 2–6 of `backward(kernelGradient:parameters:)`: the gradients of
  /// ℓ = Σ_k Re(conj(G_k)·K̂_k) for K̂ = ``spectrum(_:nodes:)``.
  ///
  /// - Parameters:
  ///   - spectrumGradient: G[K̂], (c, H, L/2 + 1); only the real part is used at the Nyquist
  ///     node, where K̂ is real.
  ///   - parameters: The parameters K̂ was computed from.
  ///   - nodes: The nodes K̂ was computed at.
  static func spectrumBackward<Scalar: SSMScalar>(
    spectrumGradient: Tensor<Complex<Scalar>>, parameters: SSMParameters<Scalar>,
    nodes: CauchyNodes<Scalar>
  ) -> SSMParameters<Scalar> {
    let (h, c) = (parameters.channels, parameters.outputChannels)
    precondition(
      spectrumGradient.shape == [c, h, nodes.count + 1],
      "S4 kernel backward: the spectrum gradient must have shape [\(c), \(h), \(nodes.count + 1)], got \(spectrumGradient.shape)")
    let accumulator = DPLRGradientAccumulator(parameters)
    accumulator.accumulate(spectrumGradient: spectrumGradient, channels: 0..<h, nodes: nodes)
    return accumulator.gradients()
  }
}

/// The per-channel gradients of one S4 kernel backward pass, filled a block of channels at a
/// time (steps 2–5 of `DPLRKernel.backward(kernelGradient:parameters:)`), then assembled with
/// the gradients of shared copies summed (step 6).
final class DPLRGradientAccumulator<Scalar: SSMScalar> {
  let parameters: SSMParameters<Scalar>
  let values: SSMComplexValues
  let layout: DPLRSumLayout
  /// ∂ℓ/∂log Δ per channel, and G[Λ], G[P], G[B] per channel before the copies are summed,
  /// and G[C̃].
  let logTimeStepGradient: GradientBuffer<Double>
  let eigenvalueGradient: GradientBuffer<Complex<Double>>
  let lowRankGradient: GradientBuffer<Complex<Double>>
  let inputGradient: GradientBuffer<Complex<Double>>
  let outputGradient: GradientBuffer<Complex<Double>>

  init(_ parameters: SSMParameters<Scalar>) {
    self.parameters = parameters
    values = parameters.complexValues
    let (h, c, half, rank) = (values.channels, values.outputChannels, values.half, values.rank)
    layout = DPLRSumLayout(outputChannels: c, rank: rank)
    logTimeStepGradient = GradientBuffer(count: h, zero: 0)
    eigenvalueGradient = GradientBuffer(count: h * half, zero: .zero)
    lowRankGradient = GradientBuffer(count: h * rank * half, zero: .zero)
    inputGradient = GradientBuffer(count: h * half, zero: .zero)
    outputGradient = GradientBuffer(count: c * h * half, zero: .zero)
  }

  /// Steps 2–5 for a range of channels.
  ///
  /// - Parameters:
  ///   - spectrumGradient: G[K̂] of those channels, (c, channels.count, L/2 + 1).
  ///   - channels: The channels.
  ///   - nodes: The nodes K̂ was computed at.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func accumulate(spectrumGradient: Tensor<Complex<Scalar>>, channels range: Range<Int>, nodes: CauchyNodes<Scalar>) {
    let (h, c) = (range.count, values.outputChannels)
    let (half, bins, padded) = (values.half, nodes.count + 1, nodes.paddedCount)
    let layout = self.layout
    let values = self.values
    let results = (
      logTimeStepGradient.pointer, eigenvalueGradient.pointer, lowRankGradient.pointer,
      inputGradient.pointer, outputGradient.pointer
    )
    spectrumGradient.withUnsafeBufferPointer { spectrumGradient in
      nodes.s.withUnsafeBufferPointer { s in
        Parallel.forEachChunk(of: h) { channels in
          let channels = (range.lowerBound + channels.lowerBound)..<(range.lowerBound + channels.upperBound)
          var planes = [Scalar](repeating: 0, count: layout.count * 2 * padded)
          var sumGradients = [Scalar](repeating: 0, count: layout.count * 2 * padded)
          var gradientPlanes = [Scalar](repeating: 0, count: c * 2 * padded)
          var totals = [Double](repeating: 0, count: half * layout.count * 8)
          for channel in channels {
            let terms = DPLRChannelTerms(values: values, channel: channel)
            // G[K̂] at the Cauchy nodes as planes.
            for output in 0..<c {
              let row = spectrumGradient.baseAddress! + (output * h + channel - range.lowerBound) * bins
              for k in 0..<nodes.count {
                gradientPlanes[output * 2 * padded + k] = row[k].real
                gradientPlanes[output * 2 * padded + padded + k] = row[k].imaginary
              }
            }
            // 2. The sums and their gradients.
            planes.withUnsafeMutableBufferPointer { planes in
              let constants = terms.forwardConstants(as: Scalar.self)
              constants.withUnsafeBufferPointer { constants in
                CauchySums.evaluate(
                  nodes: s.baseAddress!, paddedCount: padded, constants: constants.baseAddress!,
                  half: half, sumCount: layout.count, into: planes.baseAddress!)
              }
              gradientPlanes.withUnsafeBufferPointer { gradientPlanes in
                sumGradients.withUnsafeMutableBufferPointer { sumGradients in
                  WoodburyCombination.sumGradients(
                    planes: UnsafePointer(planes.baseAddress!), spectrumGradients: gradientPlanes.baseAddress!,
                    nodes: s.baseAddress!, paddedCount: padded, layout: layout,
                    into: sumGradients.baseAddress!)
                }
              }
            }
            // 3. The transposed sums.
            let transposedConstants = (0..<half).flatMap { n -> [Scalar] in
              let w = terms.pole(n)
              return [Scalar(w.real * w.real), Scalar(-2 * w.real * w.imaginary), Scalar(w.imaginary)]
            }
            sumGradients.withUnsafeBufferPointer { sumGradients in
              transposedConstants.withUnsafeBufferPointer { constants in
                totals.withUnsafeMutableBufferPointer { totals in
                  TransposedCauchySums.accumulate(
                    nodes: s.baseAddress!, paddedCount: padded, sumGradients: sumGradients.baseAddress!,
                    constants: constants.baseAddress!, half: half, sumCount: layout.count,
                    totals: totals.baseAddress!)
                }
              }
            }
            // 4–5. Chain rule into the channel's parameters.
            let nyquist = (0..<c).map { output in
              Double(spectrumGradient[(output * h + channel - range.lowerBound) * bins + nodes.count].real)
            }
            DPLRKernel.accumulateParameterGradients(
              terms: terms, totals: totals, nyquistGradients: nyquist, channel: channel,
              channels: values.channels, into: results)
          }
        }
      }
    }
  }

  /// Step 6: the gradients in the structure of the parameters, shared copies summed.
  func gradients() -> SSMParameters<Scalar> {
    let (h, half, rank, copies) = (values.channels, values.half, values.rank, values.sharedCopies)
    var copyEigenvalues = [Complex<Double>](repeating: .zero, count: copies * half)
    var copyLowRank = [Complex<Double>](repeating: .zero, count: rank * copies * half)
    var copyInput = [Complex<Double>](repeating: .zero, count: copies * half)
    for channel in 0..<h {
      let copy = channel % copies
      for n in 0..<half {
        copyEigenvalues[copy * half + n] += eigenvalueGradient.pointer[channel * half + n]
        copyInput[copy * half + n] += inputGradient.pointer[channel * half + n]
        for r in 0..<rank {
          copyLowRank[(r * copies + copy) * half + n] += lowRankGradient.pointer[(channel * rank + r) * half + n]
        }
      }
    }
    return SSMParameters.gradients(
      like: parameters, values: values, logTimeStep: logTimeStepGradient.array,
      eigenvalues: copyEigenvalues, lowRank: copyLowRank, input: copyInput,
      output: outputGradient.array)
  }
}

extension DPLRKernel {
  /// Steps 3–5 of ``backward(kernelGradient:parameters:)`` for one channel: from the totals
  /// S₁…S₄ to the gradients of Δ, Λ, P, B and C̃.
  static func accumulateParameterGradients(
    terms: DPLRChannelTerms, totals: [Double], nyquistGradients: [Double], channel: Int,
    channels: Int,
    into results: (
      UnsafeMutablePointer<Double>, UnsafeMutablePointer<Complex<Double>>,
      UnsafeMutablePointer<Complex<Double>>, UnsafeMutablePointer<Complex<Double>>,
      UnsafeMutablePointer<Complex<Double>>
    )
  ) {
    let (logTimeStep, eigenvalues, lowRank, input, output) = results
    let layout = terms.layout
    let (half, rank, c) = (terms.half, layout.rank, layout.outputChannels)
    let delta = terms.timeStep
    var timeStepGradient = 0.0
    var inputStackGradient = [Complex<Double>](repeating: .zero, count: (1 + rank) * half)
    var outputStackGradient = [Complex<Double>](repeating: .zero, count: layout.outputStackSize * half)
    for n in 0..<half {
      let w = terms.pole(n)
      let wBar = w.conjugate
      var poleGradient = Complex<Double>.zero
      for i in 0...rank {
        for o in 0..<layout.outputStackSize {
          let base = (n * layout.count + layout.index(input: i, output: o)) * 8
          let s1 = Complex(totals[base], totals[base + 1])
          let s2 = Complex(totals[base + 2], totals[base + 3])
          let s3 = Complex(totals[base + 4], totals[base + 5])
          let s4 = Complex(totals[base + 6], totals[base + 7])
          let residueGradient = Complex(-2.0) * (wBar * s1 + s2)
          let poleWeight = Complex(4.0) * wBar * wBar * s3 - Complex(2.0) * s1 + Complex(4.0) * wBar * s4
          let b = terms.inputStack[i][n]
          let cValue = terms.outputStack[o][n]
          let v = Complex(delta) * b * cValue
          poleGradient += v.conjugate * poleWeight
          inputStackGradient[i * half + n] += residueGradient * (Complex(delta) * cValue).conjugate
          outputStackGradient[o * half + n] += residueGradient * (Complex(delta) * b).conjugate
          timeStepGradient += (residueGradient.conjugate * b * cValue).real
        }
      }
      let lambda = terms.eigenvalues[n]
      eigenvalues[channel * half + n] = Complex(delta) * poleGradient
      timeStepGradient += (poleGradient.conjugate * lambda).real
    }
    // The Nyquist node.
    for o in 0..<c {
      let g = nyquistGradients[o]
      for n in 0..<half {
        let b = terms.inputStack[0][n]
        let cValue = terms.outputStack[o][n]
        inputStackGradient[n] += Complex(g * delta) * cValue.conjugate
        outputStackGradient[o * half + n] += Complex(g * delta) * b.conjugate
        timeStepGradient += g * (b * cValue).real
      }
    }
    for n in 0..<half {
      input[channel * half + n] = inputStackGradient[n]
      for r in 0..<rank {
        // P_r enters as an input (P) and, conjugated, as an output (Q = conj P).
        lowRank[(channel * rank + r) * half + n] =
          inputStackGradient[(1 + r) * half + n] + outputStackGradient[(c + r) * half + n].conjugate
      }
      for o in 0..<c { output[(o * channels + channel) * half + n] = outputStackGradient[o * half + n] }
    }
    logTimeStep[channel] = delta * timeStepGradient
  }
}

/// A zero-initialised buffer that parallel workers write disjoint parts of.
final class GradientBuffer<Element> {
  let pointer: UnsafeMutablePointer<Element>
  let count: Int

  init(count: Int, zero: Element) {
    self.count = count
    pointer = .allocate(capacity: max(count, 1))
    pointer.initialize(repeating: zero, count: count)
  }

  deinit {
    pointer.deinitialize(count: count)
    pointer.deallocate()
  }

  /// A copy of the contents.
  var array: [Element] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
