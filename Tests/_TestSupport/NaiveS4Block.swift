import Numerics

/// The S4 block around its kernel computed directly in Float64, for checking the block's
/// wiring: v = K ∗ u + D∘u by direct O(L·Lk) sums (causal, or bidirectional with the second
/// kernel over the future), z = GELU(v) (exact, through erf), y = GLU(z·W + b) with
/// GLU(a, g) = a·σ(g) over the two halves of the last axis. No dropout.
///
/// All arrays are row-major: u (B, L, H), K (c, H, Lk) with c = 1 causal or 2 bidirectional,
/// D (H), W (H, 2H), b (2H); the result is (B, L, H).
public enum NaiveS4Block {
  /// The block's output.
  ///
  /// - Parameters:
  ///   - input: u, (B, L, H).
  ///   - kernel: K, (c, H, Lk).
  ///   - kernelCount: c, 1 or 2.
  ///   - skip: D, (H).
  ///   - weight: W, (H, 2H).
  ///   - bias: b, (2H).
  ///   - batch: B.
  ///   - length: L.
  ///   - width: H.
  ///   - kernelLength: Lk.
  public static func forward<T: BinaryFloatingPoint>(
    input: [T], kernel: [T], kernelCount: Int, skip: [T], weight: [T], bias: [T],
    batch: Int, length: Int, width: Int, kernelLength: Int
  ) -> [Double] {
    let convolved =
      kernelCount == 1
      ? NaiveFourier.causalConvolution(
        input: input, kernel: kernel, batch: batch, length: length, channels: width,
        kernelLength: kernelLength)
      : NaiveFourier.bidirectionalConvolution(
        input: input, kernel: kernel, batch: batch, length: length, channels: width,
        kernelLength: kernelLength)
    var output = [Double](repeating: 0, count: batch * length * width)
    for row in 0..<(batch * length) {
      let z = (0..<width).map { h -> Double in
        let v = convolved[row * width + h] + Double(skip[h]) * Double(input[row * width + h])
        return v * (1 + Double.erf(v / 2.0.squareRoot())) / 2
      }
      for j in 0..<width {
        var (a, g) = (Double(bias[j]), Double(bias[width + j]))
        for i in 0..<width {
          a += z[i] * Double(weight[i * 2 * width + j])
          g += z[i] * Double(weight[i * 2 * width + width + j])
        }
        output[row * width + j] = a / (1 + Double.exp(-g))
      }
    }
    return output
  }
}
