import Numerics

/// Direct O(n²) Fourier sums and O(L·Lk) convolution sums in Float64: the oracles the FFT and
/// the FFT convolution are checked against. Nothing here shares code with the library.
public enum NaiveFourier {
  /// X[k] = Σ_t x[t]·e^{−2πi·k·t/n} for k = 0…n/2 (numpy's `rfft`), by direct summation with
  /// the exponent reduced mod n so that the angles stay exact.
  public static func halfSpectrum<T: BinaryFloatingPoint>(_ x: [T]) -> [Complex<Double>] {
    let n = x.count
    let (cosines, sines) = unitCircle(n)
    return (0...(n / 2)).map { k in
      var (real, imaginary) = (0.0, 0.0)
      for t in 0..<n {
        let index = (k * t) % n
        real += Double(x[t]) * cosines[index]
        imaginary -= Double(x[t]) * sines[index]
      }
      return Complex(real, imaginary)
    }
  }

  /// x[t] = (1/n)·Σ_{k<n} X[k]·e^{2πi·k·t/n} with X[n−k] = conj X[k] (numpy's `irfft`), from
  /// the half spectrum X[0…n/2]; the imaginary parts of X[0] and X[n/2] are ignored.
  public static func inverseHalfSpectrum(_ spectrum: [Complex<Double>], length n: Int) -> [Double] {
    precondition(spectrum.count == n / 2 + 1, "inverseHalfSpectrum: \(spectrum.count) bins for n = \(n)")
    let (cosines, sines) = unitCircle(n)
    return (0..<n).map { t in
      var sum = 0.0
      for k in 0..<n {
        let value = k <= n / 2 ? spectrum[k] : spectrum[n - k].conjugate
        let index = (k * t) % n
        // Re(X·e^{iθ}) for the full conjugate-symmetric spectrum; bins 0 and n/2 are real.
        let imaginary = (k == 0 || k == n / 2) ? 0 : value.imaginary
        sum += value.real * cosines[index] - imaginary * sines[index]
      }
      return sum / Double(n)
    }
  }

  /// y[b,t,h] = Σ_{s=0}^{min(t, Lk−1)} k[h,s]·u[b,t−s,h] for channels-last u (B, L, H) and
  /// kernels (H, Lk), all row-major.
  public static func causalConvolution<T: BinaryFloatingPoint>(
    input u: [T], kernel k: [T], batch: Int, length: Int, channels: Int, kernelLength: Int
  ) -> [Double] {
    var y = [Double](repeating: 0, count: batch * length * channels)
    for b in 0..<batch {
      for t in 0..<length {
        for h in 0..<channels {
          var sum = 0.0
          for s in 0..<min(t + 1, kernelLength) {
            sum += Double(k[h * kernelLength + s]) * Double(u[(b * length + t - s) * channels + h])
          }
          y[(b * length + t) * channels + h] = sum
        }
      }
    }
    return y
  }

  /// y[b,t,h] = Σ_s k[0,h,s]·u[b,t−s,h] + Σ_s k[1,h,s]·u[b,t+1+s,h] (terms outside 0..<L
  /// are zero) for channels-last u (B, L, H) and kernels (2, H, Lk).
  public static func bidirectionalConvolution<T: BinaryFloatingPoint>(
    input u: [T], kernel k: [T], batch: Int, length: Int, channels: Int, kernelLength: Int
  ) -> [Double] {
    var y = causalConvolution(
      input: u, kernel: Array(k[0..<(channels * kernelLength)]), batch: batch, length: length,
      channels: channels, kernelLength: kernelLength)
    for b in 0..<batch {
      for t in 0..<length {
        for h in 0..<channels {
          var sum = 0.0
          for s in 0..<kernelLength where t + 1 + s < length {
            sum +=
              Double(k[(channels + h) * kernelLength + s]) * Double(u[(b * length + t + 1 + s) * channels + h])
          }
          y[(b * length + t) * channels + h] += sum
        }
      }
    }
    return y
  }

  /// cos and sin of 2π·j/n for j < n.
  private static func unitCircle(_ n: Int) -> ([Double], [Double]) {
    let angles = (0..<n).map { 2 * Double.pi * Double($0) / Double(n) }
    return (angles.map { .cos($0) }, angles.map { .sin($0) })
  }
}
