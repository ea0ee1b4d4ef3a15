// The elementwise loops for one scalar type (REAL, SUFFIX, S4EW_FLOAT set by Elementwise.c):
// σ and tanh, GELU and its derivative (Hendrycks and Gimpel: the exact x·Φ(x) and the tanh form), the D
// skip fused with GELU after an S4 convolution (S4-REFERENCE §5.2: v = K∗u + D∘u, z = GELU(v)),
// and the gated linear unit a·σ(b) with its pullback. Written as scalar loops that the compiler
// vectorises in each target_clones version (16 Float lanes with AVX-512, 8 with AVX2), two
// vectors per iteration: each element's chain through exp or Φ is long, and two independent
// chains keep the 256-bit pipes of an AVX2 machine busy where one leaves them waiting.
#include "VectorMath.h"

#define S4EW_INLINE static inline __attribute__((always_inline))

// Double calls libm (the reference of the Float64 gradient checks), which does not vectorise:
// its loops carry no vectorisation request, which the compiler would warn it cannot honour.
#if S4EW_FLOAT
#define S4EW_EXP(x) s4vm_expf(x)
#define S4EW_TANH(x) s4vm_tanhf(x)
#define S4EW_PHI(x) s4vm_normal_cdff(x)
#define S4EW_VECTORIZE _Pragma("clang loop vectorize(enable) interleave_count(2)")
#else
#define S4EW_EXP(x) exp(x)
#define S4EW_TANH(x) tanh(x)
#define S4EW_PHI(x) (erfc((x) * -0.70710678118654752) / 2)
#define S4EW_VECTORIZE
#endif

/// GELU: x·Φ(x), or ½x(1 + tanh u) with u = √(2/π)(x + 0.044715x³) when `tanh_form`.
S4EW_INLINE REAL EW(gelu)(REAL x, int tanh_form) {
  if (tanh_form) {
    REAL u = (REAL)0.79788456080286536 * (x + (REAL)0.044715 * x * x * x);
    return x * (1 + S4EW_TANH(u)) / 2;
  }
  return x * S4EW_PHI(x);
}

/// GELU′(x): Φ(x) + x·φ(x), or ½(1 + t) + ½x(1 − t²)·u′ with t = tanh u,
/// u′ = √(2/π)(1 + 3·0.044715x²).
S4EW_INLINE REAL EW(gelu_derivative)(REAL x, int tanh_form) {
  if (tanh_form) {
    REAL x2 = x * x;
    REAL t = S4EW_TANH((REAL)0.79788456080286536 * x * (1 + (REAL)0.044715 * x2));
    REAL du = (REAL)0.79788456080286536 * (1 + (REAL)0.134145 * x2);
    return ((1 + t) + x * (1 - t * t) * du) / 2;
  }
  REAL density = S4EW_EXP(-x * x / 2) * (REAL)0.39894228040143268;
  return S4EW_PHI(x) + x * density;
}

/// σ(x) = 1/(1 + e^{−x}), without overflow for either sign (e^{−|x|} ≤ 1).
S4EW_INLINE REAL EW(logistic)(REAL x) {
  REAL e = S4EW_EXP(x < 0 ? x : -x);
  REAL s = 1 / (1 + e);
  return x < 0 ? e * s : s;
}

S4_CLONES void EW(s4ew_sigmoid)(const REAL *x, long count, REAL *y) {
S4EW_VECTORIZE
  for (long i = 0; i < count; i++) y[i] = EW(logistic)(x[i]);
}

S4_CLONES void EW(s4ew_tanh)(const REAL *x, long count, REAL *y) {
S4EW_VECTORIZE
  for (long i = 0; i < count; i++) y[i] = S4EW_TANH(x[i]);
}

S4_CLONES void EW(s4ew_gelu)(const REAL *x, long count, REAL *y) {
S4EW_VECTORIZE
  for (long i = 0; i < count; i++) y[i] = EW(gelu)(x[i], 0);
}

S4_CLONES void EW(s4ew_gelu_tanh)(const REAL *x, long count, REAL *y) {
S4EW_VECTORIZE
  for (long i = 0; i < count; i++) y[i] = EW(gelu)(x[i], 1);
}

S4_CLONES void EW(s4ew_skip_gelu)(REAL *v, const REAL *u, const REAL *d, long rows, long width, int tanh_form,
                                    REAL *z) {
  for (long r = 0; r < rows; r++) {
    REAL *vr = v + r * width, *zr = z + r * width;
    const REAL *ur = u + r * width;
S4EW_VECTORIZE
    for (long h = 0; h < width; h++) {
      REAL x = vr[h] + d[h] * ur[h];
      vr[h] = x;
      zr[h] = EW(gelu)(x, tanh_form);
    }
  }
}

S4_CLONES void EW(s4ew_gelu_backward)(const REAL *g, const REAL *x, long count, int tanh_form, REAL *dx) {
S4EW_VECTORIZE
  for (long i = 0; i < count; i++) dx[i] = g[i] * EW(gelu_derivative)(x[i], tanh_form);
}

S4_CLONES void EW(s4ew_glu)(const REAL *x, long rows, long half, REAL *y) {
  for (long r = 0; r < rows; r++) {
    const REAL *a = x + 2 * r * half, *b = a + half;
    REAL *out = y + r * half;
S4EW_VECTORIZE
    for (long j = 0; j < half; j++) out[j] = a[j] * EW(logistic)(b[j]);
  }
}

S4_CLONES void EW(s4ew_glu_backward)(const REAL *x, const REAL *g, long rows, long half, REAL *dx) {
  for (long r = 0; r < rows; r++) {
    const REAL *a = x + 2 * r * half, *b = a + half, *up = g + r * half;
    REAL *da = dx + 2 * r * half, *db = da + half;
S4EW_VECTORIZE
    for (long j = 0; j < half; j++) {
      REAL s = EW(logistic)(b[j]);
      da[j] = up[j] * s;
      db[j] = up[j] * a[j] * s * (1 - s);
    }
  }
}

#undef S4EW_EXP
#undef S4EW_TANH
#undef S4EW_PHI
#undef S4EW_VECTORIZE
#undef S4EW_INLINE
