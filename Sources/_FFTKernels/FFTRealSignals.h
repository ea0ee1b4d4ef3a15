// Real FFT of rows (RealFFT): rows ↔ blocked layout, and the split of the length-M complex
// spectrum of z_m = x_{2m} + i·x_{2m+1} into the half spectrum of the real signal x (n = 2M).
//
// With A_k = (Z_k + conj Z_{M−k})/2 and B_k = (Z_k − conj Z_{M−k})/(2i) (the spectra of the
// even and odd samples), X_k = A_k + W^k·B_k, W = e^{−2πi/n}. Bins k and M − k use the same
// two values: A_{M−k} = conj A_k, B_{M−k} = conj B_k and W^{M−k} = −conj W^k, so
// X_{M−k} = conj(A_k − W^k·B_k). Both are made from one pair of loads and one product, a
// tile of LANES bins [k0, k0 + LANES) together with its mirror tile (M − k0 − LANES, M − k0].
//
// A block of LANES rows (512 KiB for n = 8192) passes through the L2 cache once per step:
// rows in (transposed), the first radix-8 pass, the second, the passes that run in L1 blocks,
// and the split, which writes the rows out; the inverse runs the same steps backwards.
// (Fusing the transposes with the outer radix-8 pass, which saves one trip, was slower: the
// pass then reads or writes 8·LANES row streams at once, too many for the caches.)

/// From this M on, the split goes through a stage instead of straight to the output rows (and
/// the inverse copies its input rows to a stage first). Written straight to rows, whose lines
/// are not in the cache, the split's 2·LANES write streams fetch each line from memory and
/// push the not yet read part of z out of L2, which the split then reads back at random:
/// 20–30 % slower at n = 8192. The inverse copies whole rows in: copied in by chunks, its
/// 2·LANES short read runs defeat the prefetchers (2–3× slower at n = 8192). Not so on the
/// AVX-512 machine with the rows path of FFTSplitPermuted.h: there the merge reads the
/// spectra in place as fast as from the stage, even from memory (C harness, one thread,
/// n = 8192, spectra evicted by streaming stores before each round: merge 34 µs per block of
/// 16 rows from the stage and in place), and the 22–23 µs copy goes.
#define STAGE_SPLIT_HALF 2048
/// Whether the forward split streams through its stage from STAGE_SPLIT_HALF on (1 unless the
/// including file says otherwise). The 8-lane Float loops write straight to the rows: their
/// blocked buffer (256 KiB at n = 8192) and 16 write streams leave room in the L2 cache, and
/// their 32-byte streaming stores fill only half a line each. C harness, one thread, 256 rows
/// of n = 8192 in blocks of 8: 3.05 → 2.35 ms (minimum of 6 alternating runs).
#ifndef STREAM_FORWARD_SPLIT
#define STREAM_FORWARD_SPLIT 1
#endif
/// Bins per group of the streamed forward split (real_spectra_streamed): the stage holds two
/// groups, S4FFT_STAGE_BINS bins of X and as many mirror bins per row. A multiple of LANES.
#define GROUP_BINS (S4FFT_STAGE_BINS / 2)
/// Scalars per part (X or mirrors) of a forward stage row: two groups and the line they share.
#define STAGE_PART (4 * GROUP_BINS + LANES)
/// Scalars per inverse stage row: M + 1 bins and one vector of padding.
#define INVERSE_STAGE_PITCH(half) (2 * ((half) + 1) + LANES)

/// blocked[t·LANES + lane] = rows[lane][t] for t < count; lanes ≥ rowCount are zero.
S4FFT_INLINE void FN(gather_rows)(const REAL *const *rows, long rowCount, long count, REAL *blocked) {
  long t = 0;
  for (; t + LANES <= count; t += LANES) {
    VEC v[LANES];
    for (int r = 0; r < LANES; r++) v[r] = r < rowCount ? LOAD(rows[r] + t) : ZERO;
    FN(transpose)(v);
    for (int i = 0; i < LANES; i++) STORE(blocked + (t + i) * LANES, v[i]);
  }
  for (; t < count; t++)
    for (long lane = 0; lane < LANES; lane++) blocked[t * LANES + lane] = lane < rowCount ? rows[lane][t] : 0;
}

/// rows[lane][t] = blocked[t·LANES + lane] for t < count, lane < rowCount.
S4FFT_INLINE void FN(scatter_rows)(const REAL *blocked, long count, REAL *const *rows, long rowCount) {
  long t = 0;
  for (; t + LANES <= count; t += LANES) {
    VEC v[LANES];
    for (int i = 0; i < LANES; i++) v[i] = LOAD(blocked + (t + i) * LANES);
    FN(transpose)(v);
    for (int r = 0; r < rowCount; r++) STORE(rows[r] + t, v[r]);
  }
  for (; t < count; t++)
    for (long lane = 0; lane < rowCount; lane++) rows[lane][t] = blocked[t * LANES + lane];
}

/// Transposes (LANES/2)×(LANES/2) pairs of scalars (complex values) held in LANES/2 vectors:
/// pair r of v[c] trades places with pair c of v[r]. For Float, 8×8 pairs: pairs swap within
/// 128-bit lanes (in-lane shuffles, the cheap kind), then 128-bit lanes move in two rounds
/// (vshuff64x2, which unlike the two-table permute keeps its sources: no register copies).
/// For Float in 32-byte vectors, 4×4 pairs likewise. Elsewhere (Double) the perfect shuffle
/// of `transpose`, on pairs.
S4FFT_INLINE void FN(transpose_pairs)(VEC *v) {
#if LANES == 16
#define LO_PD(a, b) __builtin_shufflevector(a, b, 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29)
#define HI_PD(a, b) __builtin_shufflevector(a, b, 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31)
#define EVEN_128(a, b) __builtin_shufflevector(a, b, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27)
#define ODD_128(a, b) __builtin_shufflevector(a, b, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31)
  // 128-bit lane l of t[2i] (t[2i + 1]) holds pair 2l (2l + 1) of rows 2i and 2i + 1; lane
  // l of u[4h + q] holds pair column[q][l mod 2] of rows 4h + 2⌊l/2⌋ and the next; EVEN and
  // ODD_128 of u[q] and u[4 + q] then stack the four lanes of one column, rows 0 … 7.
  VEC t[8], u[8];
  for (int i = 0; i < 4; i++) {
    t[2 * i] = LO_PD(v[2 * i], v[2 * i + 1]);
    t[2 * i + 1] = HI_PD(v[2 * i], v[2 * i + 1]);
  }
  for (int h = 0; h < 2; h++) {
    u[4 * h] = EVEN_128(t[4 * h], t[4 * h + 2]);
    u[4 * h + 1] = ODD_128(t[4 * h], t[4 * h + 2]);
    u[4 * h + 2] = EVEN_128(t[4 * h + 1], t[4 * h + 3]);
    u[4 * h + 3] = ODD_128(t[4 * h + 1], t[4 * h + 3]);
  }
  static const int column[4][2] = {{0, 4}, {2, 6}, {1, 5}, {3, 7}};
  for (int i = 0; i < 4; i++) {
    v[column[i][0]] = EVEN_128(u[i], u[4 + i]);
    v[column[i][1]] = ODD_128(u[i], u[4 + i]);
  }
#undef LO_PD
#undef HI_PD
#undef EVEN_128
#undef ODD_128
#elif VECTOR_BYTES == 32
  // Float in 32-byte vectors: 4×4 pairs, one in-lane round (vunpcklpd/vunpckhpd) and one
  // round of 128-bit lane moves (vperm2f128). Lane l of t[2i] (t[2i + 1]) holds pair 2l
  // (2l + 1) of rows 2i and 2i + 1.
#define LO_PD(a, b) __builtin_shufflevector(a, b, 0, 1, 8, 9, 4, 5, 12, 13)
#define HI_PD(a, b) __builtin_shufflevector(a, b, 2, 3, 10, 11, 6, 7, 14, 15)
#define LOW_128(a, b) __builtin_shufflevector(a, b, 0, 1, 2, 3, 8, 9, 10, 11)
#define HIGH_128(a, b) __builtin_shufflevector(a, b, 4, 5, 6, 7, 12, 13, 14, 15)
  VEC t[4];
  for (int i = 0; i < 2; i++) {
    t[2 * i] = LO_PD(v[2 * i], v[2 * i + 1]);
    t[2 * i + 1] = HI_PD(v[2 * i], v[2 * i + 1]);
  }
  v[0] = LOW_128(t[0], t[2]);
  v[2] = HIGH_128(t[0], t[2]);
  v[1] = LOW_128(t[1], t[3]);
  v[3] = HIGH_128(t[1], t[3]);
#undef LO_PD
#undef HI_PD
#undef LOW_128
#undef HIGH_128
#else
  VEC t[LANES / 2];
#pragma clang loop unroll(full)
  for (int round = 0; round < LOG2_LANES - 1; round++) {
#pragma clang loop unroll(full)
    for (int i = 0; i < LANES / 4; i++) {
      t[2 * i] = PAIR_LO(v[i], v[i + LANES / 4]);
      t[2 * i + 1] = PAIR_HI(v[i], v[i + LANES / 4]);
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < LANES / 2; i++) v[i] = t[i];
  }
#endif
}

/// The split's interleave of (re, im) into lane pairs, which make two vectors of E = LANES/2
/// rows each (PAIRS_LO, PAIRS_HI), and the row that pair r of each holds (PAIRS_LO_ROW,
/// PAIRS_HI_ROW, increasing in r): rows < E and ≥ E unless the including file defines them
/// otherwise (the 8-lane Float loops interleave within 128-bit lanes).
#ifndef PAIRS_LO
#define PAIRS_LO INTERLEAVE_LO
#define PAIRS_HI INTERLEAVE_HI
#define PAIRS_LO_ROW(r) (r)
#define PAIRS_HI_ROW(r) (LANES / 2 + (r))
#endif
/// The inverse merge's split of interleaved (re, im) into real and imaginary parts of LANES
/// bins, and the lane that holds bin j of the LANES: bin j in lane j unless the including file
/// defines them otherwise (as above).
#ifndef DEINTERLEAVE_RE
#define DEINTERLEAVE_RE EVEN
#define DEINTERLEAVE_IM ODD
#define DEINTERLEAVED_AT(j) (j)
#endif

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

/// Half h of tile k0 (E = LANES/2 bins k0 + h·E + e, e < E, and their mirrors) from Z
/// (bit-reversed; tile, below and top: the bit-reversed tile, the aligned tile below M − k0,
/// and M − k0; low[i] = rev(i)): xlo/xhi[r] become row PAIRS_LO_ROW(r) / PAIRS_HI_ROW(r)'s E
/// bins of X, interleaved complex; ylo/yhi[r] the same rows' mirror bins M − k0 − h·E − E + 1 …
/// M − k0 − h·E, ascending.
///
/// Interleaving real and imaginary parts makes E vectors of E complex values (lane pairs) per
/// half-row group, and a transpose of pairs turns them into one row vector of E bins each:
/// fewer shuffles than transposing the real and imaginary parts apart, and few enough live
/// vectors to stay in registers.
S4FFT_INLINE void FN(split_half_tile)(const REAL *z, const REAL *roots, const long *low, long k0, int h, long tile,
                                      long below, long top, VEC *xlo, VEC *xhi, VEC *ylo, VEC *yhi) {
  enum { E = LANES / 2 };
#pragma clang loop unroll(full)
  for (int e = 0; e < E; e++) {
    int i = h * E + e;
    const REAL *zp = z + (tile | low[i]) * ELEMENT;
    const REAL *cp = z + (i == 0 ? top : below | low[LANES - i]) * ELEMENT;
    REAL wr = roots[2 * (k0 + i)], wi = roots[2 * (k0 + i) + 1];
    VEC xr, xi, yr, yi;
    S4FFT_SPLIT(LOAD(zp), LOAD(zp + LANES), LOAD(cp), LOAD(cp + LANES), wr, wi, xr, xi, yr, yi);
    xlo[e] = PAIRS_LO(xr, xi);
    xhi[e] = PAIRS_HI(xr, xi);
    ylo[E - 1 - e] = PAIRS_LO(yr, yi);  // mirror bin M − k0 − i
    yhi[E - 1 - e] = PAIRS_HI(yr, yi);
  }
  FN(transpose_pairs)(xlo);
  FN(transpose_pairs)(xhi);
  FN(transpose_pairs)(ylo);
  FN(transpose_pairs)(yhi);
}

/// The half spectra of every lane for the tiles k0 ∈ [begin, end) (multiples of LANES,
/// end ≤ M/2, M ≥ 2·LANES) from Z (bit-reversed): X_k to xRows[r] + 2k + xShift, X_{M−k} to
/// yRows[r] + 2(M − k) + yShift, interleaved complex; roots: W_n^k/2, k ≤ M/2. A tile is done
/// in two halves of E = LANES/2 bins (split_half_tile), each half's mirrors filling the other
/// half of the mirror tile.
S4FFT_INLINE void FN(real_spectra_tiles)(const REAL *z, long half, const REAL *roots, long begin, long end, REAL *const *xRows, long xShift, REAL *const *yRows, long yShift, long rowCount) {
  enum { E = LANES / 2 };
  int bits = FN(log2_of)(half);
  long low[LANES];  // rev(i) for i < LANES: rev(k0 + i) = rev(k0) | rev(i) when LANES divides k0
  for (long i = 0; i < LANES; i++) low[i] = FN(reverse_bits)(i, bits);
  for (long k0 = begin; k0 < end; k0 += LANES) {
    // Partners M − k0 − i: the aligned tile below M − k0 (i ≥ 1), and M − k0 itself (i = 0).
    long tile = FN(reverse_bits)(k0, bits), below = FN(reverse_bits)(half - k0 - LANES, bits);
    long top = FN(reverse_bits)((half - k0) & (half - 1), bits);
    long mirror = half - k0 - (LANES - 1);  // bins mirror … M − k0 hold X_{M−k}
#pragma clang loop unroll(full)
    for (int h = 0; h < 2; h++) {
      VEC xlo[E], xhi[E], ylo[E], yhi[E];  // rows < E resp. ≥ E
      FN(split_half_tile)(z, roots, low, k0, h, tile, below, top, xlo, xhi, ylo, yhi);
      long xAt = 2 * (k0 + h * E) + xShift, yAt = 2 * (mirror + (1 - h) * E) + yShift;
      for (int r = 0; r < E && PAIRS_LO_ROW(r) < rowCount; r++) {  // the rows increase with r
        STORE(xRows[PAIRS_LO_ROW(r)] + xAt, xlo[r]);
        STORE(yRows[PAIRS_LO_ROW(r)] + yAt, ylo[r]);
      }
      for (int r = 0; r < E && PAIRS_HI_ROW(r) < rowCount; r++) {
        STORE(xRows[PAIRS_HI_ROW(r)] + xAt, xhi[r]);
        STORE(yRows[PAIRS_HI_ROW(r)] + yAt, yhi[r]);
      }
    }
  }
}

/// Bins k ∈ [begin, last] and M − k of every lane, one at a time: short transforms, and the
/// middle bin k = M/2 (whose mirror is itself) of long ones.
S4FFT_INLINE void FN(real_spectra_bins)(const REAL *z, long half, const REAL *roots, long begin, long last, REAL *const *rows, long rowCount) {
  int bits = half > 1 ? FN(log2_of)(half) : 0;
  for (long k = begin; k <= last; k++) {
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

S4FFT_INLINE void FN(real_spectra_inverse)(const REAL *const *rows, long rowCount, const REAL *zeroRow, long half, const REAL *roots, REAL scale, REAL *z) {
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
        xr[r] = DEINTERLEAVE_RE(a, b);
        xi[r] = DEINTERLEAVE_IM(a, b);
        a = LOAD(row + 2 * mirror);
        b = LOAD(row + 2 * mirror + LANES);
        cr[r] = DEINTERLEAVE_RE(a, b);
        ci[r] = DEINTERLEAVE_IM(a, b);
      }
      FN(transpose)(xr);
      FN(transpose)(xi);
      FN(transpose)(cr);
      FN(transpose)(ci);
      if (k0 == 0) {  // the imaginary parts of bins 0 and M are ignored
        xi[DEINTERLEAVED_AT(0)] = ZERO;
        ci[DEINTERLEAVED_AT(LANES - 1)] = ZERO;
      }
      long tile = FN(reverse_bits)(k0, bits), below = FN(reverse_bits)(half - k0 - LANES, bits);
      long top = FN(reverse_bits)((half - k0) & (half - 1), bits);
#pragma clang loop unroll(full)
      for (int i = 0; i < LANES; i++) {
        REAL wr = roots[2 * (k0 + i)], wi = roots[2 * (k0 + i) + 1];
        VEC zr, zi, mr, mi;
        int x = DEINTERLEAVED_AT(i), c = DEINTERLEAVED_AT(LANES - 1 - i);
        S4FFT_MERGE(xr[x], xi[x], cr[c], ci[c], wr, wi, s, zr, zi, mr, mi);
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

/// The stage of the streamed split: for each row r, where its output starts within a line
/// (m_r scalars past a boundary; e_r = (m_r + 2) mod LANES, see real_spectra_streamed) and its
/// two stage parts.
typedef struct {
  long m[LANES], e[LANES];
  REAL *x[LANES], *y[LANES];
} FN(split_stage);

/// Writes group g of `groups` (bins [c, c + T) and their mirrors, c = g·T) from its stage slot
/// to the output rows: its whole lines with streaming stores, and with plain stores the
/// partial lines at the ends of the row (first group) and next to the middle bin (last group).
S4FFT_INLINE void FN(stream_group)(const FN(split_stage) * st, REAL *const *spectra, long rowCount, long half, long g, long groups) {
  enum { T = GROUP_BINS, LINES = 2 * GROUP_BINS / LANES };
  long slot = g & 1, c = g * T, yBase = half - c - T + 1;
  for (long r = 0; r < rowCount; r++) {
    long m = st->m[r], e = st->e[r];
    REAL *xOut = spectra[r] + 2 * c - m, *yOut = spectra[r] + 2 * yBase - e;
    const REAL *x = st->x[r] + slot * 2 * T, *y = st->y[r] + (1 - slot) * 2 * T;
    long xFirst = 0, yLast = LINES;  // X lines 0 … LINES − 1, mirror lines 1 … LINES
    if (g == 0) {  // X line 0 starts before the row, mirror line LINES runs past its end
      memcpy(xOut + m, x + m, sizeof(REAL) * (size_t)(LANES - m));
      memcpy(yOut + 2 * T, y + 2 * T, sizeof(REAL) * (size_t)e);
      xFirst = 1;
      yLast = LINES - 1;
    }
    for (long l = xFirst; l < LINES; l++) __builtin_nontemporal_store(LOAD(x + l * LANES), (VEC *)(xOut + l * LANES));
    for (long l = 1; l <= yLast; l++) __builtin_nontemporal_store(LOAD(y + l * LANES), (VEC *)(yOut + l * LANES));
    if (g == groups - 1) {  // X line LINES and mirror line 0 end at the middle bin
      memcpy(xOut + 2 * T, x + 2 * T, sizeof(REAL) * (size_t)m);
      memcpy(yOut + e, y + e, sizeof(REAL) * (size_t)(LANES - e));
    }
  }
}

/// The split of bins [0, M/2) and their mirrors to the output rows in groups of T =
/// GROUP_BINS bins, each written with streaming stores of whole lines (no read for ownership
/// of the output lines) soon after it is computed, so that the writes to memory drain while
/// the next group is computed; a separate copy of larger chunks stalls on them.
///
/// Row r starts m_r scalars past a line boundary, so its row vectors straddle the lines. X
/// goes to stage part x[r] at offset m_r + 2(k − c), the mirrors of the group (scalars from
/// 2·(M − c − T + 1) ≡ 2 mod LANES) to y[r] at offset e_r, e_r = (m_r + 2) mod LANES: stage
/// offsets equal output addresses mod LANES, so that stage lines are output lines. Each part
/// holds two group slots, at offsets 0 and 2T, that share the line at 2T (slot = g mod 2). X
/// runs upwards, even groups at offset 0 and odd ones at 2T: the partial top line of a group
/// is line 0 of the next. The mirrors run downwards, even groups at 2T and odd ones at 0: the
/// partial line 0 of a group is the top line of the next. From an odd group to an even one
/// the partial line is copied across the part.
///
/// An even group is written out after the next group is computed, not at once, so that the
/// copy does not load lines from stores still in flight (a load from two pending stores waits
/// for both); an odd group goes before the next group, which overwrites the shared line.
S4FFT_INLINE void FN(real_spectra_streamed)(const REAL *z, long half, const REAL *roots, REAL *stage, REAL *const *spectra, long rowCount) {
  enum { T = GROUP_BINS };
  FN(split_stage) st;
  for (long r = 0; r < rowCount; r++) {
    st.m[r] = (long)(((unsigned long)spectra[r] / sizeof(REAL)) & (LANES - 1));
    st.e[r] = (st.m[r] + 2) & (LANES - 1);
    st.x[r] = stage + 2 * r * STAGE_PART;
    st.y[r] = st.x[r] + STAGE_PART;
  }
  long groups = half / 2 / T;
  for (long g = 0; g < groups; g++) {
    long slot = g & 1, c = g * T;
    if (g > 0 && slot == 0) {
      FN(stream_group)(&st, spectra, rowCount, half, g - 1, groups);
      for (long r = 0; r < rowCount; r++) {
        STORE(st.x[r], LOAD(st.x[r] + 4 * T));
        STORE(st.y[r] + 4 * T, LOAD(st.y[r]));
      }
    }
    REAL *xAt[LANES], *yAt[LANES];
    for (long r = 0; r < rowCount; r++) {
      xAt[r] = st.x[r] + slot * 2 * T + st.m[r];
      yAt[r] = st.y[r] + (1 - slot) * 2 * T + st.e[r];
    }
    FN(real_spectra_tiles)(z, half, roots, c, c + T, xAt, -2 * c, yAt, -2 * (half - c - T + 1), rowCount);
    if (slot == 1) FN(stream_group)(&st, spectra, rowCount, half, g - 1, groups);
  }
  FN(stream_group)(&st, spectra, rowCount, half, groups - 1, groups);
}

#if defined(S4FFT_PERMUTED_SPLIT)
#include "FFTSplitPermuted.h"
#endif

S4FFT_CLONES void FN(s4fft_rfft_rows)(const REAL *const *rows, long rowCount, long half, const REAL *twiddles, const REAL *roots, REAL *z, REAL *stage, REAL *const *spectra, int permuted) {
  FN(gather_rows)(rows, rowCount, 2 * half, z);
  FN(s4fft_forward)(z, half, twiddles);
  if (half < 2 * LANES) {
    FN(real_spectra_bins)(z, half, roots, 0, half / 2, spectra, rowCount);
    return;
  }
  if (half < STAGE_SPLIT_HALF || !STREAM_FORWARD_SPLIT)
    FN(real_spectra_tiles)(z, half, roots, 0, half / 2, spectra, 0, spectra, 0, rowCount);
#if defined(S4FFT_PERMUTED_SPLIT)
  else if (permuted && s4_cpu_runs_x86_64_v4())
    FN(real_spectra_permuted)(z, half, roots, stage, spectra, rowCount);
#endif
  else
    FN(real_spectra_streamed)(z, half, roots, stage, spectra, rowCount);
  FN(real_spectra_bins)(z, half, roots, half / 2, half / 2, spectra, rowCount);
#if defined(__x86_64__)
  __builtin_ia32_sfence();  // the streaming stores before any later store (a thread's handoff)
#endif
}

S4FFT_CLONES void FN(s4fft_irfft_rows)(const REAL *const *spectra, long rowCount, const REAL *zeroRow, long half, const REAL *twiddles, const REAL *roots, REAL *z, REAL *stage, REAL *const *rows, int permuted) {
  const REAL *staged[LANES];
  int linesPermuted = 0;  // the AVX-512 rows path: it reads the spectra where they are
#if defined(S4FFT_PERMUTED_SPLIT)
  linesPermuted = permuted && half >= STAGE_SPLIT_HALF && s4_cpu_runs_x86_64_v4();
#endif
  if (half >= STAGE_SPLIT_HALF && !linesPermuted) {
    for (long r = 0; r < rowCount; r++) {
      staged[r] = stage + r * INVERSE_STAGE_PITCH(half);
      memcpy(stage + r * INVERSE_STAGE_PITCH(half), spectra[r], sizeof(REAL) * 2 * (size_t)(half + 1));
    }
    spectra = staged;
  }
  // Z/M: the unscaled inverse of length M then returns z itself.
  FN(real_spectra_inverse)(spectra, rowCount, zeroRow, half, roots, 1 / (REAL)half, z);
  FN(s4fft_inverse)(z, half, twiddles);
#if defined(S4FFT_PERMUTED_SPLIT)
  if (linesPermuted) {
    FN(scatter_rows_permuted)(z, 2 * half, stage, rows, rowCount);
    __builtin_ia32_sfence();
    return;
  }
#endif
  FN(scatter_rows)(z, 2 * half, rows, rowCount);
}

#undef S4FFT_SPLIT
#undef S4FFT_MERGE
#undef STAGE_SPLIT_HALF
#undef STREAM_FORWARD_SPLIT
#undef PAIRS_LO
#undef PAIRS_HI
#undef PAIRS_LO_ROW
#undef PAIRS_HI_ROW
#undef DEINTERLEAVE_RE
#undef DEINTERLEAVE_IM
#undef DEINTERLEAVED_AT
#undef GROUP_BINS
#undef STAGE_PART
#undef INVERSE_STAGE_PITCH
