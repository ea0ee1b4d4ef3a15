// The FFT loops for Double: eight lanes per 64-byte vector.
#include "FFTKernels.h"

#define REAL double
#define LANES 8
#define LOG2_LANES 3
#define SUFFIX f64
typedef double s4fft_vector_f64 __attribute__((vector_size(64)));
#define VEC s4fft_vector_f64
#define INTERLEAVE_LO(a, b) __builtin_shufflevector(a, b, 0, 8, 1, 9, 2, 10, 3, 11)
#define INTERLEAVE_HI(a, b) __builtin_shufflevector(a, b, 4, 12, 5, 13, 6, 14, 7, 15)
#define EVEN(a, b) __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14)
#define ODD(a, b) __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15)
#define PAIR_LO(a, b) __builtin_shufflevector(a, b, 0, 1, 8, 9, 2, 3, 10, 11)
#define PAIR_HI(a, b) __builtin_shufflevector(a, b, 4, 5, 12, 13, 6, 7, 14, 15)

#include "FFTCommon.h"
#include "FFTPasses.h"
#include "FFTRealSignals.h"
#include "FFTChannels.h"
