import ComplexModule
import RealModule

/// The real FFT pair the S4 kernel needs: the half spectrum of real rows of length L and its
/// inverse (numpy's `rfft` / `irfft` conventions), for L a power of two.
///
/// A real transform of length L = 2M is one complex transform of length M on
/// z_m = x_{2m} + i·x_{2m+1}: with A and B the spectra of the even and odd samples,
/// Z_k = A_k + i·B_k, X_k = A_k + W^k·B_k and X_{k+M} = A_k − W^k·B_k (W = e^{−2πi/L}), so
///
///     A_k = (X_k + conj X_{M−k})/2,   B_k = (X_k − conj X_{M−k})·W^{−k}/2.
///
/// The complex transform is an iterative radix-2 FFT with precomputed twiddles, laid out per
/// stage so that the butterflies of a stage run over lane vectors; rows run in parallel. The
/// kernel's cost is dominated by its Cauchy sums, not by this transform.
struct HalfSpectrumTransform<Scalar: SSMScalar>: Sendable {
  /// L.
  let length: Int
  /// M = L/2, the complex transform length.
  let half: Int
  /// Per stage of butterfly half-width h = 1, 2, 4, …, M/2, starting at offset h − 1:
  /// e^{−2πi·j/(2h)} for j < h, real and imaginary parts.
  private let twiddleReal: [Scalar]
  private let twiddleImaginary: [Scalar]
  /// W^k = e^{−2πi·k/L} for k < M, real and imaginary parts.
  private let postReal: [Scalar]
  private let postImaginary: [Scalar]
  /// The bit-reversal permutation of 0..<M.
  private let reversal: [Int]

  init(length: Int) {
    precondition(
      length >= 2 && length & (length - 1) == 0,
      "S4 kernel: the kernel length must be a power of two ≥ 2 (the inverse real FFT needs it), got L = \(length)"
    )
    self.length = length
    half = length / 2
    let m = half
    var twiddleReal = [Scalar]()
    var twiddleImaginary = [Scalar]()
    var width = 1
    while width < m {
      for j in 0..<width {
        let angle = -Double.pi * Double(j) / Double(width)
        twiddleReal.append(Scalar(Double.cos(angle)))
        twiddleImaginary.append(Scalar(Double.sin(angle)))
      }
      width *= 2
    }
    self.twiddleReal = twiddleReal
    self.twiddleImaginary = twiddleImaginary
    postReal = (0..<m).map { Scalar(Double.cos(-2 * .pi * Double($0) / Double(length))) }
    postImaginary = (0..<m).map { Scalar(Double.sin(-2 * .pi * Double($0) / Double(length))) }
    var bits = 0
    while 1 << bits < m { bits += 1 }
    reversal = (0..<m).map { index in
      var reversed = 0
      for bit in 0..<bits where index & (1 << bit) != 0 { reversed |= 1 << (bits - 1 - bit) }
      return reversed
    }
  }

  /// The half spectra X_k, k = 0…L/2, of real rows: (…, L) → (…, L/2 + 1).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func forward(_ signals: Tensor<Scalar>) -> Tensor<Complex<Scalar>> {
    precondition(
      signals.shape.last == length,
      "S4 kernel: rows of length \(length) expected, got shape \(signals.shape)")
    let rows = signals.scalarCount / length
    let bins = half + 1
    var spectra = Tensor<Complex<Scalar>>(shape: Array(signals.shape.dropLast()) + [bins], repeating: .zero)
    signals.withUnsafeBufferPointer { x in
      spectra.withUnsafeMutableBufferPointer { spectra in
        let (x, spectra) = (x.baseAddress!, spectra.baseAddress!)
        Parallel.forEachChunk(of: rows) { rowRange in
          var real = [Scalar](repeating: 0, count: half)
          var imaginary = [Scalar](repeating: 0, count: half)
          for row in rowRange {
            let signal = x + row * length
            for m in 0..<half {
              real[reversal[m]] = signal[2 * m]
              imaginary[reversal[m]] = signal[2 * m + 1]
            }
            transform(&real, &imaginary, inverse: false)
            let out = spectra + row * bins
            for k in 0...half {
              let (zr, zi) = (real[k % half], imaginary[k % half])
              let (cr, ci) = (real[(half - k) % half], -imaginary[(half - k) % half])
              let (ar, ai) = ((zr + cr) / 2, (zi + ci) / 2)
              // B_k = (Z_k − conj Z_{M−k})/(2i).
              let (br, bi) = ((zi - ci) / 2, -(zr - cr) / 2)
              let (wr, wi) = k < half ? (postReal[k], postImaginary[k]) : (-1, 0)
              out[k] = Complex(ar + wr * br - wi * bi, ai + wr * bi + wi * br)
            }
          }
        }
      }
    }
    return spectra
  }

  /// Real rows from their half spectra, scaled by 1/L: (…, L/2 + 1) → (…, L). The imaginary
  /// parts of bins 0 and L/2 are ignored.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func inverse(_ spectra: Tensor<Complex<Scalar>>) -> Tensor<Scalar> {
    let bins = half + 1
    precondition(
      spectra.shape.last == bins,
      "S4 kernel: half spectra of \(bins) bins expected, got shape \(spectra.shape)")
    let rows = spectra.scalarCount / bins
    var signals = Tensor<Scalar>(zeros: Array(spectra.shape.dropLast()) + [length])
    spectra.withUnsafeBufferPointer { spectra in
      signals.withUnsafeMutableBufferPointer { x in
        let (spectra, x) = (spectra.baseAddress!, x.baseAddress!)
        Parallel.forEachChunk(of: rows) { rowRange in
          var real = [Scalar](repeating: 0, count: half)
          var imaginary = [Scalar](repeating: 0, count: half)
          for row in rowRange {
            let bin = spectra + row * bins
            func value(_ k: Int) -> (Scalar, Scalar) {
              k == 0 || k == half ? (bin[k].real, 0) : (bin[k].real, bin[k].imaginary)
            }
            for k in 0..<half {
              let (xr, xi) = value(k)
              let (cr, ci) = value(half - k)
              let (ar, ai) = ((xr + cr) / 2, (xi - ci) / 2)
              // B_k = (X_k − conj X_{M−k})·W^{−k}/2, then Z_k = A_k + i·B_k.
              let (dr, di) = ((xr - cr) / 2, (xi + ci) / 2)
              let (wr, wi) = (postReal[k], -postImaginary[k])
              let (br, bi) = (dr * wr - di * wi, dr * wi + di * wr)
              real[reversal[k]] = ar - bi
              imaginary[reversal[k]] = ai + br
            }
            transform(&real, &imaginary, inverse: true)
            let out = x + row * length
            let scale = 1 / Scalar(half)
            for m in 0..<half {
              out[2 * m] = real[m] * scale
              out[2 * m + 1] = imaginary[m] * scale
            }
          }
        }
      }
    }
    return signals
  }

  /// The in-place radix-2 transform of bit-reversed input (the inverse without scaling).
  @inline(__always)
  private func transform(_ real: inout [Scalar], _ imaginary: inout [Scalar], inverse: Bool) {
    typealias Lanes = KernelLanes<Scalar>
    let m = half
    let width = Lanes.laneCount
    let sign: Scalar = inverse ? -1 : 1
    real.withUnsafeMutableBufferPointer { re in
      imaginary.withUnsafeMutableBufferPointer { im in
        twiddleReal.withUnsafeBufferPointer { tr in
          twiddleImaginary.withUnsafeBufferPointer { ti in
            let (re, im, tr, ti) = (re.baseAddress!, im.baseAddress!, tr.baseAddress!, ti.baseAddress!)
            var halfSize = 1
            while halfSize < m {
              let (stageReal, stageImaginary) = (tr + halfSize - 1, ti + halfSize - 1)
              for start in stride(from: 0, to: m, by: 2 * halfSize) {
                let (a, b) = (start, start + halfSize)
                if halfSize >= width {
                  for j in stride(from: 0, to: halfSize, by: width) {
                    let wr = Lanes(loadingFrom: stageReal + j)
                    let wi = sign * Lanes(loadingFrom: stageImaginary + j)
                    let xr = Lanes(loadingFrom: re + b + j)
                    let xi = Lanes(loadingFrom: im + b + j)
                    let br = xr * wr - xi * wi
                    let bi = xr * wi + xi * wr
                    let ar = Lanes(loadingFrom: re + a + j)
                    let ai = Lanes(loadingFrom: im + a + j)
                    (ar - br).store(to: re + b + j)
                    (ai - bi).store(to: im + b + j)
                    (ar + br).store(to: re + a + j)
                    (ai + bi).store(to: im + a + j)
                  }
                } else {
                  for j in 0..<halfSize {
                    let (wr, wi) = (stageReal[j], sign * stageImaginary[j])
                    let (br, bi) = (re[b + j] * wr - im[b + j] * wi, re[b + j] * wi + im[b + j] * wr)
                    re[b + j] = re[a + j] - br
                    im[b + j] = im[a + j] - bi
                    re[a + j] += br
                    im[a + j] += bi
                  }
                }
              }
              halfSize *= 2
            }
          }
        }
      }
    }
  }
}
