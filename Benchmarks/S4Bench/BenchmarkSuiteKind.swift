/// The benchmark suites, in the order `s4-bench` runs them by default.
enum BenchmarkSuiteKind: String, CaseIterable {
  case fft
  case gemm
  case kernel
  case blocks
  case generate
  case autodiff
  case ops
  case train

  /// One line saying what the suite measures.
  var title: String {
    switch self {
    case .fft: "Batched real FFT and the FFT convolution of an S4 layer"
    case .gemm: "OpenBLAS SGEMM throughput"
    case .kernel: "S4 and S4D convolution kernels (forward, backward) and recurrent steps"
    case .blocks: "One sequence block of each kind, forward and forward+backward"
    case .generate: "Autoregressive generation through the step interface"
    case .autodiff: "Tape overhead on an MLP (forward+backward), and the AdamW update"
    case .ops: "Differentiable ops on (B, L, H) activations against a copy at memory speed"
    case .train: "Training each block kind on sequential Fashion-MNIST (L = 784): step time and test accuracy"
    }
  }

  func run(_ context: inout BenchmarkContext) {
    switch self {
    case .fft: FFTSuite.run(&context)
    case .gemm: GEMMSuite.run(&context)
    case .kernel: KernelSuite.run(&context)
    case .blocks: BlocksSuite.run(&context)
    case .generate: GenerateSuite.run(&context)
    case .autodiff: AutodiffSuite.run(&context)
    case .ops: OpsSuite.run(&context)
    case .train: TrainSuite.run(&context)
    }
  }
}
