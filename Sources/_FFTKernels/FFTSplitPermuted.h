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
// Each row's whole lines leave in adjacent pairs (128 bytes), spread over the steps, rather
// than one line per row per step: the streaming stores of one line at a time overlapped
// little with the arithmetic (the split took its arithmetic plus the time to write the lines
// out), pairs overlap. s4-bench fft, alternating with the one-line build (4 rounds):
// fft.forward (256, 8192) median 0.78–0.87 ms against 0.87–1.09 ms, (2048, 8192) 6.2–7.0 ms
// against 7.1–9.1 ms; fft.inverse (256, 8192) 1.05–1.28 ms against 1.15–1.36 ms.
//
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

/// Where each row's output lines lie and how its lines are formed: row r starts m_r floats
/// past a line boundary, its X line j is at xLines[r] + 16j, and the mirror line of a tile
/// at yLines[r] + yAt (xLines[r], or the next line when e_r < 2); the permutes' index
/// vectors take element 16 − s + i of (previous chunk, current chunk), s = m_r (X) or e_r
/// (mirrors).
typedef struct {
  REAL *xLines[LANES], *yLines[LANES];
  long m[LANES];
  __m512i xIndex[LANES], yIndex[LANES];
} FN(split_rows);

/// Scratch of the permuted split, LANES·LANES floats per part: the previous X and mirror
/// chunk of each row (the permutes' carry), the tile's first X line, and its two mirror lines.
enum { SPLIT_X_CARRY, SPLIT_Y_CARRY, SPLIT_X_FIRST, SPLIT_Y_FIRST, SPLIT_Y_SECOND, SPLIT_SCRATCH_PARTS };

/// Bins [k0, k0 + LANES) and their mirrors of every row (both halves of the tile). The first
/// tile (k0 = 0) writes each line as soon as it is formed, masked where a part begins or
/// ends. Every later line is whole, and each row's lines leave in adjacent pairs (128
/// bytes): the tile's two X lines after its second half, and its two mirror lines during the
/// first half of the next tile (`mirrorsDue`), so that the streaming stores spread evenly over
/// the arithmetic. One line at a time, the same stores took a third longer (C harness, one
/// thread, n = 8192: split 44 → 32 µs per block of 16 rows; pairs written in a burst after
/// each tile, 36 µs; groups of four lines, 40 µs).
S4FFT_PERMUTED void FN(split_tile_permuted)(const REAL *z, long half, int bits, const long *low, const REAL *roots,
                                            long k0, const FN(split_rows) * rows, REAL *scratch, long rowCount,
                                            int mirrorsDue) {
  enum { E = LANES / 2, PART = LANES * LANES };
  long tile = FN(reverse_bits)(k0, bits), below = FN(reverse_bits)(half - k0 - LANES, bits);
  long top = FN(reverse_bits)((half - k0) & (half - 1), bits);
#pragma clang loop unroll(full)
  for (int h = 0; h < 2; h++) {
    VEC xlo[E], xhi[E], ylo[E], yhi[E];  // rows < E resp. ≥ E
    FN(split_half_tile)(z, roots, low, k0, h, tile, below, top, xlo, xhi, ylo, yhi);
    // The X chunk covers floats [16j, 16j + 16) of the row and completes line j (line
    // offset xAt); the mirror chunk covers floats from 2M − 2k0 − 14 − 16h and, with the
    // chunk above it, completes the line at yLines[r] + yAt.
    long xAt = LANES * (k0 / E + h), yAt = 2 * half - 2 * k0 - LANES * h;
#pragma clang loop unroll(full)
    for (int r = 0; r < LANES; r++) {
      if (r >= rowCount) break;
      REAL *xCarry = scratch + SPLIT_X_CARRY * PART + LANES * r, *yCarry = scratch + SPLIT_Y_CARRY * PART + LANES * r;
      REAL *xFirst = scratch + SPLIT_X_FIRST * PART + LANES * r;
      REAL *yFirst = scratch + SPLIT_Y_FIRST * PART + LANES * r, *ySecond = scratch + SPLIT_Y_SECOND * PART + LANES * r;
      __m512 x = (__m512)(r < E ? xlo[r] : xhi[r - E]), y = (__m512)(r < E ? ylo[r] : yhi[r - E]);
      __m512 xLine = _mm512_permutex2var_ps(_mm512_loadu_ps(xCarry), rows->xIndex[r], x);
      __m512 yLine = _mm512_permutex2var_ps(y, rows->yIndex[r], _mm512_loadu_ps(yCarry));
      if (k0 == 0) {
        long mr = rows->m[r];
        FN(emit_line)(rows->xLines[r], xAt, mr, half + mr, xLine);
        FN(emit_line)(rows->xLines[r], yAt + (rows->yLines[r] - rows->xLines[r]), half + 2 + mr, 2 * half + 2 + mr,
                      yLine);
      } else if (h == 0) {
        if (mirrorsDue) {  // the previous tile's, above this tile's first mirror line
          _mm512_stream_ps(rows->yLines[r] + yAt + 2 * LANES, _mm512_loadu_ps(yFirst));
          _mm512_stream_ps(rows->yLines[r] + yAt + LANES, _mm512_loadu_ps(ySecond));
        }
        _mm512_storeu_ps(xFirst, xLine);
        _mm512_storeu_ps(yFirst, yLine);
      } else {
        _mm512_stream_ps(rows->xLines[r] + xAt - LANES, _mm512_loadu_ps(xFirst));
        _mm512_stream_ps(rows->xLines[r] + xAt, xLine);
        _mm512_storeu_ps(ySecond, yLine);
      }
      _mm512_storeu_ps(xCarry, x);
      _mm512_storeu_ps(yCarry, y);
    }
  }
}

/// Bins [0, M/2) and their mirrors (M/2, M] of every row from Z (bit-reversed); the middle
/// bin is left to real_spectra_bins. scratch: SPLIT_SCRATCH_PARTS·LANES·LANES floats.
__attribute__((target("arch=x86-64-v4"))) static void FN(real_spectra_permuted)(
  const REAL *z, long half, const REAL *roots, REAL *scratch, REAL *const *spectra, long rowCount) {
  enum { PART = LANES * LANES };
  _Static_assert(SPLIT_SCRATCH_PARTS * PART <= 2 * LANES * (2 * S4FFT_STAGE_BINS + LANES), "the stage holds the scratch");
  int bits = FN(log2_of)(half);
  long low[LANES];
  for (long i = 0; i < LANES; i++) low[i] = FN(reverse_bits)(i, bits);
  FN(split_rows) rows;
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  for (long r = 0; r < rowCount; r++) {
    long m = (long)(((uintptr_t)spectra[r] / sizeof(REAL)) & (LANES - 1)), e = (m + 2) & (LANES - 1);
    rows.m[r] = m;
    rows.xLines[r] = spectra[r] - m;
    rows.yLines[r] = rows.xLines[r] + (m - e + 2);  // m − e is −2, or 14 when m + 2 ≥ 16
    rows.xIndex[r] = _mm512_add_epi32(iota, _mm512_set1_epi32((int)(LANES - m)));
    rows.yIndex[r] = _mm512_add_epi32(iota, _mm512_set1_epi32((int)(LANES - e)));
  }
  long k0 = 0;
  for (; k0 < half / 2; k0 += LANES)
    FN(split_tile_permuted)(z, half, bits, low, roots, k0, &rows, scratch, rowCount, k0 > LANES);
  for (long r = 0; r < rowCount; r++) {
    // The last tile's mirror lines (yAt of a tile at k0, the end), then the lines that hold
    // only the last X chunk's upper part and the lowest mirror chunk's lower part (both end
    // beside the middle bin).
    long mr = rows.m[r], yAt = 2 * half - 2 * k0;
    _mm512_stream_ps(rows.yLines[r] + yAt + 2 * LANES, _mm512_loadu_ps(scratch + SPLIT_Y_FIRST * PART + LANES * r));
    _mm512_stream_ps(rows.yLines[r] + yAt + LANES, _mm512_loadu_ps(scratch + SPLIT_Y_SECOND * PART + LANES * r));
    long c = (half + 2 + mr - ((mr + 2) & (LANES - 1))) / LANES;
    __m512 xCarry = _mm512_loadu_ps(scratch + SPLIT_X_CARRY * PART + LANES * r);
    __m512 yCarry = _mm512_loadu_ps(scratch + SPLIT_Y_CARRY * PART + LANES * r);
    FN(emit_line)(rows.xLines[r], half, mr, half + mr,
                  _mm512_permutex2var_ps(xCarry, rows.xIndex[r], _mm512_setzero_ps()));
    FN(emit_line)(rows.xLines[r], LANES * c, half + 2 + mr, 2 * half + 2 + mr,
                  _mm512_permutex2var_ps(_mm512_setzero_ps(), rows.yIndex[r], yCarry));
  }
}

/// rows[r][t] = blocked[t·LANES + r] for t < count (a multiple of LANES), r < rowCount, each
/// line of a row formed by one permute of two consecutive transposed vectors and streamed out
/// (the inverse's counterpart of the split above). scratch: 3·LANES·LANES floats (the carry
/// and two pending lines per row). Against ordinary stores of the transposed vectors, which
/// read every destination line in first: s4-bench fft, alternating builds, fft.inverse (256,
/// 8192) 1.41–1.62 → 1.15–1.35 ms, (2048, 8192) 16.2–17.0 → 9.3–10.4 ms.
///
/// The first and last line of a row may be partial (masked stores); the lines between leave
/// in adjacent pairs, steps 2s − 1 and 2s (s ≥ 1), like the forward split's: rows < LANES/2
/// at step 2s, the others one step later, so that each step streams LANES lines out. C
/// harness, one thread, n = 8192: 41 µs per block of 16 rows one line at a time, 32 µs in
/// pairs all at step 2s, 29.5 µs spread.
__attribute__((target("arch=x86-64-v4"))) static void FN(scatter_rows_permuted)(
  const REAL *blocked, long count, REAL *scratch, REAL *const *rows, long rowCount) {
  enum { PART = LANES * LANES };
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
    long step = t / LANES;
    int edge = t == 0 || t + LANES == count, even = (step & 1) == 0;
    for (int r = 0; r < LANES; r++) {
      if (r >= rowCount) break;
      REAL *carry = scratch + LANES * r, *odd = scratch + PART + LANES * r, *held = scratch + 2 * PART + LANES * r;
      __m512 line = _mm512_permutex2var_ps(_mm512_loadu_ps(carry), index[r], (__m512)v[r]);
      int late = r >= LANES / 2;
      if (!even && step > 1 && late) {  // the pair of steps t − 2, t − 1
        _mm512_stream_ps(lines[r] + t - 2 * LANES, _mm512_loadu_ps(odd));
        _mm512_stream_ps(lines[r] + t - LANES, _mm512_loadu_ps(held));
      }
      if (edge) {
        if (t > 0 && even) _mm512_stream_ps(lines[r] + t - LANES, _mm512_loadu_ps(odd));
        FN(emit_line)(lines[r], t, m[r], count + m[r], line);
      } else if (!even) {
        _mm512_storeu_ps(odd, line);
      } else if (late) {
        _mm512_storeu_ps(held, line);
      } else {
        _mm512_stream_ps(lines[r] + t - LANES, _mm512_loadu_ps(odd));
        _mm512_stream_ps(lines[r] + t, line);
      }
      _mm512_storeu_ps(carry, (__m512)v[r]);
    }
  }
  for (long r = 0; r < rowCount; r++)
    FN(emit_line)(lines[r], count, m[r], count + m[r],
                  _mm512_permutex2var_ps(_mm512_loadu_ps(scratch + LANES * r), index[r], _mm512_setzero_ps()));
}

#undef S4FFT_PERMUTED
