import ComplexModule
import RealModule

/// S4's convolution kernel from its DPLR parameters (paper §3.3, Algorithm 1, Lemma C.3).
///
/// For each channel: evaluate the truncated generating function
/// K̂(ω_k) = C̃ᵀ(I − Ā·ω_k)⁻¹B̄ at the rfft nodes ω_k = e^{−2πik/L}, k = 0…L/2, through four
/// (rank 1) conjugate-symmetric Cauchy sums and the Woodbury identity, then K = irfft(K̂).
/// Work per channel is O((1+R)(c+R)·N/2·L/2) with the accumulators in registers, and memory
/// O(c·H·L) for the result (spectra are built a block of channels at a time): nothing of size
/// H·N·L is ever built.
enum DPLRKernel {
  /// The spectrum K̂_c,h(ω_k) for k = 0…L/2, (c, H, L/2 + 1).
  static func spectrum<Scalar: SSMScalar>(
    _ parameters: SSMParameters<Scalar>, nodes: CauchyNodes<Scalar>
  ) -> Tensor<Complex<Scalar>> {
    spectrum(values: parameters.complexValues, nodes: nodes, channels: 0..<parameters.channels)
  }

  /// The spectrum of a range of channels, (c, channels.count, L/2 + 1).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func spectrum<Scalar: SSMScalar>(
    values: SSMComplexValues, nodes: CauchyNodes<Scalar>, channels range: Range<Int>
  ) -> Tensor<Complex<Scalar>> {
    let h = range.count
    let c = values.outputChannels
    let layout = DPLRSumLayout(outputChannels: c, rank: values.rank)
    let bins = nodes.count + 1
    let padded = nodes.paddedCount
    var spectrum = Tensor<Complex<Scalar>>(shape: [c, h, bins], repeating: .zero)
    spectrum.withUnsafeMutableBufferPointer { spectrum in
      let rows = spectrum.baseAddress!
      nodes.s.withUnsafeBufferPointer { s in
        Parallel.forEachChunk(of: h) { channels in
          let channels = (range.lowerBound + channels.lowerBound)..<(range.lowerBound + channels.upperBound)
          var planes = [Scalar](repeating: 0, count: layout.count * 2 * padded)
          var spectra = [Scalar](repeating: 0, count: c * 2 * padded)
          for channel in channels {
            let terms = DPLRChannelTerms(values: values, channel: channel)
            let constants = terms.forwardConstants(as: Scalar.self)
            planes.withUnsafeMutableBufferPointer { planes in
              spectra.withUnsafeMutableBufferPointer { spectra in
                constants.withUnsafeBufferPointer { constants in
                  CauchySums.evaluate(
                    nodes: s.baseAddress!, paddedCount: padded, constants: constants.baseAddress!,
                    half: terms.half, sumCount: layout.count, into: planes.baseAddress!)
                }
                WoodburyCombination.spectrum(
                  planes: planes.baseAddress!, nodes: s.baseAddress!, paddedCount: padded,
                  layout: layout, into: spectra.baseAddress!)
                for output in 0..<c {
                  let row = rows + (output * h + channel - range.lowerBound) * bins
                  let plane = spectra.baseAddress! + output * 2 * padded
                  for k in 0..<nodes.count {
                    row[k] = Complex(plane[k], plane[padded + k])
                  }
                  row[nodes.count] = Complex(Scalar(terms.nyquistValue(outputChannel: output)), 0)
                }
              }
            }
          }
        }
      }
    }
    return spectrum
  }
}
