/// The HiPPO measures whose state matrices S4 starts from (S4 paper, arXiv 2111.00396, §2.2 and
/// App. C.1; Gu et al. 2020 for the derivations).
///
/// Each measure gives a continuous-time system x′ = A·x + B·u whose state holds the coefficients
/// of an online projection of the input history onto a polynomial (or Fourier) basis, together
/// with a low-rank correction P (rank × N) such that A + P·Pᵀ is *normal*: a multiple of the
/// identity plus a real skew-symmetric matrix. That normal-plus-low-rank (NPLR) structure is what
/// makes A unitarily diagonalisable up to a low-rank term (``DPLRDecomposition``).
public enum HiPPOMeasure: Sendable, CaseIterable, Equatable {
  /// LegS, the scaled Legendre measure (the S4 default, paper eq. (2)):
  /// A[n, k] = −√(2n+1)·√(2k+1) for n > k, −(n+1) for n = k, 0 for n < k; B[n] = √(2n+1);
  /// P[n] = √(n + ½) (rank 1), so that A + P·Pᵀ = −½·I + skew-symmetric.
  case legendreScaled
  /// LegT, the translated Legendre measure (window of length 1), halved for time-scale
  /// consistency as in the reference: A[i, j] = −½·R_i·R_j·(1 if i ≥ j else (−1)^(i−j)),
  /// B = ½·R with R_n = √(2n+1); P is rank 2 (R/√2 on the odd and on the even indices), and
  /// A + P·Pᵀ is skew-symmetric.
  case legendreTranslated
  /// FouT, the translated Fourier measure: blocks ±π·m coupling states 2m and 2m+1 (states 0
  /// and 1 are free), minus the rank-1 endpoint term B·Bᵀ, with B[0] = 1, B[2m] = √2 (m ≥ 1),
  /// B[odd] = 0 and P = B; A + P·Pᵀ is skew-symmetric.
  case fourierTranslated

  /// The number of columns of P (1 for LegS and FouT, 2 for LegT).
  public var rank: Int {
    switch self {
    case .legendreScaled, .fourierTranslated: 1
    case .legendreTranslated: 2
    }
  }

  /// The measure's matrices for a state of size `stateSize`, in Float64.
  ///
  /// - Parameter stateSize: N ≥ 1 (FouT and the DPLR form need N even).
  /// - Returns: A (N × N), B (N) and P (rank × N).
  public func matrices(stateSize n: Int) -> HiPPOMatrices {
    precondition(n >= 1, "HiPPOMeasure.matrices(stateSize:): the state size must be ≥ 1, got \(n)")
    var a = [Double](repeating: 0, count: n * n)
    var b = [Double](repeating: 0, count: n)
    var p = [Double](repeating: 0, count: rank * n)
    switch self {
    case .legendreScaled:
      for row in 0..<n {
        let rootRow = Double(2 * row + 1).squareRoot()
        for column in 0..<row {
          a[row * n + column] = -rootRow * Double(2 * column + 1).squareRoot()
        }
        a[row * n + row] = -Double(row + 1)
        b[row] = rootRow
        p[row] = (Double(row) + 0.5).squareRoot()
      }
    case .legendreTranslated:
      for row in 0..<n {
        let rootRow = Double(2 * row + 1).squareRoot()
        for column in 0..<n {
          let sign = row >= column || (column - row) % 2 == 0 ? 1.0 : -1.0
          a[row * n + column] = -0.5 * sign * rootRow * Double(2 * column + 1).squareRoot()
        }
        b[row] = 0.5 * rootRow
        // Row 0 of P carries the odd states, row 1 the even ones.
        p[(row % 2 == 1 ? 0 : 1) * n + row] = rootRow / 2.0.squareRoot()
      }
    case .fourierTranslated:
      precondition(
        n % 2 == 0,
        "HiPPOMeasure.fourierTranslated.matrices(stateSize:): the state size must be even, got \(n)")
      for m in 1..<(n / 2) {
        a[(2 * m) * n + 2 * m + 1] = -Double.pi * Double(m)
        a[(2 * m + 1) * n + 2 * m] = Double.pi * Double(m)
      }
      for row in stride(from: 0, to: n, by: 2) { b[row] = row == 0 ? 1 : 2.0.squareRoot() }
      for row in 0..<n {
        for column in 0..<n { a[row * n + column] -= b[row] * b[column] }
        p[row] = b[row]
      }
    }
    return HiPPOMatrices(
      measure: self,
      transition: Tensor(shape: [n, n], scalars: a),
      input: Tensor(shape: [n], scalars: b),
      lowRank: Tensor(shape: [rank, n], scalars: p))
  }
}

/// The real continuous-time matrices of a HiPPO measure, in Float64.
///
/// Shapes: N state size, R the rank of the correction.
public struct HiPPOMatrices: Sendable, Equatable {
  /// The measure these matrices belong to.
  public let measure: HiPPOMeasure
  /// The state matrix A, (N, N).
  public let transition: Tensor<Double>
  /// The input vector B, (N).
  public let input: Tensor<Double>
  /// The low-rank correction P, (R, N): A + Σ_r P_r·P_rᵀ is normal.
  public let lowRank: Tensor<Double>

  /// The state size N.
  public var stateSize: Int { input.scalarCount }

  /// The normal part S = A + Σ_r P_r·P_rᵀ, (N, N).
  public var normalPart: Tensor<Double> {
    let n = stateSize
    var s = transition
    s.withUnsafeMutableBufferPointer { s in
      lowRank.withUnsafeBufferPointer { p in
        for r in 0..<lowRank.shape[0] {
          for row in 0..<n {
            for column in 0..<n { s[row * n + column] += p[r * n + row] * p[r * n + column] }
          }
        }
      }
    }
    return s
  }
}
