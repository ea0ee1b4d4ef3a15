// The FFT loops for Float: sixteen lanes per 64-byte vector.
#include "FFTKernels.h"

#define REAL float
#define LANES 16
#define LOG2_LANES 4
#define SUFFIX f32
typedef float s4fft_vector_f32 __attribute__((vector_size(64)));
#define VEC s4fft_vector_f32
#define INTERLEAVE_LO(a, b) \
  __builtin_shufflevector(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23)
#define INTERLEAVE_HI(a, b) \
  __builtin_shufflevector(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31)
#define EVEN(a, b) \
  __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30)
#define ODD(a, b) \
  __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31)
#define PAIR_LO(a, b) __builtin_shufflevector(a, b, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23)
#define PAIR_HI(a, b) __builtin_shufflevector(a, b, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31)

#if defined(__x86_64__)
// The forward split of long transforms with AVX-512 permutes (FFTSplitPermuted.h).
#define S4FFT_PERMUTED_SPLIT
#endif

#include "FFTCommon.h"
#include "FFTPasses.h"
#include "FFTRealSignals.h"
#include "FFTChannels.h"
