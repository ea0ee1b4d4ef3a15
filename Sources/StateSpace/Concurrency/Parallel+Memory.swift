import _FFTKernels

#if canImport(Glibc)
  import Glibc
#endif

extension Parallel {
  /// Keeps freed memory with the process for the next tensor (glibc), unless
  /// `S4_RETAIN_FREED_MEMORY=0`. Called once, by the initialiser of ``workerCount``.
  ///
  /// A training step allocates and frees the same large tensors every step (activations,
  /// spectra, gradients of B·L·H scalars). By default glibc serves blocks above its mmap
  /// threshold with fresh pages and trims the heap top on `free`, so every step faults its
  /// pages in again and the kernel zero-fills them. Serving blocks up to 1 GiB from the heap and
  /// never trimming it keeps those pages mapped and warm; the cost is that the resident size
  /// stays at the largest step's peak.
  static func retainFreedMemoryUnlessDisabled() {
    if let text = getenv("S4_RETAIN_FREED_MEMORY"), String(cString: text) == "0" { return }
    _ = s4_retain_freed_memory()
  }
}
