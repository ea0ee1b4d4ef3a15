// The umbrella header of the C target: every header Swift sees. Listing them here (instead of
// letting SwiftPM take the whole directory) means adding a header changes this file, which
// rebuilds the module; an umbrella directory's new header was missed by incremental builds
// until their module cache was deleted.
#include "AttentionRows.h"
#include "CPULevel.h"
#include "CauchyKernels.h"
#include "ElementwiseKernels.h"
#include "FFTKernels.h"
#include "NormalizationRows.h"
#include "RecurrentCells.h"
#include "SmallMatrixKernels.h"
#include "VectorMath.h"
#include "WaitWord.h"
