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
