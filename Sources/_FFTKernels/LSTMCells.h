// The LSTM time loops for one REAL type (RecurrentCells.c), forward and backward through time,
// each step one pass over panels of the hidden units. The equations, in PyTorch's gate order
// i, f, g, o, with a = x_t·W_ih + b + h_{t−1}·W_hh the pre-activations:
//
//   (1) i = σ(aᵢ),  f = σ(a_f),  g = tanh(a_g),  o = σ(a_o)
//   (2) c_t = f∘c_{t−1} + i∘g
//   (3) h_t = o∘tanh(c_t)
//
// Backward, with ∂h the gradient reaching h_t (from the output and from step t + 1) and ∂c the
// one reaching c_t from step t + 1:
//
//   (4) ∂c ← ∂c + ∂h∘o∘(1 − tanh²c_t)
//   (5) ∂a_o = ∂h∘tanh(c_t)∘o(1 − o),  ∂aᵢ = ∂c∘g∘i(1 − i),
//       ∂a_f = ∂c∘c_{t−1}∘f(1 − f),    ∂a_g = ∂c∘i∘(1 − g²)
//   (6) ∂c_{t−1} = ∂c∘f,  ∂h_{t−1} = ∂a·W_hhᵀ
//
// Each step computes the four gate panels of PANEL units (the recurrent product added onto the
// input projection in place), then equations (1)–(3) for those units while they are in L1;
// backward, the panel of ∂h_{t−1} over those units, then (4)–(6) of step t − 1 for them.

/// Equations (1)–(3) for `count` units of one row: the pre-activations ai … ao become the
/// activations, c (the running state) becomes c_t, and h_t is written; with `trace`, c_t and
/// tanh c_t are kept too.
S4RNN_INLINE void RN(s4rnn_lstm_cell)(const int trace, long count, REAL *restrict ai,
                                      REAL *restrict af, REAL *restrict ag, REAL *restrict ao,
                                      REAL *restrict c, REAL *restrict cell,
                                      REAL *restrict cellTanh, REAL *restrict h) {
  for (long j = 0; j < count; j++) {
    REAL i = LOGISTIC(ai[j]), f = LOGISTIC(af[j]), g = TANH(ag[j]), o = LOGISTIC(ao[j]);
    REAL next = f * c[j] + i * g;
    REAL nextTanh = TANH(next);
    ai[j] = i;
    af[j] = f;
    ag[j] = g;
    ao[j] = o;
    c[j] = next;
    h[j] = o * nextTanh;
    if (trace) {
      cell[j] = next;
      cellTanh[j] = nextTanh;
    }
  }
}

/// Equations (4)–(6) except the product for `count` units of one row; `previousCell` NULL
/// stands for c₋₁ = 0. ∂c advances to ∂c_{t−1} in place.
S4RNN_INLINE void RN(s4rnn_lstm_cell_backward)(long count, const REAL *restrict gates, long hidden,
                                               const REAL *restrict previousCell,
                                               const REAL *restrict cellTanh,
                                               const REAL *restrict outputGradient,
                                               const REAL *restrict hiddenGradient,
                                               REAL *restrict cellGradient,
                                               REAL *restrict gateGradient) {
  const REAL *ai = gates, *af = gates + hidden, *ag = gates + 2 * hidden, *ao = gates + 3 * hidden;
  REAL *di = gateGradient, *df = gateGradient + hidden;
  REAL *dg = gateGradient + 2 * hidden, *dout = gateGradient + 3 * hidden;
  for (long j = 0; j < count; j++) {
    REAL i = ai[j], f = af[j], g = ag[j], o = ao[j], tc = cellTanh[j];
    REAL previous = previousCell ? previousCell[j] : 0;
    REAL dh = outputGradient[j] + hiddenGradient[j];
    REAL dc = cellGradient[j] + dh * o * (1 - tc * tc);
    di[j] = dc * g * i * (1 - i);
    df[j] = dc * previous * f * (1 - f);
    dg[j] = dc * i * (1 - g * g);
    dout[j] = dh * tc * o * (1 - o);
    cellGradient[j] = dc * f;
  }
}

/// Equations (4)–(6) except the product for units [j, j + count) of rows b0 ..< b0 + rows at
/// step t.
S4RNN_INLINE void RN(s4rnn_lstm_rows_backward)(long b0, long rows, long t, long j, long count,
                                               long hidden, long length, const REAL *gates,
                                               const REAL *cells, const REAL *cellTanh,
                                               const REAL *outputGradient,
                                               const REAL *hiddenGradient, REAL *cellGradient,
                                               REAL *gateGradient) {
  const long width = 4 * hidden;
  for (long r = 0; r < rows; r++) {
    const long row = (b0 + r) * length + t;
    RN(s4rnn_lstm_cell_backward)(
        count, gates + row * width + j, hidden, t > 0 ? cells + (row - 1) * hidden + j : 0,
        cellTanh + row * hidden + j, outputGradient + row * hidden + j,
        hiddenGradient + (b0 + r) * hidden + j, cellGradient + (b0 + r) * hidden + j,
        gateGradient + row * width + j);
  }
}

S4_CLONES void RN(s4rnn_lstm_forward)(long batch, long hidden, long length, long begin,
                                      long end, const REAL *weight, const REAL *packed,
                                      const REAL *initialHidden, REAL *cellState, REAL *gates,
                                      REAL *cells, REAL *cellTanh, REAL *output) {
  const long width = 4 * hidden;
  const int wide = s4rnn_wide_panels();
  for (long b0 = 0; b0 < batch; b0 += GROUP_ROWS) {
    const long rows = batch - b0 < GROUP_ROWS ? batch - b0 : GROUP_ROWS;
    for (long t = begin; t < end; t++) {
      // h_{t−1} of rows b0 …: the previous output row, h₋₁, or nothing to add (h₋₁ = 0).
      const long depth = t > 0 || initialHidden ? hidden : 0;
      const REAL *previous = t > 0 ? output + (b0 * length + t - 1) * hidden
                                   : (initialHidden ? initialHidden + b0 * hidden : output);
      const long previousStride = t > 0 ? length * hidden : hidden;
      REAL *step = gates + (b0 * length + t) * width;
      for (long j = 0; j < hidden; j += PANEL) {
        const long units = hidden - j < PANEL ? hidden - j : PANEL;
        for (long gate = 0; gate < 4; gate++) {
          REAL *panel = step + gate * hidden + j;
          const REAL *w = packed ? packed + (4 * (j / PANEL) + gate) * hidden * PANEL
                                 : weight + gate * hidden + j;
          RN(s4rnn_columns)(wide, rows, units, depth, previous, previousStride, w,
                            packed ? PANEL : width, panel, length * width, panel,
                            length * width, t + 1 < end ? width : 0);
        }
        for (long r = 0; r < rows; r++) {
          const long row = (b0 + r) * length + t;
          REAL *a = gates + row * width + j;
          REAL *c = cellState + (b0 + r) * hidden + j, *h = output + row * hidden + j;
          if (cells) {
            RN(s4rnn_lstm_cell)(1, units, a, a + hidden, a + 2 * hidden, a + 3 * hidden, c,
                                cells + row * hidden + j, cellTanh + row * hidden + j, h);
          } else {
            RN(s4rnn_lstm_cell)(0, units, a, a + hidden, a + 2 * hidden, a + 3 * hidden, c, 0,
                                0, h);
          }
        }
      }
    }
  }
}

S4_CLONES void RN(s4rnn_lstm_backward)(long batch, long hidden, long length, long begin,
                                       long end, const REAL *packedTransposed,
                                       const REAL *gates, const REAL *cells,
                                       const REAL *cellTanh, const REAL *outputGradient,
                                       REAL *gateGradient, REAL *hiddenGradient,
                                       REAL *cellGradient) {
  const long width = 4 * hidden;
  const int wide = s4rnn_wide_panels();
  if (end == length) {
    for (long i = 0; i < batch * hidden; i++) hiddenGradient[i] = cellGradient[i] = 0;
  }
  for (long b0 = 0; b0 < batch; b0 += GROUP_ROWS) {
    const long rows = batch - b0 < GROUP_ROWS ? batch - b0 : GROUP_ROWS;
    for (long t = end - 1; t >= begin; t--) {
      if (t == length - 1) {  // ∂h_{L−1} comes from the output only
        RN(s4rnn_lstm_rows_backward)(b0, rows, t, 0, hidden, hidden, length, gates, cells,
                                     cellTanh, outputGradient, hiddenGradient, cellGradient,
                                     gateGradient);
        continue;
      }
      // ∂h_t = ∂a_{t+1}·W_hhᵀ panel by panel, then equations (4)–(6) of step t on the panel.
      const REAL *next = gateGradient + (b0 * length + t + 1) * width;
      for (long j = 0; j < hidden; j += PANEL) {
        const long units = hidden - j < PANEL ? hidden - j : PANEL;
        RN(s4rnn_columns)(wide, rows, units, width, next, length * width,
                          packedTransposed + j * width, PANEL, 0, 0,
                          hiddenGradient + b0 * hidden + j, hidden, 0);
        RN(s4rnn_lstm_rows_backward)(b0, rows, t, j, units, hidden, length, gates, cells,
                                     cellTanh, outputGradient, hiddenGradient, cellGradient,
                                     gateGradient);
      }
    }
  }
}
