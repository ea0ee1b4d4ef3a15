import StateSpace

/// SGEMM through the library's `matmul`, against the machine's peak.
enum GEMMSuite {
  static func run(_ context: inout BenchmarkContext) {
    var generator = SeededGenerator(seed: 1)
    let shapes = [(m: 1024, k: 1024, n: 1024), (m: 8192, k: 256, n: 512)]
    for (m, k, n) in shapes {
      let a = Tensor<Float>.randomNormal(shape: [m, k], using: &generator)
      let b = Tensor<Float>.randomNormal(shape: [k, n], using: &generator)
      var sink: Float = 0
      context.measure(
        "gemm", params: [("m", .int(m)), ("k", .int(k)), ("n", .int(n))],
        throughput: { seconds in [("gflops", 2 * Double(m * k * n) / seconds / 1e9)] }
      ) {
        sink += a.matmul(b).scalars[0]
      }
      precondition(sink.isFinite, "gemm produced a non-finite value")
    }
    context.notes.append(
      "Peak for reference on this machine class: OpenBLAS's Haswell kernel reaches about 230 GFLOP/s, its AVX-512 kernel about 440 (2 cores)."
    )
  }
}
