// The allocator setting behind Parallel.retainsFreedMemory (StateSpace), here because
// <malloc.h> is not part of Swift's Glibc module.
#include "FFTKernels.h"

#if defined(__GLIBC__)
#include <malloc.h>

int s4_retain_freed_memory(void) {
  // Blocks up to 1 GiB from the heap rather than fresh mmap pages, and no trimming of the heap.
  return mallopt(M_MMAP_THRESHOLD, 1 << 30) == 1 && mallopt(M_TRIM_THRESHOLD, 0x7fffffff) == 1;
}
#else
int s4_retain_freed_memory(void) { return 0; }
#endif
