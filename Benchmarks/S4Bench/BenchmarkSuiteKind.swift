/// The benchmark suites, in the order `s4-bench` runs them by default.
enum BenchmarkSuiteKind: String, CaseIterable {
  case gemm
  case kernel

  /// One line saying what the suite measures.
  var title: String {
    switch self {
    case .gemm: "OpenBLAS SGEMM throughput"
    case .kernel: "S4 and S4D convolution kernels (forward, backward) and recurrent steps"
    }
  }

  func run(_ context: inout BenchmarkContext) {
    switch self {
    case .gemm: GEMMSuite.run(&context)
    case .kernel: KernelSuite.run(&context)
    }
  }
}
