import ComplexModule
import RealModule

/// The conversion between S4's output row C and the truncated-generating-function row
/// C̃ = (I − Ā^L)ᵀ·C (paper Lemma C.3 and App. C.3).
///
/// The length-L kernel K_k = C·Ā^k·B̄ has the generating function
/// Σ_{k<L} C·Ā^k·B̄·z^k = C·(I − Ā^L·z^L)·(I − Ā·z)⁻¹·B̄, and at the L-th roots of unity z^L = 1,
/// so it only needs C̃ = (I − Ā^L)ᵀ·C (the transpose, not the adjoint, under y = C·x). S4 trains
/// C̃ directly; C is recovered for the recurrent step by solving the same relation.
///
/// Ā acts on the conjugate-augmented state (x, x̄) of size N: the low-rank term couples a pair
/// with its conjugate, so on the stored half the map is only real-linear. Here it is built
/// densely, once per channel, in Float64:
/// A_full = diag(Λ, Λ̄) − Σ_r p_r·p_rᴴ with p_r = (P_r, P̄_r), Ā = (I − Δ/2·A)⁻¹(I + Δ/2·A),
/// and Ā^L by repeated squaring.
extension SSMComplexValues {
  /// Ā^L of one channel on the augmented state, (N, N).
  func discreteTransitionPower(ofChannel channel: Int, length: Int) throws -> Tensor<Complex<Double>> {
    let n = 2 * half
    let delta = timeSteps[channel]
    let lambda = Array(eigenvalues(ofChannel: channel))
    let lowRankRows = (0..<rank).map { Array(lowRank($0, ofChannel: channel)) }
    // A_full[i, j], with augmented index m < N/2 for pair m and m ≥ N/2 for its conjugate.
    func augmented(_ values: [Complex<Double>], _ m: Int) -> Complex<Double> {
      m < half ? values[m] : values[m - half].conjugate
    }
    var backward = Tensor<Complex<Double>>(shape: [n, n], repeating: .zero)  // I − Δ/2·A
    var forward = Tensor<Complex<Double>>(shape: [n, n], repeating: .zero)  // I + Δ/2·A
    for i in 0..<n {
      for j in 0..<n {
        var a = i == j ? augmented(lambda, i) : .zero
        for p in lowRankRows { a -= augmented(p, i) * augmented(p, j).conjugate }
        let identity: Complex<Double> = i == j ? .one : .zero
        backward[i, j] = identity - Complex(delta / 2) * a
        forward[i, j] = identity + Complex(delta / 2) * a
      }
    }
    let discrete = try backward.solve(forward)
    return Self.power(discrete, length)
  }

  /// C̃ = (I − Ā^L)ᵀ·C for every (output channel, channel), (c, H, N/2).
  func truncatedOutput(kernelLength: Int) throws -> [Complex<Double>] {
    try mapOutputRows(kernelLength: kernelLength) { power, row in
      let n = 2 * half
      return (0..<half).map { m in
        var sum = row[m]
        for j in 0..<n { sum -= power[j, m] * row[j] }
        return sum
      }
    }
  }

  /// C recovered from C̃ by solving (I − Ā^L)ᵀ·C = C̃, (c, H, N/2).
  ///
  /// - Throws: ``LinearAlgebraError/singularMatrix(routine:pivot:)`` when Ā^L has an
  ///   eigenvalue 1 (an undamped mode that is periodic with period L).
  func untruncatedOutput(kernelLength: Int) throws -> [Complex<Double>] {
    try mapOutputRows(kernelLength: kernelLength) { power, row in
      let n = 2 * half
      let system = Tensor<Complex<Double>>(shape: [n, n]) { index in
        let (i, j) = (index / n, index % n)
        return (i == j ? .one : .zero) - power[j, i]
      }
      let solution = try system.solve(Tensor(shape: [n], scalars: row))
      return Array(solution.scalars[0..<half])
    }
  }

  /// Applies `transform` to the augmented output row (C, C̄) of every (output channel,
  /// channel) with that channel's Ā^L, and keeps the first N/2 entries it returns.
  private func mapOutputRows(
    kernelLength: Int,
    _ transform: (Tensor<Complex<Double>>, [Complex<Double>]) throws -> [Complex<Double>]
  ) throws -> [Complex<Double>] {
    var result = [Complex<Double>](repeating: .zero, count: output.count)
    for channel in 0..<channels {
      let power = try discreteTransitionPower(ofChannel: channel, length: kernelLength)
      for c in 0..<outputChannels {
        let row = Array(self.output(c, ofChannel: channel))
        let converted = try transform(power, row + row.map(\.conjugate))
        let start = (c * channels + channel) * half
        result.replaceSubrange(start..<(start + half), with: converted)
      }
    }
    return result
  }

  /// M^k by binary exponentiation (zgemm).
  private static func power(_ matrix: Tensor<Complex<Double>>, _ exponent: Int) -> Tensor<
    Complex<Double>
  > {
    let n = matrix.shape[0]
    var result: Tensor<Complex<Double>>? = nil
    var base = matrix
    var k = exponent
    while k > 0 {
      if k & 1 == 1 { result = result.map { $0.matmul(base) } ?? base }
      k >>= 1
      if k > 0 { base = base.matmul(base) }
    }
    return result ?? Tensor(shape: [n, n]) { $0 / n == $0 % n ? .one : .zero }
  }
}
