import Foundation
import Numerics
@testable import StateSpace
import Testing
import _TestSupport

/// The batched real FFT against direct Float64 Fourier sums. Float runs at every lane width
/// the C loops exist for (16 and 8: the AVX-512 and the AVX2 layout), whichever the running
/// CPU would choose.
@Suite struct FFTTests {
  static let lengths = (1...12).map { 1 << $0 }
  static let floatLanes = FFTKernels.supportedLanes(Float.self)

  /// Random rows of `shape` as both the tested scalar type and the exact Float64 values it holds.
  static func randomSignals<T: FFTScalar>(_: T.Type, shape: [Int], seed: UInt64) -> Tensor<T> {
    var generator = SeededGenerator(seed: seed)
    return Tensor<T>.randomNormal(shape: shape, using: &generator)
  }

  /// `rows` rows through a plan with blocks of `lanes` rows.
  func forwardMatchesTheDefinition<T: FFTScalar>(
    _: T.Type, length: Int, rows: Int, lanes: Int, tolerance: Double
  ) {
    let signals = Self.randomSignals(T.self, shape: [rows, length], seed: UInt64(length))
    let spectra = RealFFT<T>(length: length, lanes: lanes).forward(signals)
    #expect(spectra.shape == [rows, length / 2 + 1])
    for row in 0..<rows {
      let x = Array(signals.scalars[(row * length)..<((row + 1) * length)])
      let bins = length / 2 + 1
      let actual = spectra.scalars[(row * bins)..<((row + 1) * bins)].map {
        Complex(Double($0.real), Double($0.imaginary))
      }
      #expect(relativeError(actual, reference: NaiveFourier.halfSpectrum(x)) <= tolerance)
    }
  }

  /// One full block of rows and a partial one.
  @Test(arguments: floatLanes, lengths)
  func forwardMatchesTheDefinitionInFloat(lanes: Int, length: Int) {
    forwardMatchesTheDefinition(Float.self, length: length, rows: lanes + 3, lanes: lanes, tolerance: 1e-5)
  }

  @Test(arguments: lengths)
  func forwardMatchesTheDefinitionInDouble(length: Int) {
    forwardMatchesTheDefinition(Double.self, length: length, rows: 3, lanes: 8, tolerance: 1e-13)
  }

  /// Random half spectra with nonzero imaginary parts in bins 0 and n/2, which the inverse
  /// must ignore.
  func inverseMatchesTheDefinition<T: FFTScalar>(
    _: T.Type, length: Int, rows: Int, lanes: Int, tolerance: Double
  ) {
    let bins = length / 2 + 1
    let parts = Self.randomSignals(T.self, shape: [rows, bins, 2], seed: UInt64(length) + 100)
    let spectra = Tensor<Complex<T>>(
      shape: [rows, bins], scalars: (0..<(rows * bins)).map { Complex(parts.scalars[2 * $0], parts.scalars[2 * $0 + 1]) })
    let signals = RealFFT<T>(length: length, lanes: lanes).inverse(spectra)
    #expect(signals.shape == [rows, length])
    for row in 0..<rows {
      let spectrum = spectra.scalars[(row * bins)..<((row + 1) * bins)].map {
        Complex(Double($0.real), Double($0.imaginary))
      }
      let expected = NaiveFourier.inverseHalfSpectrum(spectrum, length: length)
      let actual = Array(signals.scalars[(row * length)..<((row + 1) * length)])
      #expect(relativeError(actual, reference: expected) <= tolerance)
    }
  }

  @Test(arguments: floatLanes, lengths)
  func inverseMatchesTheDefinitionInFloat(lanes: Int, length: Int) {
    inverseMatchesTheDefinition(Float.self, length: length, rows: lanes + 3, lanes: lanes, tolerance: 1e-5)
  }

  @Test(arguments: lengths)
  func inverseMatchesTheDefinitionInDouble(length: Int) {
    inverseMatchesTheDefinition(Double.self, length: length, rows: 2, lanes: 8, tolerance: 1e-13)
  }

  @Test(arguments: floatLanes, lengths + [1 << 16])
  func roundTripAndParsevalInFloat(lanes: Int, length: Int) {
    let signals = Self.randomSignals(Float.self, shape: [5, length], seed: UInt64(length) + 7)
    let fft = RealFFT<Float>(length: length, lanes: lanes)
    let spectra = fft.forward(signals)
    #expect(relativeError(fft.inverse(spectra).scalars, reference: signals.scalars.map(Double.init)) <= 1e-6)
    // Parseval for the half spectrum: Σ x² = (|X_0|² + |X_{n/2}|² + 2·Σ_{0<k<n/2} |X_k|²)/n.
    let bins = length / 2 + 1
    for row in 0..<5 {
      let energy = signals.scalars[(row * length)..<((row + 1) * length)].reduce(0.0) { $0 + Double($1) * Double($1) }
      var spectral = 0.0
      for k in 0..<bins {
        let x = spectra.scalars[row * bins + k]
        let magnitude = Double(x.real) * Double(x.real) + Double(x.imaginary) * Double(x.imaginary)
        spectral += (k == 0 || k == bins - 1 ? 1 : 2) * magnitude
      }
      #expect(abs(spectral / Double(length) - energy) <= 1e-5 * energy)
    }
  }

  @Test func roundTripInDoubleAtTheLargestLengths() {
    for length in [1 << 20, 1 << 22] {
      let signals = Self.randomSignals(Double.self, shape: [length], seed: 3)
      let fft = RealFFT<Double>(length: length)
      #expect(relativeError(fft.inverse(fft.forward(signals)).scalars, reference: signals.scalars) <= 1e-12)
    }
  }

  /// Every row of a batch is transformed on its own, whatever the batch's rank and size
  /// (including sizes that leave a partial block of lanes, 16 or 8 for Float and 8 for Double;
  /// from n = 4096 on the spectra are streamed out in cache lines that straddle the rows, which
  /// start at any offset within a line).
  func batchMatchesRowByRowTransforms<T: FFTScalar>(
    _: T.Type, shape: [Int], lanes: Int, tolerance: Double, roundTripTolerance: Double
  ) {
    let length = shape.last!
    let signals = Self.randomSignals(T.self, shape: shape, seed: UInt64(shape.reduce(1, *)))
    let fft = RealFFT<T>(length: length, lanes: lanes)
    let spectra = fft.forward(signals)
    let bins = length / 2 + 1
    #expect(spectra.shape == Array(shape.dropLast()) + [bins])
    let rows = signals.scalarCount / length
    for row in 0..<rows {
      let x = signals.scalars[(row * length)..<((row + 1) * length)].map { Double($0) }
      let actual = spectra.scalars[(row * bins)..<((row + 1) * bins)].map {
        Complex(Double($0.real), Double($0.imaginary))
      }
      #expect(relativeError(actual, reference: NaiveFourier.halfSpectrum(x)) <= tolerance)
    }
    let back = fft.inverse(spectra)
    #expect(back.shape == shape)
    #expect(
      relativeError(back.scalars.map { Double($0) }, reference: signals.scalars.map { Double($0) })
        <= roundTripTolerance)
  }

  @Test(arguments: floatLanes, [[64], [1, 64], [17, 64], [3, 5, 64], [2, 33, 256], [40, 8], [17, 4096]])
  func batchesOfAnyShapeMatchRowByRowTransformsInFloat(lanes: Int, shape: [Int]) {
    batchMatchesRowByRowTransforms(
      Float.self, shape: shape, lanes: lanes, tolerance: 1e-5, roundTripTolerance: 1e-6)
  }

  /// The 16-lane forward split forms its output lines with AVX-512 permutes where the CPU has
  /// them, else through a stage: both match the definition and each other bit for bit, for
  /// full and partial blocks and every row offset within a line (rows of n/2 + 1 bins start
  /// 2·row floats apart modulo 16).
  @Test(arguments: [[17, 4096], [3, 16384]])
  func permutedAndStagedForwardSplitsAgree(shape: [Int]) {
    let length = shape.last!
    let signals = Self.randomSignals(Float.self, shape: shape, seed: 11)
    let permuted = RealFFT<Float>(length: length, lanes: 16, permutedLines: true).forward(signals)
    let staged = RealFFT<Float>(length: length, lanes: 16, permutedLines: false).forward(signals)
    let differingBins = zip(permuted.scalars, staged.scalars).count { $0 != $1 }
    #expect(differingBins == 0)
    let bins = length / 2 + 1
    for row in 0..<(signals.scalarCount / length) {
      let x = signals.scalars[(row * length)..<((row + 1) * length)].map { Double($0) }
      let actual = staged.scalars[(row * bins)..<((row + 1) * bins)].map {
        Complex(Double($0.real), Double($0.imaginary))
      }
      #expect(relativeError(actual, reference: NaiveFourier.halfSpectrum(x)) <= 1e-5)
    }
  }

  /// For each start offset `0..<offsets` (in elements): two buffers of `count` elements
  /// filled with `guardValue`, `write(first, second)` called on both at that offset past a
  /// line's worth of guards (`lead` elements), and the number of elements where they differ
  /// and whether `first` kept every guard outside `written` elements, reported with the
  /// offset; `inspect` sees the first buffer's output at each offset.
  func compareGuardedWrites<Element: Equatable>(
    count: Int, written: Int, lead: Int, offsets: Int, guardValue: Element,
    _ write: (UnsafeMutablePointer<Element>, UnsafeMutablePointer<Element>) -> Void,
    inspect: (_ offset: Int, _ output: UnsafeMutablePointer<Element>) -> Void = { _, _ in }
  ) {
    let buffer = UnsafeMutableRawPointer.allocate(
      byteCount: 2 * count * MemoryLayout<Element>.stride, alignment: 64)
    defer { buffer.deallocate() }
    let first = buffer.bindMemory(to: Element.self, capacity: 2 * count)
    let second = first + count
    for offset in 0..<offsets {
      first.initialize(repeating: guardValue, count: count)
      second.initialize(repeating: guardValue, count: count)
      write(first + lead + offset, second + lead + offset)
      let differing = (0..<count).count { first[$0] != second[$0] }
      #expect(differing == 0, "offset \(offset)")
      let outside = Array(0..<(lead + offset)) + Array((lead + offset + written)..<count)
      #expect(outside.allSatisfy { first[$0] == guardValue }, "offset \(offset)")
      inspect(offset, first + lead + offset)
    }
  }

  /// The 16-lane inverse streams each row out in whole cache lines, formed with AVX-512
  /// permutes where the CPU has them: for output rows that start at every float offset within
  /// a line, and a partial block, the samples equal those of ordinary stores bit for bit, match
  /// the definition, and the floats on either side of the output stay untouched.
  @Test func permutedAndPlainInverseRowsAgreeAtEveryOffset() {
    let (rows, length) = (17, 4096)
    let bins = length / 2 + 1
    let parts = Self.randomSignals(Float.self, shape: [rows, bins, 2], seed: 23).scalars
    let spectra = (0..<(rows * bins)).map { Complex(parts[2 * $0], parts[2 * $0 + 1]) }
    let permuted = RealFFT<Float>(length: length, lanes: 16, permutedLines: true).plan
    let plain = RealFFT<Float>(length: length, lanes: 16, permutedLines: false).plan
    compareGuardedWrites(count: rows * length + 64, written: rows * length, lead: 16, offsets: 16, guardValue: Float(-7.25)) {
      first, second in
      spectra.withUnsafeBufferPointer {
        permuted.inverse(rows: rows, spectra: $0.baseAddress!, signals: first)
        plain.inverse(rows: rows, spectra: $0.baseAddress!, signals: second)
      }
    } inspect: { offset, output in
      guard offset == 5 else { return }
      for row in [0, 16] {
        let actual = (0..<length).map { Double(output[row * length + $0]) }
        let expected = NaiveFourier.inverseHalfSpectrum(
          spectra[(row * bins)..<((row + 1) * bins)].map { Complex(Double($0.real), Double($0.imaginary)) },
          length: length)
        #expect(relativeError(actual, reference: expected) <= 1e-5)
      }
    }
  }

  /// The 16-lane forward split writes whole lines (in pairs) and masks the lines where a
  /// row's spectrum begins and ends: for spectra that start at every complex offset within a
  /// line, and a partial block, the bins equal those of the staged split bit for bit and the
  /// floats on either side of the output stay untouched.
  @Test func permutedForwardLeavesTheFloatsAroundTheSpectraAlone() {
    let (rows, length) = (17, 8192)
    let bins = length / 2 + 1
    let signals = Self.randomSignals(Float.self, shape: [rows, length], seed: 29).scalars
    let permuted = RealFFT<Float>(length: length, lanes: 16, permutedLines: true).plan
    let staged = RealFFT<Float>(length: length, lanes: 16, permutedLines: false).plan
    compareGuardedWrites(
      count: rows * bins + 32, written: rows * bins, lead: 8, offsets: 8, guardValue: Complex<Float>(-7.25, 3.5)
    ) { first, second in
      signals.withUnsafeBufferPointer {
        permuted.forward(rows: rows, signals: $0.baseAddress!, spectra: first)
        staged.forward(rows: rows, signals: $0.baseAddress!, spectra: second)
      }
    }
  }

  @Test(arguments: [[9, 64], [8, 4096], [3, 7, 4096]])
  func batchesOfAnyShapeMatchRowByRowTransformsInDouble(shape: [Int]) {
    batchMatchesRowByRowTransforms(
      Double.self, shape: shape, lanes: 8, tolerance: 1e-13, roundTripTolerance: 1e-13)
  }

  /// The lane count the process runs Float with follows S4_FFT_FLOAT_LANES when it is set.
  @Test func floatLanesFollowTheEnvironment() {
    let lanes = FFTKernels.lanes(Float.self)
    #expect(Self.floatLanes.contains(lanes))
    if let forced = ProcessInfo.processInfo.environment["S4_FFT_FLOAT_LANES"], let value = Int(forced) {
      #expect(lanes == value)
    }
    #expect(FFTKernels.lanes(Double.self) == 8)
  }

  /// S4_FFT_FLOAT_LANES takes 8 or 16; anything else keeps the CPU's choice and warns with
  /// the value at fault.
  @Test func invalidFloatLaneSettingsWarnAndKeepTheCPUChoice() {
    #expect(FFTKernels.floatLanes(forced: nil, cpuChoice: 16) == (16, nil))
    #expect(FFTKernels.floatLanes(forced: "8", cpuChoice: 16) == (8, nil))
    #expect(FFTKernels.floatLanes(forced: "16", cpuChoice: 8) == (16, nil))
    for value in ["12", "", "sixteen", " 8"] {
      let setting = FFTKernels.floatLanes(forced: value, cpuChoice: 8)
      #expect(setting.lanes == 8)
      #expect(setting.warning?.contains("\"\(value)\"") == true, "value \(value)")
    }
  }

  @Test func nonPowerOfTwoLengthTraps() async {
    await #expect(processExitsWith: .failure) { _ = RealFFT<Float>(length: 96) }
    await #expect(processExitsWith: .failure) { _ = RealFFT<Float>(length: 1) }
    await #expect(processExitsWith: .failure) { _ = RealFFT<Double>(length: 1 << 23) }
  }

  @Test func mismatchedLastAxisTraps() async {
    await #expect(processExitsWith: .failure) {
      _ = RealFFT<Float>(length: 16).forward(Tensor(zeros: [4, 32]))
    }
    await #expect(processExitsWith: .failure) {
      _ = RealFFT<Float>(length: 16).inverse(Tensor(zeros: [4, 16]))
    }
  }
}
