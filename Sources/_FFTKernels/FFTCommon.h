// Definitions shared by the FFT loops of one scalar type and vector width; included first by
// FFTKernelsFloat.c, FFTKernelsFloat8.c and FFTKernelsDouble.c, which define REAL, LANES,
// LOG2_LANES, SUFFIX, VECTOR_BYTES (LANES·sizeof(REAL); 64 unless defined: 32 for the AVX2
// Float loops), VEC (the vector of LANES reals) and the two-vector shuffles INTERLEAVE_LO/HI (lanes
// 0…LANES/2−1, resp. the upper half, of a and b alternately), PAIR_LO/HI (the same for pairs
// of lanes) and EVEN/ODD (the even, resp. odd, lanes of a followed by those of b).
//
// Every exported function is compiled for each target of S4_CLONES (CloneTargets.h: AVX-512,
// AVX2 and baseline), or of S4FFT_CLONE_TARGETS where the including file narrows the list,
// and the dynamic loader binds the best one for the running CPU (an ifunc), so a default
// SwiftPM build runs the AVX-512 code on a machine that has it.
#include <stddef.h>
#include <string.h>

#ifndef VECTOR_BYTES
#define VECTOR_BYTES 64
#endif

#include "CloneTargets.h"
#if defined(S4FFT_CLONE_TARGETS) && defined(__x86_64__) && defined(__linux__)
#define S4FFT_CLONES __attribute__((target_clones(S4FFT_CLONE_TARGETS)))
#else
#define S4FFT_CLONES S4_CLONES
#endif
#define S4FFT_INLINE static inline __attribute__((always_inline))

#define S4FFT_NAME2(name, suffix) name##_##suffix
#define S4FFT_NAME1(name, suffix) S4FFT_NAME2(name, suffix)
#define FN(name) S4FFT_NAME1(name, SUFFIX)

/// A complex blocked element: LANES real parts then LANES imaginary parts (two vectors).
#define ELEMENT (2 * LANES)

typedef REAL FN(unaligned_vector) __attribute__((vector_size(VECTOR_BYTES), aligned(sizeof(REAL)), may_alias));
#define LOAD(p) (*(const FN(unaligned_vector) *)(p))
#define STORE(p, v) (*(FN(unaligned_vector) *)(p) = (v))
#define ZERO ((VEC){0})

/// Transposes LANES×LANES values held in LANES vectors: after the call, lane r of v[c] is what
/// lane c of v[r] was. Each round moves one bit of the (vector, lane) index pair from the
/// vector index to the lane index (a perfect shuffle); LOG2_LANES rounds transpose. For Float
/// the two rounds within 128-bit lanes use in-lane shuffles (vunpcklps/vunpcklpd and their
/// high halves) and the two across lanes vshuff32x4, which, unlike the two-table permute of
/// the perfect shuffle (vpermt2ps), is cheap or keeps its sources (no register copies).
S4FFT_INLINE void FN(transpose)(VEC *v) {
#if LANES == 16
#define LO_PS(a, b) __builtin_shufflevector(a, b, 0, 16, 1, 17, 4, 20, 5, 21, 8, 24, 9, 25, 12, 28, 13, 29)
#define HI_PS(a, b) __builtin_shufflevector(a, b, 2, 18, 3, 19, 6, 22, 7, 23, 10, 26, 11, 27, 14, 30, 15, 31)
#define LO_PD(a, b) __builtin_shufflevector(a, b, 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29)
#define HI_PD(a, b) __builtin_shufflevector(a, b, 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31)
#define EVEN_128(a, b) __builtin_shufflevector(a, b, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27)
#define ODD_128(a, b) __builtin_shufflevector(a, b, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31)
  // 128-bit lane l of u[4j + d] holds column 4l + d of rows 4j … 4j + 3.
  VEC t[16], u[16];
  for (int i = 0; i < 8; i++) {
    t[2 * i] = LO_PS(v[2 * i], v[2 * i + 1]);
    t[2 * i + 1] = HI_PS(v[2 * i], v[2 * i + 1]);
  }
  for (int j = 0; j < 4; j++) {
    u[4 * j] = LO_PD(t[4 * j], t[4 * j + 2]);
    u[4 * j + 1] = HI_PD(t[4 * j], t[4 * j + 2]);
    u[4 * j + 2] = LO_PD(t[4 * j + 1], t[4 * j + 3]);
    u[4 * j + 3] = HI_PD(t[4 * j + 1], t[4 * j + 3]);
  }
  // Column 4l + d: lane l of u[d], u[4 + d], u[8 + d], u[12 + d].
  for (int d = 0; d < 4; d++) {
    VEC p0 = EVEN_128(u[d], u[4 + d]), p1 = ODD_128(u[d], u[4 + d]);
    VEC q0 = EVEN_128(u[8 + d], u[12 + d]), q1 = ODD_128(u[8 + d], u[12 + d]);
    v[d] = EVEN_128(p0, q0);
    v[8 + d] = ODD_128(p0, q0);
    v[4 + d] = EVEN_128(p1, q1);
    v[12 + d] = ODD_128(p1, q1);
  }
#undef LO_PS
#undef HI_PS
#undef LO_PD
#undef HI_PD
#undef EVEN_128
#undef ODD_128
#elif VECTOR_BYTES == 32
  // Float in 32-byte vectors (AVX2): 8×8, the same rounds on two 128-bit lanes. The in-lane
  // shuffles (vunpcklps/hps, vshufps) take one cycle; only the last round crosses lanes, with
  // one vperm2f128 per vector instead of the two permutes (vpermps) per vector that
  // interleaving whole vectors would take.
#define LO_PS(a, b) __builtin_shufflevector(a, b, 0, 8, 1, 9, 4, 12, 5, 13)
#define HI_PS(a, b) __builtin_shufflevector(a, b, 2, 10, 3, 11, 6, 14, 7, 15)
#define LO_PD(a, b) __builtin_shufflevector(a, b, 0, 1, 8, 9, 4, 5, 12, 13)
#define HI_PD(a, b) __builtin_shufflevector(a, b, 2, 3, 10, 11, 6, 7, 14, 15)
#define LOW_128(a, b) __builtin_shufflevector(a, b, 0, 1, 2, 3, 8, 9, 10, 11)
#define HIGH_128(a, b) __builtin_shufflevector(a, b, 4, 5, 6, 7, 12, 13, 14, 15)
  // 128-bit lane l of u[4j + d] holds column 4l + d of rows 4j … 4j + 3.
  VEC t[8], u[8];
  for (int i = 0; i < 4; i++) {
    t[2 * i] = LO_PS(v[2 * i], v[2 * i + 1]);
    t[2 * i + 1] = HI_PS(v[2 * i], v[2 * i + 1]);
  }
  for (int j = 0; j < 2; j++) {
    u[4 * j] = LO_PD(t[4 * j], t[4 * j + 2]);
    u[4 * j + 1] = HI_PD(t[4 * j], t[4 * j + 2]);
    u[4 * j + 2] = LO_PD(t[4 * j + 1], t[4 * j + 3]);
    u[4 * j + 3] = HI_PD(t[4 * j + 1], t[4 * j + 3]);
  }
  for (int d = 0; d < 4; d++) {
    v[d] = LOW_128(u[d], u[4 + d]);
    v[4 + d] = HIGH_128(u[d], u[4 + d]);
  }
#undef LO_PS
#undef HI_PS
#undef LO_PD
#undef HI_PD
#undef LOW_128
#undef HIGH_128
#else
  VEC t[LANES];
#pragma clang loop unroll(full)
  for (int round = 0; round < LOG2_LANES; round++) {
#pragma clang loop unroll(full)
    for (int i = 0; i < LANES / 2; i++) {
      t[2 * i] = INTERLEAVE_LO(v[i], v[i + LANES / 2]);
      t[2 * i + 1] = INTERLEAVE_HI(v[i], v[i + LANES / 2]);
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < LANES; i++) v[i] = t[i];
  }
#endif
}

/// k with its lowest `bits` bits reversed (bits ≥ 1).
S4FFT_INLINE long FN(reverse_bits)(long k, int bits) {
  return (long)(__builtin_bitreverse64((unsigned long long)k) >> (64 - bits));
}

S4FFT_INLINE int FN(log2_of)(long n) { return 63 - __builtin_clzll((unsigned long long)n); }
