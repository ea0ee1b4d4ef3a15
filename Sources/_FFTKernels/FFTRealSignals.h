// Real FFT of rows (RealFFT): rows ↔ blocked layout, and the split of the length-M complex
// spectrum of z_m = x_{2m} + i·x_{2m+1} into the half spectrum of the real signal x (n = 2M).
//
// With A_k = (Z_k + conj Z_{M−k})/2 and B_k = (Z_k − conj Z_{M−k})/(2i) (the spectra of the
// even and odd samples), X_k = A_k + W^k·B_k, W = e^{−2πi/n}. Bins k and M − k use the same
// two values: A_{M−k} = conj A_k, B_{M−k} = conj B_k and W^{M−k} = −conj W^k, so
// X_{M−k} = conj(A_k − W^k·B_k). Both are made from one pair of loads and one product, a
// tile of LANES bins [k0, k0 + LANES) together with its mirror tile (M − k0 − LANES, M − k0].

S4FFT_CLONES void FN(s4fft_gather_rows)(const REAL *const *rows, long rowCount, long count, long stride, REAL *blocked) {
  long t = 0;
  for (; t + LANES <= count; t += LANES) {
    VEC v[LANES];
    for (int r = 0; r < LANES; r++) v[r] = r < rowCount ? LOAD(rows[r] + t) : ZERO;
    FN(transpose)(v);
    for (int i = 0; i < LANES; i++) STORE(blocked + (t + i) * stride, v[i]);
  }
  for (; t < count; t++)
    for (long lane = 0; lane < LANES; lane++) blocked[t * stride + lane] = lane < rowCount ? rows[lane][t] : 0;
}

S4FFT_CLONES void FN(s4fft_scatter_rows)(const REAL *blocked, long count, long stride, REAL scale, REAL *const *rows, long rowCount) {
  long t = 0;
  for (; t + LANES <= count; t += LANES) {
    VEC v[LANES];
    for (int i = 0; i < LANES; i++) v[i] = LOAD(blocked + (t + i) * stride) * scale;
    FN(transpose)(v);
    for (int r = 0; r < rowCount; r++) STORE(rows[r] + t, v[r]);
  }
  for (; t < count; t++)
    for (long lane = 0; lane < rowCount; lane++) rows[lane][t] = scale * blocked[t * stride + lane];
}

/// X_k and X_{M−k} for one row-lane from Z_k = (zr, zi), Z_{M−k} = (cr, ci) and W^k/2 =
/// (wr, wi) (the `roots` table): P = W^k·B_k, X_k = A_k + P, X_{M−k} = conj(A_k − P).
#define S4FFT_SPLIT(zr, zi, cr, ci, wr, wi, xr, xi, yr, yi)            \
  do {                                                                  \
    __typeof__(zr) ar = ((zr) + (cr)) * (REAL)0.5;                      \
    __typeof__(zr) ai = ((zi) - (ci)) * (REAL)0.5;                      \
    __typeof__(zr) br = (zi) + (ci), bi = (cr) - (zr); /* 2·B_k */      \
    __typeof__(zr) pr = br * (wr) - bi * (wi), pi = bi * (wr) + br * (wi); \
    xr = ar + pr;                                                       \
    xi = ai + pi;                                                       \
    yr = ar - pr;                                                       \
    yi = pi - ai;                                                       \
  } while (0)

S4FFT_CLONES void FN(s4fft_real_spectra)(const REAL *z, long half, const REAL *roots, REAL *const *rows, long rowCount) {
  int bits = half > 1 ? FN(log2_of)(half) : 0;
  long k = 0;
  if (half >= 2 * LANES) {
    long low[LANES];  // rev(i) for i < LANES: rev(k0 + i) = rev(k0) | rev(i) when LANES divides k0
    for (long i = 0; i < LANES; i++) low[i] = FN(reverse_bits)(i, bits);
    for (long k0 = 0; k0 < half / 2; k0 += LANES) {
      VEC xr[LANES], xi[LANES], yr[LANES], yi[LANES];  // X_{k0+i}; X_{M−k0−(LANES−1)+i}
      // Partners M − k0 − i: the aligned tile below M − k0 (i ≥ 1), and M − k0 itself (i = 0).
      long tile = FN(reverse_bits)(k0, bits), below = FN(reverse_bits)(half - k0 - LANES, bits);
      long top = FN(reverse_bits)((half - k0) & (half - 1), bits);
#pragma clang loop unroll(full)
      for (int i = 0; i < LANES; i++) {
        const REAL *zp = z + (tile | low[i]) * ELEMENT;
        const REAL *cp = z + (i == 0 ? top : below | low[LANES - i]) * ELEMENT;
        REAL wr = roots[2 * (k0 + i)], wi = roots[2 * (k0 + i) + 1];
        S4FFT_SPLIT(LOAD(zp), LOAD(zp + LANES), LOAD(cp), LOAD(cp + LANES), wr, wi, xr[i], xi[i],
                    yr[LANES - 1 - i], yi[LANES - 1 - i]);
      }
      FN(transpose)(xr);
      FN(transpose)(xi);
      FN(transpose)(yr);
      FN(transpose)(yi);
      long mirror = half - k0 - (LANES - 1);
      for (int r = 0; r < rowCount; r++) {
        STORE(rows[r] + 2 * k0, INTERLEAVE_LO(xr[r], xi[r]));
        STORE(rows[r] + 2 * k0 + LANES, INTERLEAVE_HI(xr[r], xi[r]));
        STORE(rows[r] + 2 * mirror, INTERLEAVE_LO(yr[r], yi[r]));
        STORE(rows[r] + 2 * mirror + LANES, INTERLEAVE_HI(yr[r], yi[r]));
      }
    }
    k = half / 2;
  }
  // Short transforms, and the middle bin k = M/2 (whose mirror is itself) of long ones.
  for (; k <= half / 2; k++) {
    long p = bits ? FN(reverse_bits)(k, bits) : 0;
    long pc = bits ? FN(reverse_bits)((half - k) & (half - 1), bits) : 0;
    REAL wr = roots[2 * k], wi = roots[2 * k + 1];
    for (long r = 0; r < rowCount; r++) {
      REAL xr, xi, yr, yi;
      S4FFT_SPLIT(z[p * ELEMENT + r], z[p * ELEMENT + LANES + r], z[pc * ELEMENT + r],
                  z[pc * ELEMENT + LANES + r], wr, wi, xr, xi, yr, yi);
      rows[r][2 * k] = xr;
      rows[r][2 * k + 1] = xi;
      rows[r][2 * (half - k)] = yr;
      rows[r][2 * (half - k) + 1] = yi;
    }
  }
}

/// Z_k and Z_{M−k} (times `scale`) from X_k = (xr, xi), X_{M−k} = (cr, ci), s = scale/2 and
/// conj W^k·s = (wr, wi) (the `roots` table): with S = X_k + conj X_{M−k} and E = (X_k − conj X_{M−k})·conj W^k,
/// Z_k = (S + i·E)/2 and Z_{M−k} = conj(S − i·E)/2 (the split above, solved for Z).
#define S4FFT_MERGE(xr, xi, cr, ci, wr, wi, s, zr, zi, mr, mi)           \
  do {                                                                   \
    __typeof__(xr) sr = ((xr) + (cr)) * (s), si = ((xi) - (ci)) * (s);   \
    __typeof__(xr) dr = (xr) - (cr), di = (xi) + (ci);                   \
    __typeof__(xr) er = dr * (wr) - di * (wi), ei = di * (wr) + dr * (wi); \
    zr = sr - ei;                                                        \
    zi = si + er;                                                        \
    mr = sr + ei;                                                        \
    mi = er - si;                                                        \
  } while (0)

S4FFT_CLONES void FN(s4fft_real_spectra_inverse)(const REAL *const *rows, long rowCount, const REAL *zeroRow, long half, const REAL *roots, REAL scale, REAL *z) {
  int bits = half > 1 ? FN(log2_of)(half) : 0;
  REAL s = scale / 2;
  long k = 0;
  if (half >= 2 * LANES) {
    long low[LANES];
    for (long i = 0; i < LANES; i++) low[i] = FN(reverse_bits)(i, bits);
    for (long k0 = 0; k0 < half / 2; k0 += LANES) {
      VEC xr[LANES], xi[LANES], cr[LANES], ci[LANES];
      long mirror = half - k0 - (LANES - 1);  // bins mirror … M − k0 hold X_{M−k}
      for (int r = 0; r < LANES; r++) {
        const REAL *row = r < rowCount ? rows[r] : zeroRow;
        VEC a = LOAD(row + 2 * k0), b = LOAD(row + 2 * k0 + LANES);
        xr[r] = EVEN(a, b);
        xi[r] = ODD(a, b);
        a = LOAD(row + 2 * mirror);
        b = LOAD(row + 2 * mirror + LANES);
        cr[r] = EVEN(a, b);
        ci[r] = ODD(a, b);
      }
      FN(transpose)(xr);
      FN(transpose)(xi);
      FN(transpose)(cr);
      FN(transpose)(ci);
      if (k0 == 0) {  // the imaginary parts of bins 0 and M are ignored
        xi[0] = ZERO;
        ci[LANES - 1] = ZERO;
      }
      long tile = FN(reverse_bits)(k0, bits), below = FN(reverse_bits)(half - k0 - LANES, bits);
      long top = FN(reverse_bits)((half - k0) & (half - 1), bits);
#pragma clang loop unroll(full)
      for (int i = 0; i < LANES; i++) {
        REAL wr = roots[2 * (k0 + i)], wi = roots[2 * (k0 + i) + 1];
        VEC zr, zi, mr, mi;
        S4FFT_MERGE(xr[i], xi[i], cr[LANES - 1 - i], ci[LANES - 1 - i], wr, wi, s, zr, zi, mr, mi);
        REAL *mp = z + (i == 0 ? top : below | low[LANES - i]) * ELEMENT;
        STORE(mp, mr);
        STORE(mp + LANES, mi);
        REAL *zp = z + (tile | low[i]) * ELEMENT;  // after mp: Z_0 wins at k = 0
        STORE(zp, zr);
        STORE(zp + LANES, zi);
      }
    }
    k = half / 2;
  }
  for (; k <= half / 2; k++) {
    long p = bits ? FN(reverse_bits)(k, bits) : 0;
    long pc = bits ? FN(reverse_bits)((half - k) & (half - 1), bits) : 0;
    REAL wr = roots[2 * k], wi = roots[2 * k + 1];
    for (long r = 0; r < LANES; r++) {
      const REAL *row = r < rowCount ? rows[r] : zeroRow;
      REAL xr = row[2 * k], xi = k == 0 ? 0 : row[2 * k + 1];
      REAL cr = row[2 * (half - k)], ci = k == 0 ? 0 : row[2 * (half - k) + 1];
      REAL zr, zi, mr, mi;
      S4FFT_MERGE(xr, xi, cr, ci, wr, wi, s, zr, zi, mr, mi);
      z[pc * ELEMENT + r] = mr;
      z[pc * ELEMENT + LANES + r] = mi;
      z[p * ELEMENT + r] = zr;
      z[p * ELEMENT + LANES + r] = zi;
    }
  }
}

#undef S4FFT_SPLIT
#undef S4FFT_MERGE
