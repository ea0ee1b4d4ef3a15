// swift-tools-version: 6.1
//
// swift-s4: structured state space sequence models (S4, S4D) on the CPU, with a hand-written
// autodiff, attention and RNN baselines, and a benchmark executable.
import PackageDescription

let package = Package(
  name: "swift-s4",
  products: [
    // MARK: - Libraries users depend on
    /// The numerical core: tensors, BLAS/LAPACK, the real FFT, HiPPO/DPLR, S4 and S4D kernels.
    .library(name: "StateSpace", targets: ["StateSpace"]),
    /// Reverse-mode autodiff on a tape, losses, optimizers, schedules, checkpoints.
    .library(name: "Training", targets: ["Training"]),
    /// Sequence blocks (S4, S4D, attention, LSTM, GRU), residual stacks and generation.
    .library(name: "SequenceModels", targets: ["SequenceModels"]),

    // MARK: - Tools
    /// The benchmark runner (`make bench`).
    .executable(name: "s4-bench", targets: ["S4Bench"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1")
  ],
  targets: [
    // MARK: - System libraries
    /// OpenBLAS (CBLAS) and LAPACKE, with LAPACKE's complex types imported as plain structs.
    .systemLibrary(
      name: "CLinearAlgebra",
      path: "Sources/CLinearAlgebra",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
    ),

    // MARK: - C kernels (implementation details, not products)
    /// The innermost loops (FFT passes, convolution products, the elementwise activations of
    /// Training and the passes around the S4 convolution, the recurrent steps), compiled for AVX-512, AVX2 and baseline x86-64 in one build and chosen
    /// at load time (`target_clones`), so default builds run the fast code; the glibc
    /// allocator setting behind `Parallel.retainFreedMemory()`; and the spin-then-sleep wait
    /// (pause hint, futex) of `Parallel`'s worker threads.
    .target(name: "_FFTKernels", path: "Sources/_FFTKernels"),

    // MARK: - Public modules (dependencies point down only)
    .target(
      name: "StateSpace",
      dependencies: [
        "CLinearAlgebra",
        "_FFTKernels",
        .product(name: "RealModule", package: "swift-numerics"),
        .product(name: "ComplexModule", package: "swift-numerics"),
      ]
    ),
    .target(
      name: "Training",
      dependencies: ["StateSpace", "_FFTKernels"]
    ),
    .target(
      name: "SequenceModels",
      dependencies: ["StateSpace", "Training"]
    ),

    // MARK: - Benchmarks
    .executableTarget(
      name: "S4Bench",
      dependencies: ["StateSpace", "Training", "SequenceModels"],
      path: "Benchmarks/S4Bench"
    ),

    // MARK: - Tests
    /// Independent reference computations shared by the test targets (naive DFT, finite
    /// differences, error metrics). Never linked into the libraries.
    .target(
      name: "_TestSupport",
      dependencies: ["StateSpace", .product(name: "Numerics", package: "swift-numerics")],
      path: "Tests/_TestSupport"
    ),
    .testTarget(
      name: "StateSpaceTests",
      dependencies: ["StateSpace", "_TestSupport", .product(name: "Numerics", package: "swift-numerics")]
    ),
    .testTarget(
      name: "TrainingTests",
      dependencies: ["Training", "StateSpace", "_TestSupport", .product(name: "Numerics", package: "swift-numerics")]
    ),
    .testTarget(
      name: "SequenceModelsTests",
      dependencies: ["SequenceModels", "Training", "StateSpace", "_TestSupport", .product(name: "Numerics", package: "swift-numerics")]
    ),
  ],
  swiftLanguageModes: [.v6]
)
