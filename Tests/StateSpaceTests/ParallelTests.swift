import Dispatch
@testable import StateSpace
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The parallel loops' contract and the allocator opt-in.
@Suite("Parallel")
struct ParallelTests {
  @Test("S4_NUM_THREADS takes a positive integer; anything else keeps the processor count and warns with the value")
  func workerCountSetting() {
    #expect(Parallel.workerCount(setting: nil, processors: 2) == (2, nil))
    #expect(Parallel.workerCount(setting: "1", processors: 2) == (1, nil))
    #expect(Parallel.workerCount(setting: "6", processors: 2) == (6, nil))
    for value in ["0", "-3", "two", ""] {
      let setting = Parallel.workerCount(setting: value, processors: 2)
      #expect(setting.count == 2)
      #expect(setting.warning?.contains("\"\(value)\"") == true, "value \(value)")
    }
  }

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

  @Test("Back-to-back loops, loops after the workers fell asleep and loops from several threads at once each run every chunk once")
  func poolRunsEveryChunkOnce() {
    // One loop per pattern: loops in quick succession (spinning workers), after a pause longer
    // than the workers' spin (sleeping workers, woken through the futex), and from four
    // threads at once (all but one fall back to Dispatch while the pool is busy).
    @Sendable func loop(count: Int) -> Bool {
      var hits = [Int](repeating: 0, count: count)
      hits.withUnsafeMutableBufferPointer { hits in
        let hits = hits
        Parallel.forEachChunk(of: count) { range in
          for index in range { hits[index] += 1 }
        }
      }
      return hits.allSatisfy { $0 == 1 }
    }
    var results: [Bool] = []
    for round in 0..<200 { results.append(loop(count: 1 + round % 9)) }
    for _ in 0..<5 {
      usleep(UInt32(3 * WorkerPool.spinNanoseconds / 1000))
      results.append(loop(count: 64))
    }
    let concurrent = Mutex<[Bool]>([])
    DispatchQueue.concurrentPerform(iterations: 4) { _ in
      for round in 0..<100 {
        let ok = loop(count: 2 + round % 5)
        concurrent.withLock { $0.append(ok) }
      }
    }
    #expect(results.allSatisfy { $0 })
    #expect(concurrent.withLock { $0.count == 400 && $0.allSatisfy { $0 } })
  }

  @Test("A loop inside a chunk runs serially on that chunk's thread")
  func nestedLoopsRunSerially() {
    let outer = Parallel.workerCount
    let mismatches = Atomic<Int>(0)
    Parallel.forEachChunk(of: outer) { _ in
      let thread = pthread_self()
      Parallel.forEachChunk(of: 16) { _ in
        if pthread_equal(pthread_self(), thread) == 0 { mismatches.add(1, ordering: .relaxed) }
      }
    }
    #expect(mismatches.load(ordering: .relaxed) == 0)
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
