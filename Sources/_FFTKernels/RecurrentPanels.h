// The recurrent product of the LSTM and GRU time loops for one REAL type: C = init + A·W for
// a few rows (the batch) and one panel of 2·VLANES columns (RecurrentCells.c). Included once
// per type with REAL, VLANES and SUFFIX defined, before the cell loops.
//
// Each step of a recurrent layer multiplies a (B, K) matrix with few rows by a (K, N) weight
// that stays in cache between steps. A register panel keeps its rows × vectors of sums in
// registers over the whole depth K: every weight vector is loaded once for all its rows and
// every A scalar is broadcast once per vector of columns, so the loop is bounded by the FMAs
// rather than by memory, where a general SGEMM repacks A and B for each such small call.
//
// The panel's shape follows the register file. AVX-512 holds a 16-Float vector in one of 32
// registers: 8 rows × 2 vectors take 16 of them. AVX2 splits each vector in two of its 16 ymm
// registers, where 8 × 2 vectors would need 32 and spill on every step; there a panel is 3 to 6
// rows × one vector (the two halves of the columns one after the other, 6 to 12 ymm sums, two
// for the weights, one for the broadcast), or 1 to 2 rows × 2 vectors: Zen 3's two FMA pipes of
// latency 4 need 8 independent sums to stay busy, which 1 or 2 rows over half the columns lack.

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
/// The most rows of one register panel (AVX-512: 8 × 2 accumulators of its 32 registers).
#define PANEL_ROWS 8
/// The most rows of one AVX2 half panel (6 × 2 ymm accumulators of its 16 registers).
#define HALF_PANEL_ROWS 6
/// The most rows the time loops step together: the register panels of one weight panel run
/// one after the other, so that only the first reads it from beyond L2 (W_hh, 1 MB at
/// H = 256 for the LSTM, does not fit Zen 3's 512 KB L2).
#define GROUP_ROWS 16

/// sums[r][v] += a[r·lda + k]·w[k·ldw + v·VLANES ..< (v + 1)·VLANES] for r < rows, v < vectors:
/// one k of a register panel.
S4RNN_INLINE void RN(s4rnn_panel_k)(const long rows, const long vectors, long k, const REAL *a,
                                    long lda, const REAL *w, long ldw,
                                    RVEC sums[PANEL_ROWS][2]) {
  RVEC weights[2];
#pragma clang loop unroll(full)
  for (long v = 0; v < vectors; v++) weights[v] = RLOAD(w + k * ldw + v * VLANES);
#pragma clang loop unroll(full)
  for (long r = 0; r < rows; r++) {
    REAL x = a[r * lda + k];
#pragma clang loop unroll(full)
    for (long v = 0; v < vectors; v++) sums[r][v] += x * weights[v];
  }
}

/// Row r < rows of c[·, 0 ..< vectors·VLANES] = init[r·ldi + ·] (0 when init is NULL; ldi = 0
/// repeats one row) + Σ_{k < depth} a[r·lda + k]·w[k·ldw + ·]. `rows` and `vectors` are
/// constants after inlining, so the accumulators are registers. init may equal c (with
/// ldi = ldc): it is read first. With `ahead` ≠ 0 the columns `ahead` scalars past each row of
/// c (the next step's) are prefetched for writing, so that their cache misses overlap this
/// panel's arithmetic.
S4RNN_INLINE void RN(s4rnn_panel)(const long rows, const long vectors, long depth, const REAL *a,
                                  long lda, const REAL *w, long ldw, const REAL *init, long ldi,
                                  REAL *c, long ldc, long ahead) {
  RVEC sums[PANEL_ROWS][2];
#pragma clang loop unroll(full)
  for (long r = 0; r < rows; r++) {
#pragma clang loop unroll(full)
    for (long v = 0; v < vectors; v++) {
      if (ahead) __builtin_prefetch(c + r * ldc + ahead + v * VLANES, 1, 3);
      RVEC zero = {0};
      sums[r][v] = init ? RLOAD(init + r * ldi + v * VLANES) : zero;
    }
  }
  if (vectors == 1) {
    // AVX2's half panels: four k per iteration, so that the out-of-order window reaches the
    // weight loads of later k while the FMAs of earlier ones wait on theirs (the full panels,
    // AVX-512's, keep their loop of one k).
#pragma clang loop unroll_count(4)
    for (long k = 0; k < depth; k++) RN(s4rnn_panel_k)(rows, 1, k, a, lda, w, ldw, sums);
  } else {
    for (long k = 0; k < depth; k++) RN(s4rnn_panel_k)(rows, vectors, k, a, lda, w, ldw, sums);
  }
#pragma clang loop unroll(full)
  for (long r = 0; r < rows; r++) {
#pragma clang loop unroll(full)
    for (long v = 0; v < vectors; v++) RSTORE(c + r * ldc + v * VLANES, sums[r][v]);
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

/// One register panel of `rows` rows: the full PANEL columns (`vectors` = 2, rows ≤ PANEL_ROWS)
/// or the VLANES columns at w, init, c (`vectors` = 1, 3 ≤ rows ≤ HALF_PANEL_ROWS), one
/// instance per shape.
S4RNN_INLINE void RN(s4rnn_block)(long rows, long vectors, long depth, const REAL *a, long lda,
                                  const REAL *w, long ldw, const REAL *init, long ldi, REAL *c,
                                  long ldc, long ahead) {
#define S4RNN_PANEL_CASE(n, v) \
  case n: RN(s4rnn_panel)(n, v, depth, a, lda, w, ldw, init, ldi, c, ldc, ahead); return;
  if (vectors == 2) {
    switch (rows) {
      S4RNN_PANEL_CASE(8, 2) S4RNN_PANEL_CASE(7, 2) S4RNN_PANEL_CASE(6, 2) S4RNN_PANEL_CASE(5, 2)
      S4RNN_PANEL_CASE(4, 2) S4RNN_PANEL_CASE(3, 2) S4RNN_PANEL_CASE(2, 2) S4RNN_PANEL_CASE(1, 2)
      default: break;
    }
  } else {
    switch (rows) {
      S4RNN_PANEL_CASE(6, 1) S4RNN_PANEL_CASE(5, 1) S4RNN_PANEL_CASE(4, 1) S4RNN_PANEL_CASE(3, 1)
      default: break;
    }
  }
#undef S4RNN_PANEL_CASE
}

/// The same sums for `width` ≤ PANEL columns and rows ≤ GROUP_ROWS: full panels through
/// register panels of the machine's shape (`wide`: AVX-512's, else AVX2's; see the top of
/// this file), a narrower last panel scalar by scalar. The rows are cut into blocks as even
/// as possible (8 rows as 4 + 4 rather than 6 + 2, whose 4 sums would leave the FMA pipes
/// waiting); each half panel runs all its blocks before the other half, so that its weights
/// stay in L1 between blocks. Not inlined into the time loops, so that the constants of their
/// gate arithmetic do not crowd the accumulators out of the registers (which spilled them in
/// the GRU's loop).
S4_CLONES static void RN(s4rnn_columns)(int wide, long rows, long width, long depth,
                                        const REAL *a, long lda, const REAL *w, long ldw,
                                        const REAL *init, long ldi, REAL *c, long ldc,
                                        long ahead) {
  if (width == PANEL) {
    const long most = wide ? PANEL_ROWS : HALF_PANEL_ROWS;
    const long vectors = wide || rows <= 2 ? 2 : 1;
    const long blocks = (rows + most - 1) / most;
    for (long half = 0; half < 2 / vectors; half++) {
      const long o = half * VLANES;
      for (long block = 0, r = 0; block < blocks; block++) {
        const long n = (rows - r) / (blocks - block);
        RN(s4rnn_block)(n, vectors, depth, a + r * lda, lda, w + o, ldw,
                        init ? init + r * ldi + o : 0, ldi, c + r * ldc + o, ldc, ahead);
        r += n;
      }
    }
    return;
  }
  for (long r = 0; r < rows; r++) {
    for (long n = 0; n < width; n++) {
      REAL sum = init ? init[r * ldi + n] : 0;
      for (long k = 0; k < depth; k++) sum += a[r * lda + k] * w[k * ldw + n];
      c[r * ldc + n] = sum;
    }
  }
}

/// The product through the register panels of one shape, for the tests of every shape and
/// row count on any machine.
void RN(s4rnn_product)(int wide, long rows, long width, long depth, const REAL *a, long lda,
                       const REAL *w, long ldw, const REAL *init, long ldi, REAL *c, long ldc) {
  for (long r = 0; r < rows; r += GROUP_ROWS) {
    const long n = rows - r < GROUP_ROWS ? rows - r : GROUP_ROWS;
    RN(s4rnn_columns)(wide, n, width, depth, a + r * lda, lda, w, ldw, init ? init + r * ldi : 0,
                      ldi, c + r * ldc, ldc, 0);
  }
}
