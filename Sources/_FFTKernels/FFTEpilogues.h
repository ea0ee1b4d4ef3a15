// The elementwise passes that follow an S4 convolution (ConvolutionEpilogue): the D skip and
// GELU in one pass, GELU's pullback, and GLU with its pullback. Written as scalar loops that
// the compiler vectorises in each target_clones version (16 Float lanes with AVX-512), where
// the same loops in Swift build for baseline x86-64 (4 SSE lanes, no FMA).
//
// Float uses branch-free exp, tanh and Φ (the forms of Training's VectorizableMath.swift:
// Cody–Waite exp with a degree-6 polynomial, Cephes' tanh, and Φ through the Numerical Recipes
// erfc fit with x²/2 formed exactly, relative error below 1e−6 in both tails). Double calls
// libm (Φ(x) = erfc(−x/√2)/2, which keeps its relative accuracy in the lower tail).
#include <math.h>
#include <stdint.h>

#define S4EPI_INLINE static inline __attribute__((always_inline))

#if S4EPI_FLOAT
/// eˣ without branches: about 1 ulp; 0 below −87.33 (no subnormal results), ∞ above 88.72.
S4EPI_INLINE float FN(exp)(float x) {
  const float shift = 12582912.0f;  // 1.5·2²³: adding it rounds to an integer in the low bits
  float clamped = x < -87.33f ? -87.33f : (x > 88.37f ? 88.37f : x);
  float shifted = clamped * 1.44269504f + shift;
  float n = shifted - shift;
  // r = x − n·ln 2 with ln 2 = 0.693359375 − 2.12194440e−4 (the first part exact in Float).
  float r = (clamped - n * 0.693359375f) + n * 2.1219444e-4f;
  float p = 1.98756915e-4f;
  p = p * r + 1.39819995e-3f;
  p = p * r + 8.3334519e-3f;
  p = p * r + 4.16657959e-2f;
  p = p * r + 0.166666655f;
  p = p * r + 0.50000001f;
  float er = p * r * r + r + 1;
  int32_t bits;
  memcpy(&bits, &shifted, sizeof bits);
  int32_t exponent = (bits - 0x4B400000 + 127) << 23;  // 2ⁿ from n in the low mantissa bits
  float scale;
  memcpy(&scale, &exponent, sizeof scale);
  float result = er * scale;
  return x > 88.72f ? INFINITY : (x < -87.33f ? 0.0f : result);
}

/// tanh x without branches, within 2 ulp: x + x³·P(x²) for |x| < 0.625, else
/// sign(x)·(1 − 2/(e^{2|x|} + 1)).
S4EPI_INLINE float FN(tanh)(float x) {
  float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 0.133314422036f;
  p = p * z - 0.333332819422f;
  float small = p * z * x + x;
  float a = x < 0 ? -x : x;
  float magnitude = 1 - 2 / (FN(exp)(2 * a) + 1);
  float large = x < 0 ? -magnitude : magnitude;
  return a < 0.625f ? small : large;
}

/// Φ(x) = ½·erfc(−x/√2) with erfc(z) ≈ t·exp(−z² + P(t)), t = 1/(1 + z/2) (fractional error
/// below 1.2e−7); the exponent −x²/2 + P is formed with x²/2 exact (a 12 + 12-bit split of |x|)
/// and the two sums' rounding errors e folded back as eᵃ·(1 + e).
S4EPI_INLINE float FN(normal_cdf)(float x) {
  float a0 = x < 0 ? -x : x;
  float magnitude = a0 < 20 ? a0 : 20;
  float t = 1 / (1 + 0.5f * (magnitude * 0.707106781f));
  float p = 0.17087277f;
  p = p * t - 0.82215223f;
  p = p * t + 1.48851587f;
  p = p * t - 1.13520398f;
  p = p * t + 0.27886807f;
  p = p * t - 0.18628806f;
  p = p * t + 0.09678418f;
  p = p * t + 0.37409196f;
  p = p * t + 1.00002368f;
  p = p * t - 1.26551223f;
  float split = magnitude * 4097;
  float splitRest = split - magnitude;
  float high = split - splitRest;
  float low = magnitude - high;
  float halfSquare = high * high * 0.5f;
  float halfSquareRest = high * low + low * low * 0.5f;
  // Two-sums: a1 + e1 = p − high²/2, a + e2 = a1 − rest, exactly.
  float a1 = p - halfSquare;
  float b1 = a1 - p;
  float e1 = (p - (a1 - b1)) + (-halfSquare - b1);
  float a = a1 - halfSquareRest;
  float b2 = a - a1;
  float e2 = (a1 - (a - b2)) + (-halfSquareRest - b2);
  float tail = 0.5f * t * FN(exp)(a) * (1 + (e1 + e2));
  return x < 0 ? tail : 1 - tail;
}
#define S4EPI_EXP(x) FN(exp)(x)
#define S4EPI_TANH(x) FN(tanh)(x)
#define S4EPI_PHI(x) FN(normal_cdf)(x)
#else
#define S4EPI_EXP(x) exp(x)
#define S4EPI_TANH(x) tanh(x)
#define S4EPI_PHI(x) (erfc((x) * -0.70710678118654752) / 2)
#endif

/// GELU: x·Φ(x), or ½x(1 + tanh u) with u = √(2/π)(x + 0.044715x³) when `tanh_form`.
S4EPI_INLINE REAL FN(gelu)(REAL x, int tanh_form) {
  if (tanh_form) {
    REAL u = (REAL)0.79788456080286536 * (x + (REAL)0.044715 * x * x * x);
    return x * (1 + S4EPI_TANH(u)) / 2;
  }
  return x * S4EPI_PHI(x);
}

/// GELU′(x): Φ(x) + x·φ(x), or ½(1 + t) + ½x(1 − t²)·u′ with t = tanh u,
/// u′ = √(2/π)(1 + 3·0.044715x²).
S4EPI_INLINE REAL FN(gelu_derivative)(REAL x, int tanh_form) {
  if (tanh_form) {
    REAL x2 = x * x;
    REAL t = S4EPI_TANH((REAL)0.79788456080286536 * x * (1 + (REAL)0.044715 * x2));
    REAL du = (REAL)0.79788456080286536 * (1 + (REAL)0.134145 * x2);
    return ((1 + t) + x * (1 - t * t) * du) / 2;
  }
  REAL density = S4EPI_EXP(-x * x / 2) * (REAL)0.39894228040143268;
  return S4EPI_PHI(x) + x * density;
}

/// σ(x) = 1/(1 + e^{−x}), without overflow for either sign (e^{−|x|} ≤ 1).
S4EPI_INLINE REAL FN(logistic)(REAL x) {
  REAL e = S4EPI_EXP(x < 0 ? x : -x);
  REAL s = 1 / (1 + e);
  return x < 0 ? e * s : s;
}

S4FFT_CLONES void FN(s4epi_skip_gelu)(REAL *v, const REAL *u, const REAL *d, long rows, long width, int tanh_form,
                                      REAL *z) {
  for (long r = 0; r < rows; r++) {
    REAL *vr = v + r * width, *zr = z + r * width;
    const REAL *ur = u + r * width;
#pragma clang loop vectorize(enable)
    for (long h = 0; h < width; h++) {
      REAL x = vr[h] + d[h] * ur[h];
      vr[h] = x;
      zr[h] = FN(gelu)(x, tanh_form);
    }
  }
}

S4FFT_CLONES void FN(s4epi_gelu_backward)(const REAL *g, const REAL *v, long count, int tanh_form, REAL *dv) {
#pragma clang loop vectorize(enable)
  for (long i = 0; i < count; i++) dv[i] = g[i] * FN(gelu_derivative)(v[i], tanh_form);
}

S4FFT_CLONES void FN(s4epi_glu)(const REAL *x, long rows, long half, REAL *y) {
  for (long r = 0; r < rows; r++) {
    const REAL *a = x + 2 * r * half, *b = a + half;
    REAL *out = y + r * half;
#pragma clang loop vectorize(enable)
    for (long j = 0; j < half; j++) out[j] = a[j] * FN(logistic)(b[j]);
  }
}

S4FFT_CLONES void FN(s4epi_glu_backward)(const REAL *x, const REAL *g, long rows, long half, REAL *dx) {
  for (long r = 0; r < rows; r++) {
    const REAL *a = x + 2 * r * half, *b = a + half, *up = g + r * half;
    REAL *da = dx + 2 * r * half, *db = da + half;
#pragma clang loop vectorize(enable)
    for (long j = 0; j < half; j++) {
      REAL s = FN(logistic)(b[j]);
      da[j] = up[j] * s;
      db[j] = up[j] * a[j] * s * (1 - s);
    }
  }
}

#undef S4EPI_EXP
#undef S4EPI_TANH
#undef S4EPI_PHI
#undef S4EPI_INLINE
