import RealModule

/// The N-th roots of unity W_N^j = e^{−2πi·j/N}, j < N, as interleaved (real, imaginary)
/// pairs: the twiddle table of every transform of span s dividing N (W_s^j = W_N^{j·N/s}).
struct FFTRoots<Scalar: FFTScalar>: Sendable {
  /// N.
  let count: Int
  /// 2N scalars.
  let values: [Scalar]

  init(count: Int) {
    self.count = count
    // Each root from the first octant by symmetry, so that W^{N/4} = −i and the other
    // quarter-turn values are exact and conjugate pairs agree to the last bit.
    var values = [Scalar](repeating: 0, count: 2 * count)
    for j in 0..<count {
      let (c, s) = FFTRoots.cosineSine(j, count)
      values[2 * j] = Scalar(c)
      values[2 * j + 1] = Scalar(-s)
    }
    self.values = values
  }

  /// (cos, sin) of 2π·j/n, reduced to an angle in [0, π/4].
  private static func cosineSine(_ j: Int, _ n: Int) -> (Double, Double) {
    // Work in units of n/8 so that the octant reflections are exact integer operations.
    let eighth = 8 * j
    let octant = eighth / n
    let remainder = eighth % n  // angle within the octant = 2π·remainder/(8n)
    func angle(_ numerator: Int) -> Double { 2 * Double.pi * Double(numerator) / Double(8 * n) }
    let (c, s): (Double, Double)
    if octant % 2 == 0 {
      (c, s) = (Double.cos(angle(remainder)), Double.sin(angle(remainder)))
    } else {
      // Reflect about the octant's upper edge: θ = (octant + 1)·π/4 − φ.
      let phi = angle(n - remainder)
      (c, s) = (Double.cos(phi), Double.sin(phi))
    }
    // (c, s) is (cos, sin) of the reduced angle ψ ∈ [0, π/4]; rotate back to θ.
    switch octant {
    case 0: return (c, s)
    case 1: return (s, c)
    case 2: return (-s, c)
    case 3: return (-c, s)
    case 4: return (-c, -s)
    case 5: return (-s, -c)
    case 6: return (s, -c)
    default: return (c, -s)
    }
  }
}
