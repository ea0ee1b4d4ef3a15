// Definitions shared by the FFT loops of one scalar type; included first by FFTKernelsFloat.c
// and FFTKernelsDouble.c, which define REAL, LANES, LOG2_LANES, SUFFIX, VEC (the 64-byte
// vector of LANES reals) and the two-vector shuffles INTERLEAVE_LO/HI (lanes 0…LANES/2−1,
// resp. the upper half, of a and b alternately), PAIR_LO/HI (the same for pairs of lanes) and
// EVEN/ODD (the even, resp. odd, lanes of a followed by those of b).
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

/// A complex blocked element: LANES real parts then LANES imaginary parts (128 bytes).
#define ELEMENT (2 * LANES)

typedef REAL FN(unaligned_vector) __attribute__((vector_size(64), aligned(sizeof(REAL)), may_alias));
#define LOAD(p) (*(const FN(unaligned_vector) *)(p))
#define STORE(p, v) (*(FN(unaligned_vector) *)(p) = (v))
#define ZERO ((VEC){0})

/// Transposes LANES×LANES values held in LANES vectors: after the call, lane r of v[c] is what
/// lane c of v[r] was. Each round moves one bit of the (vector, lane) index pair from the
/// vector index to the lane index (a perfect shuffle); LOG2_LANES rounds transpose.
S4FFT_INLINE void FN(transpose)(VEC *v) {
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
}

/// k with its lowest `bits` bits reversed (bits ≥ 1).
S4FFT_INLINE long FN(reverse_bits)(long k, int bits) {
  return (long)(__builtin_bitreverse64((unsigned long long)k) >> (64 - bits));
}

S4FFT_INLINE int FN(log2_of)(long n) { return 63 - __builtin_clzll((unsigned long long)n); }
