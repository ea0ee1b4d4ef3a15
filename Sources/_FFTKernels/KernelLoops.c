// The loops of the S4 and S4D kernels (CauchyKernels.h, SmallMatrixKernels.h), instantiated
// for float (8 lanes) and double (4 lanes) from the templates CauchyLoops.h and
// SmallMatrixLoops.h. Every clone uses 32-byte vectors: one ymm register with AVX2 or AVX-512,
// so that a loop's accumulators fit AVX2's 16 registers as well as AVX-512's 32.
#include "CauchyKernels.h"
#include "SmallMatrixKernels.h"

#include <string.h>

#include "CloneTargets.h"
#define S4KERNEL_INLINE static inline __attribute__((always_inline))
#define S4KERNEL_PASTE2(name, suffix) name##_##suffix
#define S4KERNEL_PASTE(name, suffix) S4KERNEL_PASTE2(name, suffix)
#define KERNEL_FN(name) S4KERNEL_PASTE(name, SUFFIX)

#define LOADU(p) (*(const S4KERNEL_PASTE(s4kernel_unaligned, SUFFIX) *)(p))
#define STOREU(p, v) (*(S4KERNEL_PASTE(s4kernel_unaligned, SUFFIX) *)(p) = (v))

#define REAL float
#define LANES 8
#define SUFFIX f32
typedef float s4kernel_vector_f32 __attribute__((vector_size(32)));
typedef float s4kernel_unaligned_f32 __attribute__((vector_size(32), aligned(sizeof(float))));
#define VEC s4kernel_vector_f32
#include "CauchyLoops.h"
#include "SmallMatrixLoops.h"
#undef REAL
#undef LANES
#undef SUFFIX
#undef VEC

#define REAL double
#define LANES 4
#define SUFFIX f64
typedef double s4kernel_vector_f64 __attribute__((vector_size(32)));
typedef double s4kernel_unaligned_f64 __attribute__((vector_size(32), aligned(sizeof(double))));
#define VEC s4kernel_vector_f64
#include "CauchyLoops.h"
#include "SmallMatrixLoops.h"
