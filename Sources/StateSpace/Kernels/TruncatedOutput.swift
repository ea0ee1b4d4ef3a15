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
/// and Ā^L by repeated squaring. Ā has the block form [[M, N], [N̄, M̄]], which every product
/// of such matrices keeps, and in the real coordinates (u, v) of x = u + i·v it is the real
/// matrix R = [[Re M + Re N, Im N − Im M], [Im M + Im N, Re M − Re N]] (R = T⁻¹·Ā·T with
/// (x, x̄) = T·(u, v)): the squarings run on R, real products of the same size, a quarter of
/// the arithmetic of complex ones.
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
    let lambdas = (0..<n).map { augmented(lambda, $0) }
    let lowRankColumns = lowRankRows.map { p in (0..<n).map { augmented(p, $0) } }
    // A[i, j] = diag(Λ, Λ̄) − Σ_r p_r·p_rᴴ, row-major.
    var matrix = [Complex<Double>](repeating: .zero, count: n * n)
    for i in 0..<n {
      matrix[i * n + i] = lambdas[i]
      for p in lowRankColumns {
        for j in 0..<n { matrix[i * n + j] -= p[i] * p[j].conjugate }
      }
    }
    let halfStep = Complex(delta / 2)
    let backward = Tensor<Complex<Double>>(shape: [n, n]) {  // I − Δ/2·A
      ($0 / n == $0 % n ? .one : .zero) - halfStep * matrix[$0]
    }
    let forward = Tensor<Complex<Double>>(shape: [n, n]) {  // I + Δ/2·A
      ($0 / n == $0 % n ? .one : .zero) + halfStep * matrix[$0]
    }
    let discrete = try backward.solve(forward)
    return Self.augmentedForm(Self.power(Self.realForm(discrete), length))
  }

  /// R = T⁻¹·Ā·T of an augmented matrix Ā = [[M, N], [N̄, M̄]] (N×N, N = 2·half).
  private static func realForm(_ augmented: Tensor<Complex<Double>>) -> Tensor<Double> {
    let (n, values) = (augmented.shape[0], augmented.scalars)
    let half = n / 2
    return Tensor(shape: [n, n]) { index in
      let (i, j) = (index / n, index % n)
      let (row, column) = (i % half, j % half)
      let m = values[row * n + column], nn = values[row * n + half + column]
      switch (i < half, j < half) {
      case (true, true): return m.real + nn.real
      case (true, false): return nn.imaginary - m.imaginary
      case (false, true): return m.imaginary + nn.imaginary
      case (false, false): return m.real - nn.real
      }
    }
  }

  /// Ā = T·R·T⁻¹ from the real form [[a, b], [c, d]]: M = ((a + d) + i·(c − b))/2,
  /// N = ((a − d) + i·(c + b))/2.
  private static func augmentedForm(_ real: Tensor<Double>) -> Tensor<Complex<Double>> {
    let (n, values) = (real.shape[0], real.scalars)
    let half = n / 2
    return Tensor(shape: [n, n]) { index in
      let (i, j) = (index / n, index % n)
      let (row, column) = (i % half, j % half)
      let (a, b) = (values[row * n + column], values[row * n + half + column])
      let (c, d) = (values[(half + row) * n + column], values[(half + row) * n + half + column])
      let m = Complex((a + d) / 2, (c - b) / 2), nn = Complex((a - d) / 2, (c + b) / 2)
      switch (i < half, j < half) {
      case (true, true): return m
      case (true, false): return nn
      case (false, true): return nn.conjugate
      case (false, false): return m.conjugate
      }
    }
  }

  /// C̃ = (I − Ā^L)ᵀ·C for every (output channel, channel), (c, H, N/2).
  func truncatedOutput(kernelLength: Int) throws -> [Complex<Double>] {
    try mapOutputRows(kernelLength: kernelLength) { power, row in
      let (n, entries) = (power.shape[0], power.scalars)
      return (0..<(n / 2)).map { m in
        var sum = row[m]
        for j in 0..<n { sum -= entries[j * n + m] * row[j] }
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
      let (n, entries) = (power.shape[0], power.scalars)
      let system = Tensor<Complex<Double>>(shape: [n, n]) { index in
        let (i, j) = (index / n, index % n)
        return (i == j ? .one : .zero) - entries[j * n + i]
      }
      let solution = try system.solve(Tensor(shape: [n], scalars: row))
      return Array(solution.scalars[0..<(n / 2)])
    }
  }

  /// Applies `transform` to the augmented output row (C, C̄) of every (output channel,
  /// channel) with that channel's Ā^L, and keeps the first N/2 entries it returns. The
  /// channels run in parallel, with OpenBLAS held to one thread: its products are 64×64 at
  /// the default N, too small to share.
  private func mapOutputRows(
    kernelLength: Int,
    _ transform: @escaping (Tensor<Complex<Double>>, [Complex<Double>]) throws -> [Complex<Double>]
  ) throws -> [Complex<Double>] {
    var result = [Complex<Double>](repeating: .zero, count: output.count)
    var failures = [(any Error)?](repeating: nil, count: channels)
    result.withUnsafeMutableBufferPointer { result in
      failures.withUnsafeMutableBufferPointer { failures in
        let shared = UncheckedSendable((result, failures))
        OpenBLAS.withSingleThread {
          Parallel.forEachClaimed(of: channels) { claimed in
            let (result, failures) = shared.value
            for channel in claimed {
              do {
                let power = try discreteTransitionPower(ofChannel: channel, length: kernelLength)
                for c in 0..<outputChannels {
                  let row = Array(self.output(c, ofChannel: channel))
                  let converted = try transform(power, row + row.map(\.conjugate))
                  let start = (c * channels + channel) * half
                  for m in 0..<half { result[start + m] = converted[m] }
                }
              } catch {
                failures[channel] = error
              }
            }
          }
        }
      }
    }
    if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
    return result
  }

  /// M^k by binary exponentiation (dgemm).
  private static func power(_ matrix: Tensor<Double>, _ exponent: Int) -> Tensor<Double> {
    let n = matrix.shape[0]
    var result: Tensor<Double>? = nil
    var base = matrix
    var k = exponent
    while k > 0 {
      if k & 1 == 1 { result = result.map { $0.matmul(base) } ?? base }
      k >>= 1
      if k > 0 { base = base.matmul(base) }
    }
    return result ?? Tensor(shape: [n, n]) { $0 / n == $0 % n ? 1 : 0 }
  }
}
