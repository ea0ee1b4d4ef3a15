import ComplexModule
import RealModule

/// A batched real FFT of one power-of-two length, with numpy's `rfft` / `irfft` conventions.
///
/// The plan (twiddle tables) is built once in `init` and is immutable, so one value can be
/// shared by any number of threads. Rows of a batch are transformed in parallel.
///
/// Shape legend: `...` any leading (batch) axes, n = ``length``.
public struct RealFFT<Scalar: FFTScalar>: Sendable {
  /// n, the number of real samples per signal.
  public let length: Int
  let plan: RealFFTPlan<Scalar>

  /// Creates the plan for signals of `length` real samples.
  ///
  /// - Parameter length: n, a power of two from 2 to 2²².
  public init(length: Int) {
    self.init(length: length, lanes: FFTKernels.lanes(Scalar.self))
  }

  /// The plan with blocks of `lanes` rows (one of ``FFTKernels/supportedLanes(_:)``), whatever
  /// the running CPU prefers, and with or without the AVX-512 line permutes: for tests.
  init(length: Int, lanes: Int, permutedLines: Bool = true) {
    precondition(
      length >= 2 && length <= 1 << 22 && length & (length - 1) == 0,
      "RealFFT(length:): the length must be a power of two from 2 to 4194304, got \(length)")
    self.length = length
    plan = RealFFTPlan(length: length, lanes: lanes, permutedLines: permutedLines)
  }

  /// The half spectra of real signals: X[k] = Σ_t x[t]·e^{−2πi·k·t/n}, k = 0…n/2 (numpy's
  /// `rfft`).
  ///
  /// - Parameter signals: Real signals, (..., n); rank at least 1.
  /// - Returns: Their half spectra, (..., n/2 + 1).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func forward(_ signals: Tensor<Scalar>) -> Tensor<Complex<Scalar>> {
    precondition(
      signals.rank >= 1 && signals.shape.last == length,
      "RealFFT.forward: signals of shape \(signals.shape) do not end in the plan's length \(length)")
    let bins = length / 2 + 1
    let rows = signals.scalarCount / length
    return Tensor(shape: Array(signals.shape.dropLast()) + [bins], unsafeUninitializedScalars: { spectra in
      signals.withUnsafeBufferPointer { signals in
        plan.forward(rows: rows, signals: signals.baseAddress!, spectra: spectra.baseAddress!)
      }
    })
  }

  /// Real signals from their half spectra, scaled by 1/n (numpy's `irfft`):
  /// x[t] = (1/n)·Σ_{k<n} X[k]·e^{2πi·k·t/n} with X[n−k] = conj X[k]. The imaginary parts of
  /// bins 0 and n/2 are ignored.
  ///
  /// - Parameter spectra: Half spectra, (..., n/2 + 1); rank at least 1.
  /// - Returns: The real signals, (..., n).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func inverse(_ spectra: Tensor<Complex<Scalar>>) -> Tensor<Scalar> {
    let bins = length / 2 + 1
    precondition(
      spectra.rank >= 1 && spectra.shape.last == bins,
      "RealFFT.inverse: spectra of shape \(spectra.shape) do not end in n/2 + 1 = \(bins) bins (n = \(length))")
    let rows = spectra.scalarCount / bins
    return Tensor(shape: Array(spectra.shape.dropLast()) + [length], unsafeUninitializedScalars: { signals in
      spectra.withUnsafeBufferPointer { spectra in
        plan.inverse(rows: rows, spectra: spectra.baseAddress!, signals: signals.baseAddress!)
      }
    })
  }
}
