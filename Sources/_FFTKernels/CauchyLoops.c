// The Cauchy loops of CauchyKernels.h, instantiated for float (8 lanes) and double (4 lanes)
// from CauchyLoops.h.
#include "CauchyKernels.h"

#include <string.h>

#if defined(__x86_64__) && defined(__linux__)
#define S4CAUCHY_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define S4CAUCHY_CLONES
#endif
#define S4CAUCHY_INLINE static inline __attribute__((always_inline))
#define CAUCHY_PASTE2(name, suffix) name##_##suffix
#define CAUCHY_PASTE(name, suffix) CAUCHY_PASTE2(name, suffix)
#define CAUCHY_FN(name) CAUCHY_PASTE(name, SUFFIX)

#define REAL float
#define LANES 8
#define SUFFIX f32
typedef float s4cauchy_vector_f32 __attribute__((vector_size(32)));
#define VEC s4cauchy_vector_f32
#include "CauchyLoops.h"
#undef REAL
#undef LANES
#undef SUFFIX
#undef VEC

#define REAL double
#define LANES 4
#define SUFFIX f64
typedef double s4cauchy_vector_f64 __attribute__((vector_size(32)));
#define VEC s4cauchy_vector_f64
#include "CauchyLoops.h"
