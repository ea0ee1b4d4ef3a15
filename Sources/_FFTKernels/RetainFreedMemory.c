// The allocator setting behind Parallel.retainFreedMemory() (StateSpace), here because
// <malloc.h> is not part of Swift's Glibc module.
#include <limits.h>
#include <stdlib.h>  // defines __GLIBC__ on glibc

#include "FFTKernels.h"

#if defined(__GLIBC__)
#include <malloc.h>

int s4_retain_freed_memory(void) {
  // Every block from the heap rather than from mmap'd pages, which return to the kernel on
  // free (M_MMAP_THRESHOLD cannot exceed 32 MiB, so large tensors need M_MMAP_MAX = 0), and no
  // trimming of the heap top.
  return mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, INT_MAX) == 1;
}
#else
int s4_retain_freed_memory(void) { return 0; }
#endif
