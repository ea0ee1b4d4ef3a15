// The FFT loops for one scalar type, included by FFTKernelsFloat.c and FFTKernelsDouble.c.
// They define: REAL, LANES, LOG2_LANES, SUFFIX, VEC (the 64-byte vector of LANES reals) and
// the two-vector shuffles INTERLEAVE_LO/HI (lanes 0…LANES/2−1, resp. the upper half, of a and
// b alternately) and EVEN/ODD (the even, resp. odd, lanes of a followed by those of b).
//
// Every exported function is compiled three times (x86-64-v4 = AVX-512, v3 = AVX2, baseline)
// and the dynamic loader binds the best one for the running CPU (an ifunc), so a default
// SwiftPM build runs the AVX-512 code on a machine that has it.
#include <stddef.h>
#include <string.h>

#if defined(__x86_64__) && defined(__linux__)
#define S4FFT_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define S4FFT_CLONES
#endif
#define S4FFT_INLINE static inline __attribute__((always_inline))

#define S4FFT_NAME2(name, suffix) name##_##suffix
#define S4FFT_NAME1(name, suffix) S4FFT_NAME2(name, suffix)
#define FN(name) S4FFT_NAME1(name, SUFFIX)

/// A complex blocked element: LANES real parts then LANES imaginary parts.
#define ELEMENT (2 * LANES)
/// Spans of at most this many elements (256 · 128 bytes = 32 KiB) are finished block by
/// block while the block sits in the 48 KiB L1 cache; larger spans run over the whole array.
#define L1_BLOCK_ELEMENTS 256

typedef REAL FN(unaligned_vector) __attribute__((vector_size(64), aligned(sizeof(REAL)), may_alias));
#define LOAD(p) (*(const FN(unaligned_vector) *)(p))
#define STORE(p, v) (*(FN(unaligned_vector) *)(p) = (v))
#define ZERO ((VEC){0})

/// Transposes LANES×LANES values held in LANES vectors: after the call, lane r of v[c] is what
/// lane c of v[r] was. Each round moves one bit of the (vector, lane) index pair from the
/// vector index to the lane index (a perfect shuffle); LOG2_LANES rounds transpose.
S4FFT_INLINE void FN(transpose)(VEC *v) {
  VEC t[LANES];
  for (int round = 0; round < LOG2_LANES; round++) {
    for (int i = 0; i < LANES / 2; i++) {
      t[2 * i] = INTERLEAVE_LO(v[i], v[i + LANES / 2]);
      t[2 * i + 1] = INTERLEAVE_HI(v[i], v[i + LANES / 2]);
    }
    for (int i = 0; i < LANES; i++) v[i] = t[i];
  }
}

/// k with its lowest `bits` bits reversed (bits ≥ 1).
S4FFT_INLINE long FN(reverse_bits)(long k, int bits) {
  return (long)(__builtin_bitreverse64((unsigned long long)k) >> (64 - bits));
}

S4FFT_INLINE int FN(log2_of)(long n) { return 63 - __builtin_clzll((unsigned long long)n); }

// MARK: - Complex transform stages

/// One radix-2² decimation-in-frequency stage of span s = 4q over every block of `count`
/// elements. For j < q, with x0…x3 at j, j+q, j+2q, j+3q and W = W_s:
///   y0 = (x0+x2) + (x1+x3),            y1 = ((x0+x2) − (x1+x3))·W^{2j},
///   y2 = ((x0−x2) − i(x1−x3))·W^{j},   y3 = ((x0−x2) + i(x1−x3))·W^{3j},
/// two radix-2 stages fused, so the outputs stay in bit-reversed order.
S4FFT_INLINE void FN(forward_stage)(REAL *data, long count, long span, const REAL *roots, long step) {
  long q = span / 4;
  for (long base = 0; base < count; base += span) {
    REAL *p = data + base * ELEMENT;
    if (q == 1) {
      VEC x0r = LOAD(p), x0i = LOAD(p + LANES), x1r = LOAD(p + ELEMENT), x1i = LOAD(p + ELEMENT + LANES);
      VEC x2r = LOAD(p + 2 * ELEMENT), x2i = LOAD(p + 2 * ELEMENT + LANES);
      VEC x3r = LOAD(p + 3 * ELEMENT), x3i = LOAD(p + 3 * ELEMENT + LANES);
      VEC ar = x0r + x2r, ai = x0i + x2i, br = x1r + x3r, bi = x1i + x3i;
      VEC cr = x0r - x2r, ci = x0i - x2i, dr = x1r - x3r, di = x1i - x3i;
      STORE(p, ar + br); STORE(p + LANES, ai + bi);
      STORE(p + ELEMENT, ar - br); STORE(p + ELEMENT + LANES, ai - bi);
      STORE(p + 2 * ELEMENT, cr + di); STORE(p + 2 * ELEMENT + LANES, ci - dr);
      STORE(p + 3 * ELEMENT, cr - di); STORE(p + 3 * ELEMENT + LANES, ci + dr);
      continue;
    }
    for (long j = 0; j < q; j++) {
      REAL *a = p + j * ELEMENT, *b = a + q * ELEMENT, *c = b + q * ELEMENT, *d = c + q * ELEMENT;
      VEC x0r = LOAD(a), x0i = LOAD(a + LANES), x1r = LOAD(b), x1i = LOAD(b + LANES);
      VEC x2r = LOAD(c), x2i = LOAD(c + LANES), x3r = LOAD(d), x3i = LOAD(d + LANES);
      VEC ar = x0r + x2r, ai = x0i + x2i, br = x1r + x3r, bi = x1i + x3i;
      VEC cr = x0r - x2r, ci = x0i - x2i, dr = x1r - x3r, di = x1i - x3i;
      const REAL *w1 = roots + 2 * j * step, *w2 = roots + 4 * j * step, *w3 = roots + 6 * j * step;
      VEC t1r = ar - br, t1i = ai - bi;
      VEC t2r = cr + di, t2i = ci - dr;
      VEC t3r = cr - di, t3i = ci + dr;
      STORE(a, ar + br); STORE(a + LANES, ai + bi);
      STORE(b, t1r * w2[0] - t1i * w2[1]); STORE(b + LANES, t1r * w2[1] + t1i * w2[0]);
      STORE(c, t2r * w1[0] - t2i * w1[1]); STORE(c + LANES, t2r * w1[1] + t2i * w1[0]);
      STORE(d, t3r * w3[0] - t3i * w3[1]); STORE(d + LANES, t3r * w3[1] + t3i * w3[0]);
    }
  }
}

/// The adjoint of forward_stage with conjugated twiddles: u1 = y1·W̄^{2j}, u2 = y2·W̄^{j},
/// u3 = y3·W̄^{3j}; a0 = y0 + u1, a1 = y0 − u1, c = u2 + u3, d = i(u2 − u3);
/// x0 = a0 + c, x1 = a1 + d, x2 = a0 − c, x3 = a1 − d.
S4FFT_INLINE void FN(inverse_stage)(REAL *data, long count, long span, const REAL *roots, long step) {
  long q = span / 4;
  for (long base = 0; base < count; base += span) {
    REAL *p = data + base * ELEMENT;
    for (long j = 0; j < q; j++) {
      REAL *a = p + j * ELEMENT, *b = a + q * ELEMENT, *c = b + q * ELEMENT, *d = c + q * ELEMENT;
      VEC y0r = LOAD(a), y0i = LOAD(a + LANES), y1r = LOAD(b), y1i = LOAD(b + LANES);
      VEC y2r = LOAD(c), y2i = LOAD(c + LANES), y3r = LOAD(d), y3i = LOAD(d + LANES);
      VEC u1r = y1r, u1i = y1i, u2r = y2r, u2i = y2i, u3r = y3r, u3i = y3i;
      if (q > 1) {
        const REAL *w1 = roots + 2 * j * step, *w2 = roots + 4 * j * step, *w3 = roots + 6 * j * step;
        u1r = y1r * w2[0] + y1i * w2[1]; u1i = y1i * w2[0] - y1r * w2[1];
        u2r = y2r * w1[0] + y2i * w1[1]; u2i = y2i * w1[0] - y2r * w1[1];
        u3r = y3r * w3[0] + y3i * w3[1]; u3i = y3i * w3[0] - y3r * w3[1];
      }
      VEC a0r = y0r + u1r, a0i = y0i + u1i, a1r = y0r - u1r, a1i = y0i - u1i;
      VEC cr = u2r + u3r, ci = u2i + u3i;
      VEC dr = u3i - u2i, di = u2r - u3r;
      STORE(a, a0r + cr); STORE(a + LANES, a0i + ci);
      STORE(b, a1r + dr); STORE(b + LANES, a1i + di);
      STORE(c, a0r - cr); STORE(c + LANES, a0i - ci);
      STORE(d, a1r - dr); STORE(d + LANES, a1i - di);
    }
  }
}

/// The span-2 stage (x0, x1) → (x0 + x1, x0 − x1), its own adjoint.
S4FFT_INLINE void FN(radix2_stage)(REAL *data, long count) {
  for (long m = 0; m < count; m += 2) {
    REAL *a = data + m * ELEMENT, *b = a + ELEMENT;
    VEC ar = LOAD(a), ai = LOAD(a + LANES), br = LOAD(b), bi = LOAD(b + LANES);
    STORE(a, ar + br); STORE(a + LANES, ai + bi);
    STORE(b, ar - br); STORE(b + LANES, ai - bi);
  }
}

/// The span below which the stages run block by block.
S4FFT_INLINE long FN(block_span)(long size) {
  long s = size;
  while (s >= 4 && s > L1_BLOCK_ELEMENTS) s /= 4;
  return s;
}

S4FFT_CLONES void FN(s4fft_forward)(REAL *data, long size, const REAL *roots, long rootCount) {
  long s = size;
  while (s >= 4 && s > L1_BLOCK_ELEMENTS) {
    FN(forward_stage)(data, size, s, roots, rootCount / s);
    s /= 4;
  }
  for (long base = 0; base < size; base += s) {
    REAL *block = data + base * ELEMENT;
    long t = s;
    for (; t >= 4; t /= 4) FN(forward_stage)(block, s, t, roots, rootCount / t);
    if (t == 2) FN(radix2_stage)(block, s);
  }
}

S4FFT_CLONES void FN(s4fft_inverse)(REAL *data, long size, const REAL *roots, long rootCount) {
  long s = FN(block_span)(size);
  if (s >= 2) {
    for (long base = 0; base < size; base += s) {
      REAL *block = data + base * ELEMENT;
      long t = 4;
      if (FN(log2_of)(s) % 2 == 1) {
        FN(radix2_stage)(block, s);
        t = 8;
      }
      for (; t <= s; t *= 4) FN(inverse_stage)(block, s, t, roots, rootCount / t);
    }
  }
  for (long t = s * 4; t <= size; t *= 4) FN(inverse_stage)(data, size, t, roots, rootCount / t);
}

// MARK: - Rows ↔ blocked layout

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

// MARK: - Real FFT pre- and post-processing

/// X_k = ½(Z_k + C) + V_k·(Z_k − C) with C = conj Z_{M−k} and V_k = ½·(−i)·W_{2M}^k, which is
/// A_k + W^k·B_k for A_k = (Z_k + C)/2, B_k = (Z_k − C)/(2i) (see RealFFTPlan.swift).
S4FFT_CLONES void FN(s4fft_real_spectra)(const REAL *z, long half, const REAL *roots, REAL *const *rows, long rowCount) {
  if (half >= LANES) {
    int bits = FN(log2_of)(half);
    for (long k0 = 0; k0 < half; k0 += LANES) {
      VEC xr[LANES], xi[LANES];
      for (int i = 0; i < LANES; i++) {
        long k = k0 + i;
        const REAL *zp = z + FN(reverse_bits)(k, bits) * ELEMENT;
        const REAL *cp = z + FN(reverse_bits)((half - k) & (half - 1), bits) * ELEMENT;
        VEC zr = LOAD(zp), zi = LOAD(zp + LANES), cr = LOAD(cp), ci = -LOAD(cp + LANES);
        VEC sr = zr + cr, si = zi + ci, dr = zr - cr, di = zi - ci;
        REAL vr = roots[2 * k + 1] / 2, vi = -roots[2 * k] / 2;
        xr[i] = sr * (REAL)0.5 + (dr * vr - di * vi);
        xi[i] = si * (REAL)0.5 + (dr * vi + di * vr);
      }
      FN(transpose)(xr);
      FN(transpose)(xi);
      for (int r = 0; r < rowCount; r++) {
        STORE(rows[r] + 2 * k0, INTERLEAVE_LO(xr[r], xi[r]));
        STORE(rows[r] + 2 * k0 + LANES, INTERLEAVE_HI(xr[r], xi[r]));
      }
    }
  } else {
    int bits = half > 1 ? FN(log2_of)(half) : 0;
    for (long k = 0; k < half; k++) {
      long p = bits ? FN(reverse_bits)(k, bits) : 0;
      long pc = bits ? FN(reverse_bits)((half - k) & (half - 1), bits) : 0;
      REAL vr = roots[2 * k + 1] / 2, vi = -roots[2 * k] / 2;
      for (long r = 0; r < rowCount; r++) {
        REAL zr = z[p * ELEMENT + r], zi = z[p * ELEMENT + LANES + r];
        REAL cr = z[pc * ELEMENT + r], ci = -z[pc * ELEMENT + LANES + r];
        REAL sr = zr + cr, si = zi + ci, dr = zr - cr, di = zi - ci;
        rows[r][2 * k] = sr / 2 + (dr * vr - di * vi);
        rows[r][2 * k + 1] = si / 2 + (dr * vi + di * vr);
      }
    }
  }
  // X_M = A_0 − B_0 = Re Z_0 − Im Z_0 (Z_0 sits at position 0 in either order).
  for (long r = 0; r < rowCount; r++) {
    rows[r][2 * half] = z[r] - z[LANES + r];
    rows[r][2 * half + 1] = 0;
  }
}

/// Z_k = ½(X_k + C) + U_k·(X_k − C) with C = conj X_{M−k} and U_k = ½·i·conj W_{2M}^k, which
/// is A_k + i·B_k for A_k = (X_k + C)/2 and B_k = (X_k − C)·W^{−k}/2.
S4FFT_CLONES void FN(s4fft_real_spectra_inverse)(const REAL *const *rows, long rowCount, const REAL *zeroRow, long half, const REAL *roots, REAL *z) {
  if (half >= LANES) {
    int bits = FN(log2_of)(half);
    for (long k0 = 0; k0 < half; k0 += LANES) {
      VEC xr[LANES], xi[LANES], cr[LANES], ci[LANES];
      long partner = half - k0 - (LANES - 1);  // bins partner … half − k0 hold the X_{M−k}
      for (int r = 0; r < LANES; r++) {
        const REAL *row = r < rowCount ? rows[r] : zeroRow;
        VEC a = LOAD(row + 2 * k0), b = LOAD(row + 2 * k0 + LANES);
        xr[r] = EVEN(a, b);
        xi[r] = ODD(a, b);
        a = LOAD(row + 2 * partner);
        b = LOAD(row + 2 * partner + LANES);
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
      for (int i = 0; i < LANES; i++) {
        long k = k0 + i;
        VEC pr = cr[LANES - 1 - i], pi = -ci[LANES - 1 - i];
        VEC sr = xr[i] + pr, si = xi[i] + pi, dr = xr[i] - pr, di = xi[i] - pi;
        REAL ur = roots[2 * k + 1] / 2, ui = roots[2 * k] / 2;
        REAL *out = z + FN(reverse_bits)(k, bits) * ELEMENT;
        STORE(out, sr * (REAL)0.5 + (dr * ur - di * ui));
        STORE(out + LANES, si * (REAL)0.5 + (dr * ui + di * ur));
      }
    }
  } else {
    int bits = half > 1 ? FN(log2_of)(half) : 0;
    for (long k = 0; k < half; k++) {
      long p = bits ? FN(reverse_bits)(k, bits) : 0;
      REAL ur = roots[2 * k + 1] / 2, ui = roots[2 * k] / 2;
      for (long r = 0; r < LANES; r++) {
        const REAL *row = r < rowCount ? rows[r] : zeroRow;
        REAL xr = row[2 * k], xi = k == 0 ? 0 : row[2 * k + 1];
        REAL pr = row[2 * (half - k)], pi = k == 0 ? 0 : -row[2 * (half - k) + 1];
        REAL sr = xr + pr, si = xi + pi, dr = xr - pr, di = xi - pi;
        z[p * ELEMENT + r] = sr / 2 + (dr * ur - di * ui);
        z[p * ELEMENT + LANES + r] = si / 2 + (dr * ui + di * ur);
      }
    }
  }
}

// MARK: - Channels-last signals (the convolution)

/// Copies `channels` reals from src to dst and zeroes dst's remaining lanes.
S4FFT_INLINE void FN(copy_lanes)(REAL *dst, const REAL *src, long channels) {
  if (channels == LANES) {
    STORE(dst, LOAD(src));
  } else {
    memcpy(dst, src, (size_t)channels * sizeof(REAL));
    for (long c = channels; c < LANES; c++) dst[c] = 0;
  }
}

S4FFT_CLONES void FN(s4fft_gather_channels)(const REAL *first, const REAL *second, long length, long stride, long channels, long size, REAL *data) {
  for (long t = 0; t < length; t++) {
    FN(copy_lanes)(data + t * ELEMENT, first + t * stride, channels);
    if (second) {
      FN(copy_lanes)(data + t * ELEMENT + LANES, second + t * stride, channels);
    } else {
      STORE(data + t * ELEMENT + LANES, ZERO);
    }
  }
  for (long t = length; t < size; t++) {
    STORE(data + t * ELEMENT, ZERO);
    STORE(data + t * ELEMENT + LANES, ZERO);
  }
}

S4FFT_CLONES void FN(s4fft_scatter_channels)(const REAL *data, long length, long stride, long channels, REAL *first, REAL *second) {
  for (long t = 0; t < length; t++) {
    if (channels == LANES) {
      STORE(first + t * stride, LOAD(data + t * ELEMENT));
      if (second) STORE(second + t * stride, LOAD(data + t * ELEMENT + LANES));
    } else {
      memcpy(first + t * stride, data + t * ELEMENT, (size_t)channels * sizeof(REAL));
      if (second) memcpy(second + t * stride, data + t * ELEMENT + LANES, (size_t)channels * sizeof(REAL));
    }
  }
}

S4FFT_CLONES void FN(s4fft_multiply)(REAL *data, const REAL *spectrum, long size, int conjugate) {
  REAL sign = conjugate ? -1 : 1;
  for (long m = 0; m < size; m++) {
    REAL *p = data + m * ELEMENT;
    const REAL *k = spectrum + m * ELEMENT;
    VEC xr = LOAD(p), xi = LOAD(p + LANES), kr = LOAD(k), ki = LOAD(k + LANES) * sign;
    STORE(p, xr * kr - xi * ki);
    STORE(p + LANES, xr * ki + xi * kr);
  }
}

S4FFT_CLONES void FN(s4fft_accumulate_correlation)(REAL *sum, const REAL *a, const REAL *b, long size) {
  for (long m = 0; m < size; m++) {
    REAL *s = sum + m * ELEMENT;
    const REAL *x = a + m * ELEMENT, *y = b + m * ELEMENT;
    VEC xr = LOAD(x), xi = LOAD(x + LANES), yr = LOAD(y), yi = LOAD(y + LANES);
    STORE(s, LOAD(s) + (xr * yr + xi * yi));
    STORE(s + LANES, LOAD(s + LANES) + (xi * yr - xr * yi));
  }
}

#undef FN
#undef LOAD
#undef STORE
#undef ZERO
