/// C = A·B for the small per-channel matrices of the S4D kernel, on one core.
///
/// The S4D kernel multiplies, per channel, an M×N by an N×T matrix with N = 2·(N/2) ≈ 64 and
/// M·T = L. Those products are far below what OpenBLAS splits well, and they run inside a
/// loop that already uses every core: OpenBLAS called from both workers at once starts its
/// own threads on top of them, and the spinning oversubscribes the cores (measured several
/// times slower than this kernel). This is a plain register-tiled kernel: 4 rows × 2 lane
/// vectors of C stay in registers while the inner dimension streams by.
enum SmallMatrixProduct {
  /// C ← A·B for row-major A (m×k), B (k×n), C (m×n); n must be a multiple of two lane
  /// vectors (``columnMultiple(for:)``).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func multiply<Scalar: SSMScalar>(
    _ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, into c: UnsafeMutablePointer<Scalar>,
    m: Int, n: Int, k: Int
  ) {
    typealias Lanes = KernelLanes<Scalar>
    let width = Lanes.laneCount
    precondition(n % (2 * width) == 0, "SmallMatrixProduct: n = \(n) is not a multiple of \(2 * width)")
    var row = 0
    while row + 4 <= m {
      let (a0, a1, a2, a3) = (a + row * k, a + (row + 1) * k, a + (row + 2) * k, a + (row + 3) * k)
      for column in stride(from: 0, to: n, by: 2 * width) {
        var (c00, c01, c10, c11) = (Lanes(), Lanes(), Lanes(), Lanes())
        var (c20, c21, c30, c31) = (Lanes(), Lanes(), Lanes(), Lanes())
        var bRow = b + column
        for p in 0..<k {
          let b0 = Lanes(loadingFrom: bRow)
          let b1 = Lanes(loadingFrom: bRow + width)
          c00 += a0[p] * b0
          c01 += a0[p] * b1
          c10 += a1[p] * b0
          c11 += a1[p] * b1
          c20 += a2[p] * b0
          c21 += a2[p] * b1
          c30 += a3[p] * b0
          c31 += a3[p] * b1
          bRow += n
        }
        let out = c + row * n + column
        c00.store(to: out)
        c01.store(to: out + width)
        c10.store(to: out + n)
        c11.store(to: out + n + width)
        c20.store(to: out + 2 * n)
        c21.store(to: out + 2 * n + width)
        c30.store(to: out + 3 * n)
        c31.store(to: out + 3 * n + width)
      }
      row += 4
    }
    while row < m {
      let aRow = a + row * k
      for column in stride(from: 0, to: n, by: 2 * width) {
        var (c0, c1) = (Lanes(), Lanes())
        var bRow = b + column
        for p in 0..<k {
          c0 += aRow[p] * Lanes(loadingFrom: bRow)
          c1 += aRow[p] * Lanes(loadingFrom: bRow + width)
          bRow += n
        }
        c0.store(to: c + row * n + column)
        c1.store(to: c + row * n + column + width)
      }
      row += 1
    }
  }

  /// The multiple the column count of B and C must have.
  static func columnMultiple<Scalar: SSMScalar>(for _: Scalar.Type) -> Int {
    2 * KernelLanes<Scalar>.laneCount
  }
}
