/// Memory for one worker's scratch, aligned to a cache line so that no 64-byte vector load
/// straddles two lines. Allocated once per parallel chunk, never inside the loops.
struct ScratchBuffer<Scalar>: ~Copyable {
  let pointer: UnsafeMutablePointer<Scalar>
  let count: Int

  init(count: Int) {
    self.count = count
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: max(1, count) * MemoryLayout<Scalar>.stride, alignment: 64)
    pointer = raw.bindMemory(to: Scalar.self, capacity: count)
  }

  deinit {
    UnsafeMutableRawPointer(pointer).deallocate()
  }
}

/// Cache-line-aligned scalars shared by reference: twiddle tables and saved spectra. They are
/// written once, while the value is created (before it is shared), and only read afterwards,
/// which makes the sharing across threads safe.
final class SharedScalars<Scalar>: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<Scalar>
  let count: Int

  /// `count` uninitialised scalars that `initializer` must fill.
  init(count: Int, _ initializer: (UnsafeMutablePointer<Scalar>) -> Void) {
    self.count = count
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: max(1, count) * MemoryLayout<Scalar>.stride, alignment: 64)
    pointer = raw.bindMemory(to: Scalar.self, capacity: count)
    initializer(pointer)
  }

  deinit {
    UnsafeMutableRawPointer(pointer).deallocate()
  }
}
