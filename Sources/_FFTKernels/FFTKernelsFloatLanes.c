// Which Float loops the running CPU should use: the 16-lane ones (64-byte vectors) where the
// AVX-512 clone (x86-64-v4) runs, the 8-lane ones (FFTKernelsFloat8.c) on other x86-64 CPUs.
#include "FFTKernels.h"

#include "CPULevel.h"

int s4fft_float_lanes(void) {
#if defined(__x86_64__)
  return s4_cpu_runs_x86_64_v4() ? 16 : 8;
#else
  return 16;
#endif
}
