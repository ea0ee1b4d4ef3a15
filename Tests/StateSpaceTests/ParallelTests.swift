@testable import StateSpace
import Synchronization
import Testing

/// The parallel loops' contract and the allocator opt-in.
@Suite("Parallel")
struct ParallelTests {
  @Test("forEachChunk covers every index exactly once, in disjoint ranges", arguments: [0, 1, 7, 1000])
  func chunksCoverTheRange(count: Int) {
    var hits = [Int](repeating: 0, count: count)
    hits.withUnsafeMutableBufferPointer { hits in
      let hits = hits
      Parallel.forEachChunk(of: count, minimumChunk: 3) { range in
        for index in range { hits[index] += 1 }
      }
    }
    #expect(hits.allSatisfy { $0 == 1 })
  }

  @Test(
    "forEachClaimed hands every index to exactly one worker, each worker in increasing order",
    arguments: [(0, 1), (1, 1), (16, 1), (1000, 3), (1000, 64)])
  func claimsCoverTheRange(count: Int, grain: Int) {
    var hits = [Int](repeating: 0, count: count)
    var ordered = [Bool](repeating: true, count: Parallel.workerCount)
    hits.withUnsafeMutableBufferPointer { hits in
      ordered.withUnsafeMutableBufferPointer { ordered in
        let (hits, ordered) = (hits, ordered)
        let workers = Atomic<Int>(0)
        Parallel.forEachClaimed(of: count, grain: grain) { indices in
          let worker = workers.wrappingAdd(1, ordering: .relaxed).oldValue
          var previous = -1
          for index in indices {
            hits[index] += 1
            if index <= previous { ordered[worker] = false }
            previous = index
          }
        }
      }
    }
    #expect(hits.allSatisfy { $0 == 1 })
    #expect(ordered.allSatisfy { $0 })
  }

  #if canImport(Glibc)
    @Test("glibc takes the retain-freed-memory settings, and a second call keeps them")
    func retainFreedMemoryTakesEffect() {
      #expect(Parallel.retainFreedMemory())
      #expect(Parallel.retainFreedMemory())
      // Memory still works afterwards: a large block is allocated, written and freed.
      let block = [Float](repeating: 1, count: 1 << 24)
      #expect(block.reduce(0, +) == Float(1 << 24))
    }
  #endif
}
