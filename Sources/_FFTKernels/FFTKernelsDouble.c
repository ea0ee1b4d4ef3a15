// The FFT loops for Double: eight lanes per 64-byte vector.
#include "FFTKernels.h"

#define REAL double
#define LANES 8
#define LOG2_LANES 3
#define SUFFIX f64
typedef double s4fft_vector_f64 __attribute__((vector_size(64)));
#define VEC s4fft_vector_f64
#include "FFTShuffles8.h"

#include "FFTCommon.h"
#include "FFTPasses.h"
#include "FFTRealSignals.h"
#include "FFTChannels.h"
