import RealModule

/// A seeded, reproducible pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// The library never uses a global generator: every random initialisation and every dropout
/// mask takes one of these, so two runs with the same seed produce identical numbers on every
/// platform. It is a value type; copying it forks the stream.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
  private var state: (UInt64, UInt64, UInt64, UInt64)

  /// Creates a generator whose whole stream is determined by `seed`.
  public init(seed: UInt64) {
    var splitMix = seed
    func nextSplitMix() -> UInt64 {
      splitMix &+= 0x9E37_79B9_7F4A_7C15
      var z = splitMix
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    state = (nextSplitMix(), nextSplitMix(), nextSplitMix(), nextSplitMix())
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    let result = rotateLeft(state.1 &* 5, by: 7) &* 9
    let t = state.1 << 17
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= t
    state.3 = rotateLeft(state.3, by: 45)
    return result
  }

  /// A generator for an independent stream derived from this one's next output and `stream`,
  /// for handing separate seeds to sub-components without sharing state.
  public mutating func split(stream: UInt64 = 0) -> SeededGenerator {
    SeededGenerator(seed: next() ^ (stream &* 0xD1B5_4A32_D192_ED03))
  }

  /// A uniformly distributed double in [0, 1) with 53 random bits.
  public mutating func nextUnitDouble() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A standard normal sample (Box–Muller transform of two uniform samples).
  public mutating func nextStandardNormal() -> Double {
    // 1 − u lies in (0, 1], so the logarithm is finite.
    let u = 1 - nextUnitDouble()
    let v = nextUnitDouble()
    return (-2 * Double.log(u)).squareRoot() * Double.cos(2 * Double.pi * v)
  }

  public static func == (lhs: SeededGenerator, rhs: SeededGenerator) -> Bool {
    lhs.state == rhs.state
  }

  private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
  }
}
