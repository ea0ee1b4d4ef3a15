// The recurrent steps of S4 and S4D in C, so that one build carries AVX-512, AVX2 and baseline
// x86-64 versions of the loop and picks one at load time (`target_clones`). Vectors of 8 floats
// or 4 doubles: the state's half length is a multiple of 8 (SSMRecurrence.paddedHalf).
#include "FFTKernels.h"

#include "CloneTargets.h"
#define S4REC_INLINE static inline __attribute__((always_inline))

#define REAL float
#define VLANES 8
#define SUFFIX f32
#include "RecurrentSteps.h"
#undef REAL
#undef VLANES
#undef SUFFIX

#define REAL double
#define VLANES 4
#define SUFFIX f64
#include "RecurrentSteps.h"
#undef REAL
#undef VLANES
#undef SUFFIX
