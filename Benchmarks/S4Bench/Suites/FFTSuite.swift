import StateSpace

/// The batched real FFT (forward, inverse) and the FFT convolution of an S4 layer (forward,
/// forward+backward), against the peer figures of issue 2.
enum FFTSuite {
  /// Forward real FFT on (256, 8192) Float32 on this 2-core machine (issue 2), samples/s.
  static let peers: [(name: String, samplesPerSecond: Double)] = [
    ("PyTorch torch.fft.rfft", 2.3e9), ("FFTW, 2 threads", 1.7e9), ("numpy", 0.23e9),
  ]

  static func run(_ context: inout BenchmarkContext) {
    let length = 8192
    let batches = context.quick ? [256] : [256, 2048]
    var generator = SeededGenerator(seed: 1)
    var sink: Float = 0
    var forward256: Double?
    for batch in batches {
      let fft = RealFFT<Float>(length: length)
      let signals = Tensor<Float>.randomNormal(shape: [batch, length], using: &generator)
      let spectra = fft.forward(signals)
      let params: [(String, ParameterValue)] = [("batch", .int(batch)), ("length", .int(length))]
      let throughput = transformThroughput(batch: batch, length: length)
      let forward = context.measure("fft.forward", params: params, throughput: throughput) {
        sink += fft.forward(signals).scalars[1].real
      }
      if batch == 256, let forward { forward256 = forward.median }
      context.measure("fft.inverse", params: params, throughput: throughput) {
        sink += fft.inverse(spectra).scalars[1]
      }
    }
    measureConvolution(&context, sink: &sink, generator: &generator)
    precondition(sink.isFinite, "fft suite: non-finite result")
    if let forward256 {
      let samplesPerSecond = Double(256 * length) / forward256
      let ratios = peers.map { peer in
        "\(peer.name) \(String(format: "%.2f", samplesPerSecond / peer.samplesPerSecond))×"
      }
      context.notes.append(
        "fft.forward (256, 8192) against peers on this machine (issue 2): " + ratios.joined(separator: ", ")
          + "; target 2.5 G samples/s.")
    }
  }

  /// Samples per second and GFLOP/s at 5·n·log2(n)/2 flops per real transform of n samples.
  static func transformThroughput(batch: Int, length: Int) -> (Double) -> [(String, Double)] {
    let samples = Double(batch * length)
    let flops = Double(batch) * 5 * Double(length) * Double(length.trailingZeroBitCount) / 2
    return { seconds in [("samples_per_second", samples / seconds), ("gflops", flops / seconds / 1e9)] }
  }

  /// The causal convolution of an S4 layer (B = 8, L = 4096, H = 256, Lk = 4096): forward, and
  /// forward followed by the backward pass.
  static func measureConvolution(
    _ context: inout BenchmarkContext, sink: inout Float, generator: inout SeededGenerator
  ) {
    let (batch, length, channels) = context.quick ? (2, 4096, 256) : (8, 4096, 256)
    let convolution = FFTConvolution<Float>(length: length, kernelLength: length, direction: .causal)
    let input = Tensor<Float>.randomNormal(shape: [batch, length, channels], using: &generator)
    let kernel = Tensor<Float>.randomNormal(shape: [channels, length], using: &generator)
    let outputGradient = Tensor<Float>.randomNormal(shape: [batch, length, channels], using: &generator)
    let params: [(String, ParameterValue)] = [
      ("batch", .int(batch)), ("length", .int(length)), ("channels", .int(channels)),
      ("kernel_length", .int(length)),
    ]
    // Real transforms of the FFT length per call: B·H inputs, H kernels and B·H outputs
    // forward; the backward adds B·H gradients in, B·H input gradients and H kernel
    // gradients out (the input spectra are recomputed).
    let n = convolution.fftLength
    let perTransform = 5 * Double(n) * Double(n.trailingZeroBitCount) / 2
    let forwardTransforms = Double(2 * batch * channels + channels)
    let backwardTransforms = forwardTransforms + Double(3 * batch * channels + 2 * channels)
    let samples = Double(batch * length * channels)
    context.measure(
      "fft.convolution.forward", params: params, measureMemory: true,
      throughput: { seconds in
        [("samples_per_second", samples / seconds), ("gflops", forwardTransforms * perTransform / seconds / 1e9)]
      }
    ) {
      sink += convolution(input, kernel: kernel).scalars[1]
    }
    context.measure(
      "fft.convolution.forward_backward", params: params, measureMemory: true,
      throughput: { seconds in
        [("samples_per_second", samples / seconds), ("gflops", backwardTransforms * perTransform / seconds / 1e9)]
      }
    ) {
      let output = convolution(input, kernel: kernel)
      let gradients = convolution.backward(outputGradient: outputGradient, input: input, kernel: kernel)
      sink += output.scalars[1] + gradients.input.scalars[1] + gradients.kernel.scalars[1]
    }
  }
}
