/// The benchmark suites, in the order `s4-bench` runs them by default.
enum BenchmarkSuiteKind: String, CaseIterable {
  case gemm

  /// One line saying what the suite measures.
  var title: String {
    switch self {
    case .gemm: "OpenBLAS SGEMM throughput"
    }
  }

  func run(_ context: inout BenchmarkContext) {
    switch self {
    case .gemm: GEMMSuite.run(&context)
    }
  }
}
