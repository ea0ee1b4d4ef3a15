// The whole-sequence time loops of the LSTM and GRU blocks (SequenceModels/Recurrent) in C, so
// that one build carries AVX-512, AVX2 and baseline x86-64 versions and picks one at load time
// (`target_clones`): each step's small recurrent product (RecurrentPanels.h) fused with the
// gate nonlinearities and the state update (LSTMCells.h, GRUCells.h), one call per sequence.
// Float gates use the branch-free exp/tanh/σ of VectorMath.h (vectorised, 16 lanes with
// AVX-512); Double uses libm, the reference the Float64 gradient checks compare against.
#include "RecurrentCells.h"

#include "CPULevel.h"
#include "VectorMath.h"

#include "CloneTargets.h"
#define S4RNN_INLINE static inline __attribute__((always_inline))

/// Whether the register panels take AVX-512's shape (RecurrentPanels.h): on the machines whose
/// time loops run the x86-64-v4 clone, the same test as target_clones' resolver.
S4RNN_INLINE int s4rnn_wide_panels(void) {
#if defined(__x86_64__) && defined(__linux__)
  return s4_cpu_runs_x86_64_v4();
#else
  return 0;
#endif
}

/// σ(x) = 1/(1 + e^{−x}) in Double without overflow for either sign (e^{−|x|} ≤ 1).
S4RNN_INLINE double s4rnn_logistic(double x) {
  double e = exp(x < 0 ? x : -x);
  double s = 1 / (1 + e);
  return x < 0 ? e * s : s;
}

#define REAL float
#define VLANES 16
#define SUFFIX f32
#define LOGISTIC(x) s4vm_logisticf(x)
#define TANH(x) s4vm_tanhf(x)
#include "RecurrentPanels.h"
#include "LSTMCells.h"
#include "GRUCells.h"
#undef REAL
#undef VLANES
#undef SUFFIX
#undef LOGISTIC
#undef TANH
#undef RVEC
#undef RLOAD
#undef RSTORE
#undef PANEL
#undef PANEL_ROWS
#undef HALF_PANEL_ROWS
#undef GROUP_ROWS

#define REAL double
#define VLANES 8
#define SUFFIX f64
#define LOGISTIC(x) s4rnn_logistic(x)
#define TANH(x) tanh(x)
#include "RecurrentPanels.h"
#include "LSTMCells.h"
#include "GRUCells.h"
