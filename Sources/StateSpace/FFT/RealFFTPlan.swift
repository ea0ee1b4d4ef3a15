import ComplexModule
import RealModule

/// The precomputed tables of a real FFT of length n = 2M, and the row transforms.
///
/// A real transform of length n = 2M is one complex transform of length M of
/// z_m = x_{2m} + i·x_{2m+1}: with A and B the spectra of the even and odd samples,
/// Z_k = A_k + i·B_k and X_k = A_k + W^k·B_k (W = e^{−2πi/n}), where
/// A_k = (Z_k + conj Z_{M−k})/2 and B_k = (Z_k − conj Z_{M−k})/(2i).
struct RealFFTPlan<Scalar: FFTScalar>: Sendable {
  /// n.
  let length: Int
  /// M = n/2.
  let half: Int
  /// e^{−2πi·j/M}, j < M/2 (the complex transform's twiddles).
  let twiddleReal: [Scalar]
  let twiddleImaginary: [Scalar]
  /// W^k = e^{−2πi·k/n}, k < M.
  let postReal: [Scalar]
  let postImaginary: [Scalar]
  /// The bit-reversal permutation of 0..<M.
  let reversal: [Int]

  init(length: Int) {
    self.length = length
    half = length / 2
    let m = half
    twiddleReal = (0..<max(1, m / 2)).map { Scalar(Double.cos(-2 * .pi * Double($0) / Double(m))) }
    twiddleImaginary = (0..<max(1, m / 2)).map { Scalar(Double.sin(-2 * .pi * Double($0) / Double(m))) }
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

  /// Half spectra of `rows` real rows: n reals in, n/2 + 1 complex out per row.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func forward(rows: Int, signals: UnsafePointer<Scalar>, spectra: UnsafeMutablePointer<Complex<Scalar>>) {
    let (n, m) = (length, half)
    let (signals, spectra) = (UncheckedSendable(signals), UncheckedSendable(spectra))
    Parallel.forEachChunk(of: rows, minimumChunk: max(1, 32768 / n)) { chunk in
      var real = [Scalar](repeating: 0, count: m)
      var imaginary = [Scalar](repeating: 0, count: m)
      for row in chunk {
        let x = signals.value + row * n
        for j in 0..<m {
          real[reversal[j]] = x[2 * j]
          imaginary[reversal[j]] = x[2 * j + 1]
        }
        transform(&real, &imaginary, sign: -1)
        let out = spectra.value + row * (m + 1)
        for k in 0...m {
          let (zr, zi) = (real[k % m], imaginary[k % m])
          let (cr, ci) = (real[(m - k) % m], -imaginary[(m - k) % m])
          let (ar, ai) = ((zr + cr) / 2, (zi + ci) / 2)
          let (br, bi) = ((zi - ci) / 2, (cr - zr) / 2)
          let (wr, wi) = k < m ? (postReal[k], postImaginary[k]) : (-1, 0)
          out[k] = Complex(ar + wr * br - wi * bi, ai + wr * bi + wi * br)
        }
      }
    }
  }

  /// Real rows from `rows` half spectra, scaled by 1/n: n/2 + 1 complex in, n reals out.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func inverse(rows: Int, spectra: UnsafePointer<Complex<Scalar>>, signals: UnsafeMutablePointer<Scalar>) {
    let (n, m) = (length, half)
    let (signals, spectra) = (UncheckedSendable(signals), UncheckedSendable(spectra))
    Parallel.forEachChunk(of: rows, minimumChunk: max(1, 32768 / n)) { chunk in
      var real = [Scalar](repeating: 0, count: m)
      var imaginary = [Scalar](repeating: 0, count: m)
      for row in chunk {
        let bin = spectra.value + row * (m + 1)
        func value(_ k: Int) -> (Scalar, Scalar) {
          k == 0 || k == m ? (bin[k].real, 0) : (bin[k].real, bin[k].imaginary)
        }
        for k in 0..<m {
          let (xr, xi) = value(k)
          let (cr, ci) = value(m - k)
          // A_k = (X_k + conj X_{M−k})/2, B_k = (X_k − conj X_{M−k})·W^{−k}/2, Z_k = A_k + i·B_k.
          let (ar, ai) = ((xr + cr) / 2, (xi - ci) / 2)
          let (dr, di) = ((xr - cr) / 2, (xi + ci) / 2)
          let (wr, wi) = (postReal[k], -postImaginary[k])
          let (br, bi) = (dr * wr - di * wi, dr * wi + di * wr)
          real[reversal[k]] = ar - bi
          imaginary[reversal[k]] = ai + br
        }
        transform(&real, &imaginary, sign: 1)
        let x = signals.value + row * n
        let scale = 1 / Scalar(m)
        for j in 0..<m {
          x[2 * j] = real[j] * scale
          x[2 * j + 1] = imaginary[j] * scale
        }
      }
    }
  }

  /// The in-place radix-2 transform of bit-reversed input; `sign` −1 is the forward
  /// transform, +1 the unscaled inverse.
  @inline(__always)
  private func transform(_ real: inout [Scalar], _ imaginary: inout [Scalar], sign: Scalar) {
    let m = half
    var size = 2
    while size <= m {
      let halfSize = size / 2
      let step = m / size
      for start in stride(from: 0, to: m, by: size) {
        for j in 0..<halfSize {
          let (wr, wi) = (twiddleReal[j * step], -sign * twiddleImaginary[j * step])
          let (a, b) = (start + j, start + j + halfSize)
          let (br, bi) = (real[b] * wr - imaginary[b] * wi, real[b] * wi + imaginary[b] * wr)
          real[b] = real[a] - br
          imaginary[b] = imaginary[a] - bi
          real[a] += br
          imaginary[a] += bi
        }
      }
      size *= 2
    }
  }
}
