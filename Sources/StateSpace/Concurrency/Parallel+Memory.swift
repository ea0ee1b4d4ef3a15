import _FFTKernels

extension Parallel {
  /// Keeps freed memory with the process so that the next tensors reuse warm pages (glibc;
  /// elsewhere nothing happens). Call it once at the start of a training or benchmark program.
  ///
  /// A training step allocates and frees the same large tensors every step (activations,
  /// spectra, gradients of B·L·H scalars). By default glibc serves blocks above its mmap
  /// threshold with fresh pages and trims the heap top on `free`, so every step faults its
  /// pages in again and the kernel zero-fills them: 15–20 % of an S4 block's forward pass
  /// (B = 8, L = 1024, H = 256). This serves blocks up to 1 GiB from the heap and never trims
  /// it, so those pages stay mapped; the cost is that the resident size stays at the largest
  /// step's peak.
  ///
  /// It is opt-in because it changes the allocator of the whole process, not only this
  /// library's tensors. Calling it again does nothing.
  ///
  /// - Returns: Whether the allocator took the settings (`false` on a C library other than
  ///   glibc).
  @discardableResult
  public static func retainFreedMemory() -> Bool { freedMemoryRetained }

  private static let freedMemoryRetained: Bool = s4_retain_freed_memory() == 1
}
