// The recurrent product of the LSTM and GRU time loops for one REAL type: C = init + A·W for
// a few rows (the batch) and one panel of 2·VLANES columns (RecurrentCells.c). Included once
// per type with REAL, VLANES and SUFFIX defined, before the cell loops.
//
// Each step of a recurrent layer multiplies a (B, K) matrix with few rows by a (K, N) weight
// that stays in L2 between steps. A panel keeps its B×2 vectors of sums in registers over the
// whole depth K: every weight vector is loaded once for all rows and every A scalar is
// broadcast once per panel, so the loop is bounded by the FMAs (16 per k for 8 rows) rather
// than by memory, where a general SGEMM repacks A and B for each such small call.

#define S4RNN_NAME2(name, suffix) name##_##suffix
#define S4RNN_NAME1(name, suffix) S4RNN_NAME2(name, suffix)
#define RN(name) S4RNN_NAME1(name, SUFFIX)

typedef REAL RN(s4rnn_vector) __attribute__((vector_size(VLANES * sizeof(REAL))));
typedef REAL RN(s4rnn_unaligned)
    __attribute__((vector_size(VLANES * sizeof(REAL)), aligned(sizeof(REAL)), may_alias));
#define RVEC RN(s4rnn_vector)
#define RLOAD(p) (*(const RN(s4rnn_unaligned) *)(p))
#define RSTORE(p, v) (*(RN(s4rnn_unaligned) *)(p) = (v))
/// The columns of one panel.
#define PANEL (2 * VLANES)
/// The most rows one panel call keeps in registers (8 × 2 accumulators of the 32 AVX-512
/// registers).
#define PANEL_ROWS 8

/// Row r < rows of c[·, 0 ..< PANEL] = init[r·ldi + ·] (0 when init is NULL; ldi = 0 repeats
/// one row) + Σ_{k < depth} a[r·lda + k]·w[k·ldw + ·]. `rows` is a constant after inlining, so
/// the accumulators are registers. init may equal c (with ldi = ldc): it is read first. With
/// `ahead` ≠ 0 the panel `ahead` scalars past each row of c (the next step's) is prefetched for
/// writing, so that its cache misses overlap this panel's arithmetic.
S4RNN_INLINE void RN(s4rnn_panel)(const long rows, long depth, const REAL *a, long lda,
                                  const REAL *w, long ldw, const REAL *init, long ldi, REAL *c,
                                  long ldc, long ahead) {
  RVEC low[PANEL_ROWS], high[PANEL_ROWS];
#pragma clang loop unroll(full)
  for (long r = 0; r < rows; r++) {
    if (ahead) {
      __builtin_prefetch(c + r * ldc + ahead, 1, 3);
      __builtin_prefetch(c + r * ldc + ahead + VLANES, 1, 3);
    }
    RVEC zero = {0};
    low[r] = init ? RLOAD(init + r * ldi) : zero;
    high[r] = init ? RLOAD(init + r * ldi + VLANES) : zero;
  }
  for (long k = 0; k < depth; k++) {
    RVEC w0 = RLOAD(w + k * ldw), w1 = RLOAD(w + k * ldw + VLANES);
#pragma clang loop unroll(full)
    for (long r = 0; r < rows; r++) {
      REAL x = a[r * lda + k];
      low[r] += x * w0;
      high[r] += x * w1;
    }
  }
#pragma clang loop unroll(full)
  for (long r = 0; r < rows; r++) {
    RSTORE(c + r * ldc, low[r]);
    RSTORE(c + r * ldc + VLANES, high[r]);
  }
}

/// Columns [0, width) (width ≤ PANEL) of the (depth, ·) matrix w with leading dimension ldw,
/// or of its transpose when `transposed` (element (k, n) at w[n·ldw + k]), as one contiguous
/// (depth, PANEL) panel: the step streams its weight panels in order, which the prefetchers
/// follow, where rows of the unpacked weight lie 4H scalars apart (one page per row at H = 256).
S4RNN_INLINE void RN(s4rnn_pack)(long depth, long width, const REAL *w, long ldw, int transposed,
                                 REAL *panel) {
  // Either way the reads run along rows of w.
  if (transposed) {
    for (long n = 0; n < PANEL; n++) {
      for (long k = 0; k < depth; k++) panel[k * PANEL + n] = n < width ? w[n * ldw + k] : 0;
    }
  } else {
    for (long k = 0; k < depth; k++) {
      for (long n = 0; n < PANEL; n++) panel[k * PANEL + n] = n < width ? w[k * ldw + n] : 0;
    }
  }
}

/// The scalars of W_hh (H, G·H) in panels: ⌈H/PANEL⌉·PANEL·G·H.
long RN(s4rnn_packed_count)(long hidden, long gates) {
  return (hidden + PANEL - 1) / PANEL * PANEL * gates * hidden;
}

/// W_hh (H, G·H) in the panels the forward loops read, (gate block j/PANEL, gate g) at
/// (G·j/PANEL + g)·H·PANEL, each (H, PANEL); or, `transposed`, W_hhᵀ (G·H, H) in the panels
/// the backward loops read, units [j, j + PANEL) at j·G·H, each (G·H, PANEL).
void RN(s4rnn_pack_weight)(long hidden, long gates, const REAL *weight, int transposed,
                           REAL *packed) {
  const long width = gates * hidden;
  for (long j = 0; j < hidden; j += PANEL) {
    const long units = hidden - j < PANEL ? hidden - j : PANEL;
    if (transposed) {
      RN(s4rnn_pack)(width, units, weight + j * width, width, 1, packed + j * width);
      continue;
    }
    for (long g = 0; g < gates; g++) {
      RN(s4rnn_pack)(hidden, units, weight + g * hidden + j, width, 0,
                     packed + (gates * (j / PANEL) + g) * hidden * PANEL);
    }
  }
}

/// The same sums for `width` ≤ PANEL columns and rows ≤ PANEL_ROWS: full panels through the
/// register kernel (one instance per row count), a narrower last panel scalar by scalar. Not
/// inlined into the time loops, so that the constants of their gate arithmetic do not crowd
/// the accumulators out of the registers (which spilled them in the GRU's loop).
S4RNN_CLONES static void RN(s4rnn_columns)(long rows, long width, long depth, const REAL *a, long lda,
                                    const REAL *w, long ldw, const REAL *init, long ldi, REAL *c,
                                    long ldc, long ahead) {
  if (width == PANEL) {
    switch (rows) {
#define S4RNN_PANEL_CASE(n) \
  case n: RN(s4rnn_panel)(n, depth, a, lda, w, ldw, init, ldi, c, ldc, ahead); return;
      S4RNN_PANEL_CASE(8) S4RNN_PANEL_CASE(7) S4RNN_PANEL_CASE(6) S4RNN_PANEL_CASE(5)
      S4RNN_PANEL_CASE(4) S4RNN_PANEL_CASE(3) S4RNN_PANEL_CASE(2) S4RNN_PANEL_CASE(1)
#undef S4RNN_PANEL_CASE
      default: break;
    }
  }
  for (long r = 0; r < rows; r++) {
    for (long n = 0; n < width; n++) {
      REAL sum = init ? init[r * ldi + n] : 0;
      for (long k = 0; k < depth; k++) sum += a[r * lda + k] * w[k * ldw + n];
      c[r * ldc + n] = sum;
    }
  }
}
