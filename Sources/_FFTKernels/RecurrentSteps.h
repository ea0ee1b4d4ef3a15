// The recurrent step of S4 and S4D (StateSpace/Recurrence/SSMRecurrence), for one REAL type:
// one pass over the N/2 stored coordinates of every (sequence, channel), in vectors of VLANES.
// Included by RecurrentSteps.c once per type with REAL, VLANES and SUFFIX defined.
//
// The math and layout are SSMRecurrence's (see its documentation): per channel the coefficient
// rows S4D — Ā, B̄, C_1…C_c; S4 — D∘E, 2(D∘B), C_1…C_c, Z_1…Z_R, (D∘P)_1…(D∘P)_R, each a real and
// an imaginary plane of `half` scalars; per (sequence, channel) the state's real and imaginary
// planes, then (S4) ζ_1…ζ_R.

#define S4REC_NAME2(name, suffix) name##_##suffix
#define S4REC_NAME1(name, suffix) S4REC_NAME2(name, suffix)
#define RN(name) S4REC_NAME1(name, SUFFIX)

typedef REAL RN(s4rec_vector) __attribute__((vector_size(VLANES * sizeof(REAL))));
typedef REAL RN(s4rec_unaligned) __attribute__((vector_size(VLANES * sizeof(REAL)), aligned(sizeof(REAL)), may_alias));
#define RVEC RN(s4rec_vector)
#define RLOAD(p) (*(const RN(s4rec_unaligned) *)(p))
#define RSTORE(p, v) (*(RN(s4rec_unaligned) *)(p) = (v))

// The helpers below take vectors by value. They are static and always inlined, so no call
// crosses an ABI boundary, and the baseline clone's note that 32-byte vector arguments
// change the ABI without AVX does not apply.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpsabi"

/// The sum of the lanes of v.
S4REC_INLINE REAL RN(s4rec_sum)(RVEC v) {
  REAL sum = 0;
#pragma clang loop unroll(full)
  for (int lane = 0; lane < VLANES; lane++) sum += v[lane];
  return sum;
}

/// 2·Re(C·x) for one output row c (real and imaginary planes of `half`).
S4REC_INLINE REAL RN(s4rec_read_out)(const REAL *c, const REAL *x, long half) {
  RVEC real = {0}, imaginary = {0};
  for (long n = 0; n < half; n += VLANES) {
    real += RLOAD(c + n) * RLOAD(x + n);
    imaginary += RLOAD(c + half + n) * RLOAD(x + half + n);
  }
  return 2 * RN(s4rec_sum)(real - imaginary);
}

/// S4D: x ← Ā∘x + B̄·u, y_1 = 2·Re(C_1·x) for one (sequence, channel); y_k at y[(k−1)·channels].
S4REC_INLINE void RN(s4rec_diagonal)(const REAL *rows, REAL *x, REAL u, long half, long outputs, long channels,
                                     REAL *y) {
  const long plane = 2 * half;
  const REAL *a = rows, *b = rows + plane, *c = rows + 2 * plane;
  // Real and imaginary products in separate accumulators: one addition per vector each.
  RVEC first = {0}, firstImaginary = {0};
  for (long n = 0; n < half; n += VLANES) {
    RVEC xr = RLOAD(x + n), xi = RLOAD(x + half + n);
    RVEC ar = RLOAD(a + n), ai = RLOAD(a + half + n);
    RVEC real = ar * xr - ai * xi + RLOAD(b + n) * u;
    RVEC imaginary = ar * xi + ai * xr + RLOAD(b + half + n) * u;
    RSTORE(x + n, real);
    RSTORE(x + half + n, imaginary);
    first += RLOAD(c + n) * real;
    firstImaginary += RLOAD(c + half + n) * imaginary;
  }
  y[0] = 2 * RN(s4rec_sum)(first - firstImaginary);
  for (long k = 1; k < outputs; k++) y[k * channels] = RN(s4rec_read_out)(c + k * plane, x, half);
}

/// S4, the O(N) Woodbury step of rank R for one (sequence, channel): σ = ζ + β·u,
/// x ← (D∘E)∘x + 2(D∘B)·u − Σ_r (D∘P)_r·σ_r, then ζ_r = 2·Re(Z_r·x) and y_1 = 2·Re(C_1·x) of the new x.
/// `sigma` and `accumulators` are scratch of R (only R > 1 uses `accumulators`).
S4REC_INLINE void RN(s4rec_low_rank)(const REAL *rows, const REAL *beta, REAL *x, REAL u, long half, long outputs,
                                     long rank, long channels, REAL *y, REAL *sigma, RVEC *accumulators) {
  const long plane = 2 * half;
  REAL *zeta = x + plane;
  for (long r = 0; r < rank; r++) sigma[r] = zeta[r] + beta[r] * u;
  for (long r = 1; r < rank; r++) accumulators[r] = (RVEC){0};
  const REAL *f = rows, *b = rows + plane, *c = rows + 2 * plane;
  const REAL *z = rows + (2 + outputs) * plane, *dp = rows + (2 + outputs + rank) * plane;
  const REAL sigma0 = sigma[0];
  RVEC first = {0}, firstImaginary = {0}, zeta0 = {0}, zeta0Imaginary = {0};
  for (long n = 0; n < half; n += VLANES) {
    RVEC xr = RLOAD(x + n), xi = RLOAD(x + half + n);
    RVEC fr = RLOAD(f + n), fi = RLOAD(f + half + n);
    RVEC real = fr * xr - fi * xi + RLOAD(b + n) * u - RLOAD(dp + n) * sigma0;
    RVEC imaginary = fr * xi + fi * xr + RLOAD(b + half + n) * u - RLOAD(dp + half + n) * sigma0;
    for (long r = 1; r < rank; r++) {
      real -= RLOAD(dp + r * plane + n) * sigma[r];
      imaginary -= RLOAD(dp + r * plane + half + n) * sigma[r];
    }
    RSTORE(x + n, real);
    RSTORE(x + half + n, imaginary);
    first += RLOAD(c + n) * real;
    firstImaginary += RLOAD(c + half + n) * imaginary;
    zeta0 += RLOAD(z + n) * real;
    zeta0Imaginary += RLOAD(z + half + n) * imaginary;
    for (long r = 1; r < rank; r++)
      accumulators[r] += RLOAD(z + r * plane + n) * real - RLOAD(z + r * plane + half + n) * imaginary;
  }
  zeta[0] = 2 * RN(s4rec_sum)(zeta0 - zeta0Imaginary);
  for (long r = 1; r < rank; r++) zeta[r] = 2 * RN(s4rec_sum)(accumulators[r]);
  y[0] = 2 * RN(s4rec_sum)(first - firstImaginary);
  for (long k = 1; k < outputs; k++) y[k * channels] = RN(s4rec_read_out)(c + k * plane, x, half);
}

S4_CLONES void RN(s4rec_step)(const REAL *coefficients, const REAL *beta, REAL *state, const REAL *input,
                              REAL *output, long begin, long end, long channels, long outputs, long rank,
                              long half) {
  const long rowStride = (2 + outputs + 2 * rank) * 2 * half, stateStride = 2 * half + rank;
  REAL sigma[rank > 0 ? rank : 1];
  RVEC accumulators[rank > 0 ? rank : 1];
  long sequence = begin / channels, channel = begin % channels;
  for (long item = begin; item < end; item++) {
    const REAL *rows = coefficients + channel * rowStride;
    REAL *x = state + item * stateStride, *y = output + sequence * outputs * channels + channel;
    if (rank == 0) {
      if (outputs == 1) RN(s4rec_diagonal)(rows, x, input[item], half, 1, channels, y);
      else RN(s4rec_diagonal)(rows, x, input[item], half, outputs, channels, y);
    } else if (rank == 1) {
      // Constant rank and output count: no inner loops over r.
      if (outputs == 1)
        RN(s4rec_low_rank)(rows, beta + channel, x, input[item], half, 1, 1, channels, y, sigma, accumulators);
      else
        RN(s4rec_low_rank)(rows, beta + channel, x, input[item], half, outputs, 1, channels, y, sigma, accumulators);
    } else {
      RN(s4rec_low_rank)(rows, beta + channel * rank, x, input[item], half, outputs, rank, channels, y, sigma,
                         accumulators);
    }
    if (++channel == channels) {
      channel = 0;
      sequence++;
    }
  }
}

#undef RVEC
#undef RLOAD
#undef RSTORE
#undef RN
#undef S4REC_NAME1
#undef S4REC_NAME2

#pragma clang diagnostic pop
