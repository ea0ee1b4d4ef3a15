#include "CPULevel.h"

int s4_cpu_runs_x86_64_v4(void) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("x86-64-v4");
#else
  return 0;
#endif
}
