// The output of long real transforms (FFTRealSignals.h) on CPUs with AVX-512, forward split
// and inverse rows: every output line goes out with one aligned streaming store as soon as it
// is formed, without the stage of real_spectra_streamed (forward) and without reading the
// destination lines in first (inverse). Included by FFTRealSignals.h for the 16-lane Float
// loops on x86-64 (S4FFT_PERMUTED_SPLIT); s4fft_rfft_rows and s4fft_irfft_rows call it when
// the CPU runs x86-64-v4 code.
//
// Row r starts m_r floats past a line boundary, so the vector of 8 bins (16 floats) that the
// split forms for it straddles two lines. Output line j of the X part holds the upper m_r
// floats of chunk j − 1 and the lower 16 − m_r of chunk j: one two-table permute (vpermt2ps)
// of the previous chunk, kept per row in `carry`, and the current one. The mirror part runs
// downwards from an offset ≡ 2 (mod 16), so it uses e_r = (m_r + 2) mod 16 and the chunk
// above. Against the stage this trades an unaligned store (two lines), a reload and a copy
// per vector for one permute, and the streaming stores interleave with the arithmetic
// instead of leaving in bursts that stall the next group's loads. C harness, one thread, 16
// blocks of 16 rows, n = 8192: split 0.75–0.79 → 0.67–0.70 ms; two threads, whole transform
// 0.93–0.95 → 0.87–0.89 ms (median of 200). s4-bench fft, (256, 8192), alternating with the
// staged build on a noisy 2-core VM: median 0.84–1.04 ms against 0.92–1.01 ms, minimum
// 0.80–0.91 against 0.87–0.90 ms.
//
// A portable version that forms each line by an unaligned load from a [previous | current]
// buffer was 1.5–2× slower than the stage: the load spans two stores in flight and waits for
// both (no store forwarding).
#include <immintrin.h>
#include <stdint.h>

#include "CPULevel.h"

#define S4FFT_PERMUTED __attribute__((target("arch=x86-64-v4"), always_inline)) static inline

/// Writes the lanes of line `at` (float offset from the row's first line boundary) that fall
/// in [lo, hi): the whole line with a streaming store, or the part with a masked store at the
/// ends of a part (the row's first and last lines, and the lines beside the middle bin).
S4FFT_PERMUTED void FN(emit_line)(REAL *lines, long at, long lo, long hi, __m512 v) {
  if (at >= lo && at + LANES <= hi) {
    _mm512_stream_ps(lines + at, v);
    return;
  }
  __m512i position = _mm512_add_epi32(
    _mm512_set1_epi32((int)at), _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  __mmask16 inside = _mm512_cmpge_epi32_mask(position, _mm512_set1_epi32((int)lo)) &
                     _mm512_cmplt_epi32_mask(position, _mm512_set1_epi32((int)hi));
  if (inside) _mm512_mask_storeu_ps(lines + at, inside, v);
}

/// Bins [0, M/2) and their mirrors (M/2, M] of every row from Z (bit-reversed); the middle
/// bin is left to real_spectra_bins. carry: 2·LANES·LANES floats of scratch.
__attribute__((target("arch=x86-64-v4"))) static void FN(real_spectra_permuted)(
  const REAL *z, long half, const REAL *roots, REAL *carry, REAL *const *spectra, long rowCount) {
  enum { E = LANES / 2 };
  int bits = FN(log2_of)(half);
  long low[LANES];
  for (long i = 0; i < LANES; i++) low[i] = FN(reverse_bits)(i, bits);
  // Per row: its first line boundary, m_r, and the permutes' index vectors: lane i takes
  // element 16 − s + i of (previous chunk, current chunk), s = m_r (X) or e_r (mirrors).
  REAL *lines[LANES];
  long m[LANES];
  __m512i xIndex[LANES], yIndex[LANES];
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  for (long r = 0; r < rowCount; r++) {
    m[r] = (long)(((uintptr_t)spectra[r] / sizeof(REAL)) & (LANES - 1));
    lines[r] = spectra[r] - m[r];
    xIndex[r] = _mm512_add_epi32(iota, _mm512_set1_epi32((int)(LANES - m[r])));
    yIndex[r] = _mm512_add_epi32(iota, _mm512_set1_epi32((int)(LANES - ((m[r] + 2) & (LANES - 1)))));
  }
  REAL *xCarry = carry, *yCarry = carry + LANES * LANES;
  for (long k0 = 0; k0 < half / 2; k0 += LANES) {
    long tile = FN(reverse_bits)(k0, bits), below = FN(reverse_bits)(half - k0 - LANES, bits);
    long top = FN(reverse_bits)((half - k0) & (half - 1), bits);
#pragma clang loop unroll(full)
    for (int h = 0; h < 2; h++) {
      VEC xlo[E], xhi[E], ylo[E], yhi[E];  // as in real_spectra_tiles
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
        ylo[E - 1 - e] = PAIRS_LO(yr, yi);
        yhi[E - 1 - e] = PAIRS_HI(yr, yi);
      }
      FN(transpose_pairs)(xlo);
      FN(transpose_pairs)(xhi);
      FN(transpose_pairs)(ylo);
      FN(transpose_pairs)(yhi);
      // X chunk j covers floats [16j, 16j + 16) of the row, its line offset 16j; the mirror
      // chunk covers floats from d = 2M − 2k0 − 14 − 16h, in line c = (d + m − e)/16, and
      // completes line c + 1 with the chunk above it.
      long j = k0 / E + h, d = 2 * half - 2 * k0 - 14 - LANES * h;
#pragma clang loop unroll(full)
      for (int r = 0; r < LANES; r++) {
        if (r >= rowCount) break;
        __m512 x = (__m512)(r < E ? xlo[r] : xhi[r - E]), y = (__m512)(r < E ? ylo[r] : yhi[r - E]);
        long mr = m[r], c = (d + mr - ((mr + 2) & (LANES - 1))) / LANES;
        FN(emit_line)(lines[r], LANES * j, mr, half + mr,
                      _mm512_permutex2var_ps(_mm512_loadu_ps(xCarry + LANES * r), xIndex[r], x));
        FN(emit_line)(lines[r], LANES * (c + 1), half + 2 + mr, 2 * half + 2 + mr,
                      _mm512_permutex2var_ps(y, yIndex[r], _mm512_loadu_ps(yCarry + LANES * r)));
        _mm512_storeu_ps(xCarry + LANES * r, x);
        _mm512_storeu_ps(yCarry + LANES * r, y);
      }
    }
  }
  // The lines that hold only the last X chunk's upper part and the lowest mirror chunk's
  // lower part (both end beside the middle bin).
  for (long r = 0; r < rowCount; r++) {
    long mr = m[r], lowest = half + 2;
    long c = (lowest + mr - ((mr + 2) & (LANES - 1))) / LANES;
    FN(emit_line)(lines[r], half, mr, half + mr,
                  _mm512_permutex2var_ps(_mm512_loadu_ps(xCarry + LANES * r), xIndex[r], _mm512_setzero_ps()));
    FN(emit_line)(lines[r], LANES * c, half + 2 + mr, 2 * half + 2 + mr,
                  _mm512_permutex2var_ps(_mm512_setzero_ps(), yIndex[r], _mm512_loadu_ps(yCarry + LANES * r)));
  }
}

/// rows[r][t] = blocked[t·LANES + r] for t < count (a multiple of LANES), r < rowCount, each
/// line of a row formed by one permute of two consecutive transposed vectors and streamed out
/// (the inverse's counterpart of the split above). carry: LANES·LANES floats of scratch.
/// Against ordinary stores of the transposed vectors, which read every destination line in
/// first: s4-bench fft, alternating builds, fft.inverse (256, 8192) 1.41–1.62 → 1.15–1.35 ms,
/// (2048, 8192) 16.2–17.0 → 9.3–10.4 ms.
__attribute__((target("arch=x86-64-v4"))) static void FN(scatter_rows_permuted)(
  const REAL *blocked, long count, REAL *carry, REAL *const *rows, long rowCount) {
  REAL *lines[LANES];
  long m[LANES];
  __m512i index[LANES];
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  for (long r = 0; r < rowCount; r++) {
    m[r] = (long)(((uintptr_t)rows[r] / sizeof(REAL)) & (LANES - 1));
    lines[r] = rows[r] - m[r];
    index[r] = _mm512_add_epi32(iota, _mm512_set1_epi32((int)(LANES - m[r])));
  }
  for (long t = 0; t < count; t += LANES) {
    VEC v[LANES];
    for (int i = 0; i < LANES; i++) v[i] = LOAD(blocked + (t + i) * LANES);
    FN(transpose)(v);
    for (int r = 0; r < LANES; r++) {
      if (r >= rowCount) break;
      FN(emit_line)(lines[r], t, m[r], count + m[r],
                    _mm512_permutex2var_ps(_mm512_loadu_ps(carry + LANES * r), index[r], (__m512)v[r]));
      _mm512_storeu_ps(carry + LANES * r, (__m512)v[r]);
    }
  }
  for (long r = 0; r < rowCount; r++)
    FN(emit_line)(lines[r], count, m[r], count + m[r],
                  _mm512_permutex2var_ps(_mm512_loadu_ps(carry + LANES * r), index[r], _mm512_setzero_ps()));
}

#undef S4FFT_PERMUTED
