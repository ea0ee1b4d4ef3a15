// Which Float loops the running CPU should use: the 16-lane ones (64-byte vectors) where the
// AVX-512 clone (x86-64-v4) runs, the 8-lane ones (FFTKernelsFloat8.c) elsewhere.
#include "FFTKernels.h"

#include <stdlib.h>
#include <string.h>

int s4fft_float_lanes(void) {
  const char *forced = getenv("S4_FFT_FLOAT_LANES");
  if (forced && strcmp(forced, "8") == 0) return 8;
  if (forced && strcmp(forced, "16") == 0) return 16;
#if defined(__x86_64__)
  // The AVX-512 subsets x86-64-v4 requires; __builtin_cpu_supports also checks that the OS
  // saves the zmm state.
  __builtin_cpu_init();
  int v4 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  return v4 ? 16 : 8;
#else
  return 16;
#endif
}
