// The FFT loops for Float on CPUs without AVX-512: eight lanes per 32-byte vector (one ymm
// register). The 16-lane loops of FFTKernelsFloat.c, compiled for AVX2, hold each vector in
// two ymm registers: the radix-8 butterflies and 16×16 transposes then need twice the 16
// registers there are and spill, and their shuffles across 128-bit lanes become sequences.
// Here the same loops run on blocks of 8 rows (s4fft_float_lanes picks the width).
#include "FFTKernels.h"

#define REAL float
#define LANES 8
#define LOG2_LANES 3
#define VECTOR_BYTES 32
#define SUFFIX f32x8
typedef float s4fft_vector_f32x8 __attribute__((vector_size(32)));
#define VEC s4fft_vector_f32x8
#include "FFTShuffles8.h"
// The split and merge of the real transform shuffle within 128-bit lanes only (vunpcklps,
// vshufps: one cycle, no lane crossing) and index their rows and bins accordingly:
// PAIRS_LO(x, y) holds the (x, y) pairs of rows 0, 1, 4, 5 and PAIRS_HI those of rows 2, 3,
// 6, 7; DEINTERLEAVE_RE/IM(a, b) hold bins 0, 1, 4, 5, 2, 3, 6, 7 of the 8 interleaved in
// a and b, so bin j sits in lane j with bits 1 and 2 swapped.
#define PAIRS_LO(a, b) __builtin_shufflevector(a, b, 0, 8, 1, 9, 4, 12, 5, 13)
#define PAIRS_HI(a, b) __builtin_shufflevector(a, b, 2, 10, 3, 11, 6, 14, 7, 15)
#define PAIRS_LO_ROW(r) ((r) + ((r) & 2))
#define PAIRS_HI_ROW(r) ((r) + ((r) & 2) + 2)
#define DEINTERLEAVE_RE(a, b) __builtin_shufflevector(a, b, 0, 2, 8, 10, 4, 6, 12, 14)
#define DEINTERLEAVE_IM(a, b) __builtin_shufflevector(a, b, 1, 3, 9, 11, 5, 7, 13, 15)
#define DEINTERLEAVED_AT(j) (((j) & 1) | (((j) & 2) << 1) | (((j) & 4) >> 1))
// No AVX-512 clone: on such a CPU s4fft_float_lanes chooses the 16-lane loops.
#define S4FFT_CLONE_TARGETS "arch=x86-64-v3", "default"
// The forward split writes straight to the rows (see FFTRealSignals.h).
#define STREAM_FORWARD_SPLIT 0

#include "FFTCommon.h"
#include "FFTPasses.h"
#include "FFTRealSignals.h"
#include "FFTChannels.h"
