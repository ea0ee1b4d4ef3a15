// The product of SmallMatrixKernels.h, instantiated for float (8 lanes) and double (4 lanes)
// from SmallMatrixLoops.h.
#include "SmallMatrixKernels.h"

#if defined(__x86_64__) && defined(__linux__)
#define S4SMALL_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define S4SMALL_CLONES
#endif
#define SMALL_PASTE2(name, suffix) name##_##suffix
#define SMALL_PASTE(name, suffix) SMALL_PASTE2(name, suffix)
#define SMALL_FN(name) SMALL_PASTE(name, SUFFIX)

#define REAL float
#define LANES 8
#define SUFFIX f32
typedef float s4small_vector_f32 __attribute__((vector_size(32)));
#define VEC s4small_vector_f32
#include "SmallMatrixLoops.h"
#undef REAL
#undef LANES
#undef SUFFIX
#undef VEC

#define REAL double
#define LANES 4
#define SUFFIX f64
typedef double s4small_vector_f64 __attribute__((vector_size(32)));
#define VEC s4small_vector_f64
#include "SmallMatrixLoops.h"
