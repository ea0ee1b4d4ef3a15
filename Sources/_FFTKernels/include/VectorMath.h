// Branch-free Float exp, tanh, σ and Φ for the elementwise C loops of this target (the S4
// block's epilogues, the LSTM/GRU gates, the attention softmax rows, Training's activations).
// They are static inline functions without a target attribute, so each target_clones version
// of a loop that calls them vectorises them for its own ISA (16 Float lanes with AVX-512, 8
// with AVX2), where libm's expf is one call per scalar. The polynomials are evaluated by
// Estrin's scheme: such a loop is bound by the latency of one element's chain (about 150
// cycles for Φ with Horner's rule) over the out-of-order window, which on a 256-bit machine
// (Zen 3) holds only two or three iterations, so a shorter chain is more elements per cycle.
//
// exp: x = n·ln 2 + r with n = round(x/ln 2), |r| ≤ ln(2)/2; eˣ = 2ⁿ·eʳ with ln 2 split in two
// (Cody–Waite) so that r is exact to a few ulps, eʳ from Cephes' degree-6 minimax polynomial
// (about 1 ulp), and 2ⁿ built in the exponent bits. tanh: Cephes' x + x³·P(x²) for
// |x| < 0.625, sign(x)·(1 − 2/(e^{2|x|} + 1)) elsewhere. Φ: the Numerical Recipes erfc fit with
// x²/2 formed exactly, relative error below 1e−6 in both tails.
#ifndef S4_VECTOR_MATH_H
#define S4_VECTOR_MATH_H
#include <math.h>
#include <stdint.h>
#include <string.h>

#define S4VM_INLINE static inline __attribute__((always_inline))

/// eˣ without branches: about 1 ulp; 0 below −87.33 (no subnormal results), ∞ above 88.72.
S4VM_INLINE float s4vm_expf(float x) {
  const float shift = 12582912.0f;  // 1.5·2²³: adding it rounds to an integer in the low bits
  float clamped = x < -87.33f ? -87.33f : (x > 88.37f ? 88.37f : x);
  float shifted = clamped * 1.44269504f + shift;
  float n = shifted - shift;
  // r = x − n·ln 2 with ln 2 = 0.693359375 − 2.12194440e−4 (the first part exact in Float).
  float r = (clamped - n * 0.693359375f) + n * 2.1219444e-4f;
  // eʳ = 1 + r + r²·P(r) with P = a + r²·(b + r²·c), a, b, c linear in r (Estrin's scheme):
  // three dependent multiply-adds after r² instead of Horner's six, which is what bounds a
  // vectorised loop when the out-of-order window holds only two or three iterations.
  float r2 = r * r;
  float a = 0.166666655f * r + 0.50000001f;
  float b = 8.3334519e-3f * r + 4.16657959e-2f;
  float c = 1.98756915e-4f * r + 1.39819995e-3f;
  float p = (c * r2 + b) * r2 + a;
  float er = (p * r2 + r) + 1;
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
S4VM_INLINE float s4vm_tanhf(float x) {
  float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 0.133314422036f;
  p = p * z - 0.333332819422f;
  float small = p * z * x + x;
  float a = x < 0 ? -x : x;
  float magnitude = 1 - 2 / (s4vm_expf(2 * a) + 1);
  float large = x < 0 ? -magnitude : magnitude;
  return a < 0.625f ? small : large;
}

/// Φ(x) = ½·erfc(−x/√2) with erfc(z) ≈ t·exp(−z² + P(t)), t = 1/(1 + z/2) (fractional error
/// below 1.2e−7); the exponent −x²/2 + P is formed with x²/2 exact (a 12 + 12-bit split of |x|)
/// and the two sums' rounding errors e folded back as eᵃ·(1 + e).
S4VM_INLINE float s4vm_normal_cdff(float x) {
  float a0 = x < 0 ? -x : x;
  float magnitude = a0 < 20 ? a0 : 20;
  float t = 1 / (1 + 0.5f * (magnitude * 0.707106781f));
  // P(t) of degree 9 by Estrin's scheme (pairs linear in t, combined by t² and t⁴): four
  // levels of multiply-adds instead of nine dependent ones.
  float t2 = t * t;
  float t4 = t2 * t2;
  float q0 = 1.00002368f * t - 1.26551223f;
  float q1 = 0.09678418f * t + 0.37409196f;
  float q2 = 0.27886807f * t - 0.18628806f;
  float q3 = 1.48851587f * t - 1.13520398f;
  float q4 = 0.17087277f * t - 0.82215223f;
  float p = (q1 * t2 + q0) + ((q3 * t2 + q2) + q4 * t4) * t4;
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
  float tail = 0.5f * t * s4vm_expf(a) * (1 + (e1 + e2));
  return x < 0 ? tail : 1 - tail;
}

/// σ(x) = 1/(1 + e^{−x}), without overflow for either sign (e^{−|x|} ≤ 1).
S4VM_INLINE float s4vm_logisticf(float x) {
  float e = s4vm_expf(x < 0 ? x : -x);
  float s = 1 / (1 + e);
  return x < 0 ? e * s : s;
}

#endif
