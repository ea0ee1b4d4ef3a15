import Numerics
@testable import StateSpace
import Testing
import _TestSupport

/// The FFT convolution against direct sums, and its backward pass against central
/// differences and direct adjoint sums. Float runs at every lane width the C loops exist for
/// (blocks of 16 and of 8 channels), whichever the running CPU would choose.
@Suite struct ConvolutionTests {
  static let floatLanes = FFTKernels.supportedLanes(Float.self)

  struct Case: CustomTestStringConvertible, Sendable {
    let batch: Int, length: Int, channels: Int, kernelLength: Int
    let direction: FFTConvolution<Float>.Direction
    var testDescription: String { "B\(batch) L\(length) H\(channels) Lk\(kernelLength) \(direction)" }
    var kernelShape: [Int] {
      direction == .causal ? [channels, kernelLength] : [2, channels, kernelLength]
    }
  }

  static let cases: [Case] = [
    Case(batch: 3, length: 50, channels: 5, kernelLength: 50, direction: .causal),
    Case(batch: 2, length: 64, channels: 17, kernelLength: 9, direction: .causal),
    Case(batch: 1, length: 20, channels: 3, kernelLength: 70, direction: .causal),
    Case(batch: 5, length: 1, channels: 33, kernelLength: 1, direction: .causal),
    Case(batch: 3, length: 50, channels: 5, kernelLength: 50, direction: .bidirectional),
    Case(batch: 2, length: 64, channels: 17, kernelLength: 9, direction: .bidirectional),
    Case(batch: 1, length: 20, channels: 3, kernelLength: 70, direction: .bidirectional),
    Case(batch: 4, length: 100, channels: 32, kernelLength: 3000, direction: .bidirectional),
  ]

  static func direct<T: BinaryFloatingPoint>(_ c: Case, input: [T], kernel: [T]) -> [Double] {
    c.direction == .causal
      ? NaiveFourier.causalConvolution(
        input: input, kernel: kernel, batch: c.batch, length: c.length, channels: c.channels,
        kernelLength: c.kernelLength)
      : NaiveFourier.bidirectionalConvolution(
        input: input, kernel: kernel, batch: c.batch, length: c.length, channels: c.channels,
        kernelLength: c.kernelLength)
  }

  static func direction<T: FFTScalar>(_ c: Case, as _: T.Type) -> FFTConvolution<T>.Direction {
    c.direction == .causal ? .causal : .bidirectional
  }

  /// The convolution of case `c` with blocks of `lanes` channels.
  static func convolution<T: FFTScalar>(_ c: Case, as _: T.Type, lanes: Int) -> FFTConvolution<T> {
    FFTConvolution<T>(
      length: c.length, kernelLength: c.kernelLength, direction: direction(c, as: T.self), lanes: lanes)
  }

  func matchesTheDirectSum<T: FFTScalar>(_ c: Case, as _: T.Type, lanes: Int, tolerance: Double) {
    var generator = SeededGenerator(seed: UInt64(c.length * 31 + c.kernelLength))
    let input = Tensor<T>.randomNormal(shape: [c.batch, c.length, c.channels], using: &generator)
    let kernel = Tensor<T>.randomNormal(shape: c.kernelShape, using: &generator)
    let convolution = Self.convolution(c, as: T.self, lanes: lanes)
    let output = convolution(input, kernel: kernel)
    #expect(output.shape == input.shape)
    #expect(relativeError(output.scalars, reference: Self.direct(c, input: input.scalars, kernel: kernel.scalars)) <= tolerance)
  }

  @Test(arguments: cases, floatLanes)
  func matchesTheDirectSumInFloat(_ c: Case, lanes: Int) {
    matchesTheDirectSum(c, as: Float.self, lanes: lanes, tolerance: 1e-5)
  }

  @Test(arguments: cases)
  func matchesTheDirectSumInDouble(_ c: Case) {
    matchesTheDirectSum(c, as: Double.self, lanes: 8, tolerance: 1e-12)
  }

  /// ℓ = Σ g·y is linear in u and in k, so central differences are exact up to rounding.
  @Test(arguments: cases.filter { $0.batch * $0.length * $0.channels <= 2000 && $0.kernelLength <= 100 })
  func backwardMatchesCentralDifferences(_ c: Case) {
    var generator = SeededGenerator(seed: 99)
    let input = Tensor<Double>.randomNormal(shape: [c.batch, c.length, c.channels], using: &generator)
    let kernel = Tensor<Double>.randomNormal(shape: c.kernelShape, using: &generator)
    let outputGradient = Tensor<Double>.randomNormal(shape: input.shape, using: &generator)
    let convolution = FFTConvolution<Double>(
      length: c.length, kernelLength: c.kernelLength, direction: Self.direction(c, as: Double.self))
    func loss(_ u: Tensor<Double>, _ k: Tensor<Double>) -> Double {
      zip(convolution(u, kernel: k).scalars, outputGradient.scalars).reduce(0) { $0 + $1.0 * $1.1 }
    }
    let gradients = convolution.backward(outputGradient: outputGradient, input: input, kernel: kernel)
    #expect(gradients.input.shape == input.shape)
    #expect(gradients.kernel.shape == kernel.shape)
    let step = 1e-3
    // Every kernel entry, and a spread of input entries.
    var kernelDifferences = [Double]()
    for index in 0..<kernel.scalarCount {
      var (plus, minus) = (kernel, kernel)
      plus.scalars[index] += step
      minus.scalars[index] -= step
      kernelDifferences.append((loss(input, plus) - loss(input, minus)) / (2 * step))
    }
    #expect(relativeError(gradients.kernel.scalars, reference: kernelDifferences) <= 1e-8)
    let inputIndices = Array(stride(from: 0, to: input.scalarCount, by: max(1, input.scalarCount / 97)))
    let inputDifferences = inputIndices.map { index -> Double in
      var (plus, minus) = (input, input)
      plus.scalars[index] += step
      minus.scalars[index] -= step
      return (loss(plus, kernel) - loss(minus, kernel)) / (2 * step)
    }
    #expect(relativeError(inputIndices.map { gradients.input.scalars[$0] }, reference: inputDifferences) <= 1e-8)
  }

  /// The adjoint sums written out: ∂ℓ/∂u[b,s,h] = Σ_t g[b,t,h]·(∂y[b,t,h]/∂u[b,s,h]) and
  /// ∂ℓ/∂k[h,s] = Σ_{b,t} g[b,t,h]·u[b,t∓…,h], computed directly in Float64.
  /// Both ways to the gradients: recomputing the spectra, and from the spectra that
  /// ``FFTConvolution/forward(_:kernel:)`` saved.
  func backwardMatchesDirectAdjointSums<T: FFTScalar>(_ c: Case, as _: T.Type, lanes: Int, tolerance: Double) {
    var generator = SeededGenerator(seed: 7)
    let input = Tensor<T>.randomNormal(shape: [c.batch, c.length, c.channels], using: &generator)
    let kernel = Tensor<T>.randomNormal(shape: c.kernelShape, using: &generator)
    let g = Tensor<T>.randomNormal(shape: input.shape, using: &generator)
    let convolution = Self.convolution(c, as: T.self, lanes: lanes)
    let recomputed = convolution.backward(outputGradient: g, input: input, kernel: kernel)
    let fromSaved = convolution.backward(outputGradient: g, saved: convolution.forward(input, kernel: kernel).saved)
    let (bs, ls, hs, lk) = (c.batch, c.length, c.channels, c.kernelLength)
    func at(_ x: Tensor<T>, _ b: Int, _ t: Int, _ h: Int) -> Double {
      t >= 0 && t < ls ? Double(x.scalars[(b * ls + t) * hs + h]) : 0
    }
    var inputGradient = [Double](repeating: 0, count: input.scalarCount)
    var kernelGradient = [Double](repeating: 0, count: kernel.scalarCount)
    for b in 0..<bs {
      for h in 0..<hs {
        for s in 0..<lk {
          let k0 = Double(kernel.scalars[h * lk + s])
          let k1 = c.direction == .causal ? 0 : Double(kernel.scalars[(hs + h) * lk + s])
          for t in 0..<ls {
            // y[t] gets k0[s]·u[t−s] and k1[s]·u[t+1+s].
            if t - s >= 0 {
              inputGradient[(b * ls + t - s) * hs + h] += k0 * at(g, b, t, h)
              kernelGradient[h * lk + s] += at(g, b, t, h) * at(input, b, t - s, h)
            }
            if c.direction == .bidirectional && t + 1 + s < ls {
              inputGradient[(b * ls + t + 1 + s) * hs + h] += k1 * at(g, b, t, h)
              kernelGradient[(hs + h) * lk + s] += at(g, b, t, h) * at(input, b, t + 1 + s, h)
            }
          }
        }
      }
    }
    for gradients in [recomputed, fromSaved] {
      #expect(relativeError(gradients.input.scalars, reference: inputGradient) <= tolerance)
      #expect(relativeError(gradients.kernel.scalars, reference: kernelGradient) <= tolerance)
    }
  }

  @Test(arguments: cases, floatLanes)
  func backwardMatchesDirectAdjointSumsInFloat(_ c: Case, lanes: Int) {
    backwardMatchesDirectAdjointSums(c, as: Float.self, lanes: lanes, tolerance: 1e-5)
  }

  @Test(arguments: cases)
  func backwardMatchesDirectAdjointSumsInDouble(_ c: Case) {
    backwardMatchesDirectAdjointSums(c, as: Double.self, lanes: 8, tolerance: 1e-12)
  }

  @Test func fftLengthLeavesNoWrapAround() {
    #expect(FFTConvolution<Float>(length: 4096, kernelLength: 4096, direction: .causal).fftLength == 8192)
    #expect(FFTConvolution<Float>(length: 4096, kernelLength: 4097, direction: .causal).fftLength == 8192)
    #expect(FFTConvolution<Float>(length: 4096, kernelLength: 4097, direction: .bidirectional).fftLength == 16384)
    #expect(FFTConvolution<Float>(length: 1, kernelLength: 1, direction: .causal).fftLength == 2)
  }

  @Test func mismatchedShapesTrap() async {
    await #expect(processExitsWith: .failure) {
      let convolution = FFTConvolution<Float>(length: 8, kernelLength: 4, direction: .causal)
      _ = convolution(Tensor(zeros: [2, 8, 3]), kernel: Tensor(zeros: [4, 4]))
    }
    await #expect(processExitsWith: .failure) {
      let convolution = FFTConvolution<Float>(length: 8, kernelLength: 4, direction: .bidirectional)
      _ = convolution(Tensor(zeros: [2, 8, 3]), kernel: Tensor(zeros: [3, 4]))
    }
    await #expect(processExitsWith: .failure) {
      let convolution = FFTConvolution<Float>(length: 8, kernelLength: 4, direction: .causal)
      _ = convolution(Tensor(zeros: [2, 9, 3]), kernel: Tensor(zeros: [3, 4]))
    }
    await #expect(processExitsWith: .failure) {
      let convolution = FFTConvolution<Float>(length: 8, kernelLength: 4, direction: .causal)
      _ = convolution.backward(
        outputGradient: Tensor(zeros: [2, 8, 4]), input: Tensor(zeros: [2, 8, 3]), kernel: Tensor(zeros: [3, 4]))
    }
    await #expect(processExitsWith: .failure) {
      _ = FFTConvolution<Float>(length: 0, kernelLength: 4, direction: .causal)
    }
    await #expect(processExitsWith: .failure) {
      // Spectra in blocks of 16 channels given to a convolution that works in blocks of 8.
      let (input, kernel) = (Tensor<Float>(zeros: [2, 8, 3]), Tensor<Float>(zeros: [3, 4]))
      let saved = FFTConvolution<Float>(length: 8, kernelLength: 4, direction: .causal, lanes: 16)
        .forward(input, kernel: kernel).saved
      _ = FFTConvolution<Float>(length: 8, kernelLength: 4, direction: .causal, lanes: 8)
        .backward(outputGradient: input, saved: saved)
    }
  }
}
