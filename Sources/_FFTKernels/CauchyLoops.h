// The loops of CauchyKernels.h for one scalar type; included by KernelLoops.c with REAL,
// LANES, SUFFIX, VEC (LANES reals) and LOADU/STOREU defined.

/// Sums j₀…j₃ (four distinct sums, or two when `four` is 0) at every node: the accumulators of
/// a group stay in registers while the loop runs over the states, and the one division per
/// (node, state), 1/D, serves every sum of the group.
S4KERNEL_INLINE void KERNEL_FN(sums_group)(
  int four, const REAL *nodes, long paddedCount, const REAL *constants, long half, long sumCount,
  long j0, long j1, long j2, long j3, REAL *planes) {
  const long stride = 4 + 2 * sumCount;
  const long p0 = 4 + 2 * j0, p1 = 4 + 2 * j1, p2 = 4 + 2 * j2, p3 = 4 + 2 * j3;
  for (long k = 0; k < paddedCount; k += LANES) {
    const VEC s = LOADU(nodes + k);
    VEC re0 = {0}, im0 = {0}, re1 = {0}, im1 = {0}, re2 = {0}, im2 = {0}, re3 = {0}, im3 = {0};
    const REAL *c = constants;
    for (long n = 0; n < half; n++, c += stride) {
      // D = α² − (s − β)(s + β) + 2i·α·s, from the differences (accurate near s ≈ β).
      const VEC t1 = s - c[3], t2 = s + c[3];
      const VEC dReal = c[1] - t1 * t2, dImaginary = c[2] * s;
      const VEC inverse = 1 / (dReal * dReal + dImaginary * dImaginary);
      const VEC x = dReal * inverse, y = -(dImaginary * inverse);
      const VEC sx = s * x, sy = s * y;
      // (p + i·s·q)·(x + i·y): Re = p·x − q·s·y, Im = p·y + q·s·x.
      re0 += c[p0] * x - c[p0 + 1] * sy;
      im0 += c[p0] * y + c[p0 + 1] * sx;
      re1 += c[p1] * x - c[p1 + 1] * sy;
      im1 += c[p1] * y + c[p1 + 1] * sx;
      if (four) {
        re2 += c[p2] * x - c[p2 + 1] * sy;
        im2 += c[p2] * y + c[p2 + 1] * sx;
        re3 += c[p3] * x - c[p3 + 1] * sy;
        im3 += c[p3] * y + c[p3 + 1] * sx;
      }
    }
    STOREU(planes + 2 * j0 * paddedCount + k, re0);
    STOREU(planes + (2 * j0 + 1) * paddedCount + k, im0);
    STOREU(planes + 2 * j1 * paddedCount + k, re1);
    STOREU(planes + (2 * j1 + 1) * paddedCount + k, im1);
    if (four) {
      STOREU(planes + 2 * j2 * paddedCount + k, re2);
      STOREU(planes + (2 * j2 + 1) * paddedCount + k, im2);
      STOREU(planes + 2 * j3 * paddedCount + k, re3);
      STOREU(planes + (2 * j3 + 1) * paddedCount + k, im3);
    }
  }
}

S4_CLONES void KERNEL_FN(s4cauchy_sums)(const REAL *nodes, long paddedCount, const REAL *constants,
                                        long half, long sumCount, REAL *planes) {
  long first = 0;
  for (; first + 4 <= sumCount; first += 4)
    KERNEL_FN(sums_group)(1, nodes, paddedCount, constants, half, sumCount, first, first + 1,
                          first + 2, first + 3, planes);
  // The rest in pairs; a lone last sum is computed twice into the same plane.
  for (; first < sumCount; first += 2) {
    long second = first + 1 < sumCount ? first + 1 : first;
    KERNEL_FN(sums_group)(0, nodes, paddedCount, constants, half, sumCount, first, second, 0, 0, planes);
  }
}

/// The lanes' sum in Float64 (a macro: a vector argument of an inline function would change
/// the ABI in the baseline clone).
#define LANE_SUM(v)                                            \
  ({                                                           \
    double lanesTotal = 0;                                     \
    for (int lane = 0; lane < LANES; lane++) lanesTotal += (double)(v)[lane]; \
    lanesTotal;                                                \
  })

S4_CLONES void KERNEL_FN(s4cauchy_adjoint)(const REAL *nodes, long paddedCount,
                                           const REAL *sumGradients, const REAL *constants,
                                           long half, long sumCount, double *totals) {
  enum { BLOCK = S4CAUCHY_ADJOINT_BLOCK };
  // Per node of the block: x + i·y = 1/E and x² − y² + i·2xy = 1/E².
  REAL terms[4 * BLOCK] __attribute__((aligned(64)));
  memset(totals, 0, sizeof(double) * (size_t)(half * sumCount * 8));
  for (long blockStart = 0; blockStart < paddedCount; blockStart += BLOCK) {
    const long count = paddedCount - blockStart < BLOCK ? paddedCount - blockStart : BLOCK;
    for (long n = 0; n < half; n++) {
      const REAL alphaSquared = constants[3 * n], imaginary = constants[3 * n + 1], beta = constants[3 * n + 2];
      for (long k = 0; k < count; k += LANES) {
        // E = α² + (s − β)(s + β) + 2i·α·β.
        const VEC s = LOADU(nodes + blockStart + k);
        const VEC real = alphaSquared + (s - beta) * (s + beta);
        const VEC scale = 1 / (real * real + imaginary * imaginary);
        const VEC x = real * scale, y = -(imaginary * scale);
        STOREU(terms + k, x);
        STOREU(terms + BLOCK + k, y);
        STOREU(terms + 2 * BLOCK + k, x * x - y * y);
        STOREU(terms + 3 * BLOCK + k, 2 * x * y);
      }
      for (long j = 0; j < sumCount; j++) {
        const REAL *g = sumGradients + 2 * j * paddedCount + blockStart, *sh = g + paddedCount;
        VEC s1r = {0}, s1i = {0}, s2r = {0}, s2i = {0}, s3r = {0}, s3i = {0}, s4r = {0}, s4i = {0};
        for (long k = 0; k < count; k += LANES) {
          const VEC gk = LOADU(g + k), hk = LOADU(sh + k);
          const VEC x = LOADU(terms + k), y = LOADU(terms + BLOCK + k);
          const VEC x2 = LOADU(terms + 2 * BLOCK + k), y2 = LOADU(terms + 3 * BLOCK + k);
          s1r += gk * x;
          s1i += gk * y;
          s2r += hk * x;
          s2i += hk * y;
          s3r += gk * x2;
          s3i += gk * y2;
          s4r += hk * x2;
          s4i += hk * y2;
        }
        double *total = totals + (n * sumCount + j) * 8;
        total[0] += LANE_SUM(s1r);
        total[1] += LANE_SUM(s1i);
        total[2] += LANE_SUM(s2r);
        total[3] += LANE_SUM(s2i);
        total[4] += LANE_SUM(s3r);
        total[5] += LANE_SUM(s3i);
        total[6] += LANE_SUM(s4r);
        total[7] += LANE_SUM(s4i);
      }
    }
  }
}

#undef LANE_SUM
