// The product of SmallMatrixKernels.h for one scalar type; included by KernelLoops.c with
// REAL, LANES, SUFFIX, VEC (LANES reals) and LOADU/STOREU defined. A tile of 4 rows × 2
// vectors of C stays in registers (8 accumulators) while the inner dimension streams by.

S4_CLONES void KERNEL_FN(s4small_multiply)(const REAL *a, const REAL *b, REAL *c, long m, long n, long k) {
  long row = 0;
  for (; row + 4 <= m; row += 4) {
    const REAL *a0 = a + row * k, *a1 = a0 + k, *a2 = a1 + k, *a3 = a2 + k;
    for (long column = 0; column < n; column += 2 * LANES) {
      VEC c00 = {0}, c01 = {0}, c10 = {0}, c11 = {0}, c20 = {0}, c21 = {0}, c30 = {0}, c31 = {0};
      const REAL *bRow = b + column;
      for (long p = 0; p < k; p++, bRow += n) {
        const VEC b0 = LOADU(bRow), b1 = LOADU(bRow + LANES);
        c00 += a0[p] * b0;
        c01 += a0[p] * b1;
        c10 += a1[p] * b0;
        c11 += a1[p] * b1;
        c20 += a2[p] * b0;
        c21 += a2[p] * b1;
        c30 += a3[p] * b0;
        c31 += a3[p] * b1;
      }
      REAL *out = c + row * n + column;
      STOREU(out, c00);
      STOREU(out + LANES, c01);
      STOREU(out + n, c10);
      STOREU(out + n + LANES, c11);
      STOREU(out + 2 * n, c20);
      STOREU(out + 2 * n + LANES, c21);
      STOREU(out + 3 * n, c30);
      STOREU(out + 3 * n + LANES, c31);
    }
  }
  for (; row < m; row++) {
    const REAL *aRow = a + row * k;
    for (long column = 0; column < n; column += 2 * LANES) {
      VEC c0 = {0}, c1 = {0};
      const REAL *bRow = b + column;
      for (long p = 0; p < k; p++, bRow += n) {
        c0 += aRow[p] * LOADU(bRow);
        c1 += aRow[p] * LOADU(bRow + LANES);
      }
      STOREU(c + row * n + column, c0);
      STOREU(c + row * n + column + LANES, c1);
    }
  }
}

