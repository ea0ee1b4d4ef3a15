// The elementwise loops of ElementwiseKernels.h, instantiated for float and double from
// ElementwiseLoops.h.
#include "ElementwiseKernels.h"

#include "CloneTargets.h"
#define S4EW_PASTE2(name, suffix) name##_##suffix
#define S4EW_PASTE(name, suffix) S4EW_PASTE2(name, suffix)
#define EW(name) S4EW_PASTE(name, SUFFIX)

#define REAL float
#define SUFFIX f32
#define S4EW_FLOAT 1
#include "ElementwiseLoops.h"
#undef REAL
#undef SUFFIX
#undef S4EW_FLOAT

#define REAL double
#define SUFFIX f64
#define S4EW_FLOAT 0
#include "ElementwiseLoops.h"
