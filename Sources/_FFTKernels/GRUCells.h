// The GRU time loops for one REAL type (RecurrentCells.c), forward and backward through time,
// in PyTorch's nn.GRU form (gate order r, z, n) with [x_r | x_z | x_n] = x_t·W_ih + b and
// [u_r | u_z | u_n] = h_{t−1}·W_hh:
//
//   (1) r = σ(x_r + u_r),  z = σ(x_z + u_z)
//   (2) m = u_n + b_hn,    n = tanh(x_n + r∘m)
//   (3) h_t = (1 − z)∘n + z∘h_{t−1} = n + z∘(h_{t−1} − n)
//
// Backward, with ∂h the gradient reaching h_t:
//
//   (4) ∂a_z = ∂h∘(h_{t−1} − n)∘z(1 − z),  ∂a_n = ∂h∘(1 − z)∘(1 − n²)
//   (5) ∂a_r = ∂a_n∘m∘r(1 − r),            ∂m = ∂a_n∘r
//   (6) ∂h_{t−1} = ∂h∘z + [∂a_r | ∂a_z | ∂m]·W_hhᵀ
//
// The input side receives [∂a_r | ∂a_z | ∂a_n], the recurrent side [∂a_r | ∂a_z | ∂m]. Each
// step computes the r and z panels of PANEL units onto the input projection in place and the
// m panel apart (r multiplies only u_n + b_hn), then (1)–(3) for those units; backward, the
// panel of ∂h_{t−1}, then (4)–(5) of step t − 1 for those units.

/// Equations (1)–(3) for `count` units of one row: the sums in ar, az become r, z, an (x_n)
/// becomes n, and h_t is written; `previous` NULL stands for h₋₁ = 0.
S4RNN_INLINE void RN(s4rnn_gru_cell)(long count, REAL *restrict ar, REAL *restrict az,
                                     REAL *restrict an, const REAL *restrict m,
                                     const REAL *restrict previous, REAL *restrict h) {
  for (long j = 0; j < count; j++) {
    REAL r = LOGISTIC(ar[j]), z = LOGISTIC(az[j]);
    REAL n = TANH(an[j] + r * m[j]);
    REAL before = previous ? previous[j] : 0;
    ar[j] = r;
    az[j] = z;
    an[j] = n;
    h[j] = n + z * (before - n);
  }
}

/// Equations (4)–(5) for `count` units of one row; `hiddenGradient` holds the recurrent part of
/// ∂h on entry and the direct part ∂h∘z of ∂h_{t−1} on return.
S4RNN_INLINE void RN(s4rnn_gru_cell_backward)(long count, const REAL *restrict gates, long hidden,
                                              const REAL *restrict m,
                                              const REAL *restrict previous,
                                              const REAL *restrict outputGradient,
                                              REAL *restrict hiddenGradient,
                                              REAL *restrict inputGradient,
                                              REAL *restrict recurrentGradient) {
  const REAL *ar = gates, *az = gates + hidden, *an = gates + 2 * hidden;
  REAL *dr = inputGradient, *dz = inputGradient + hidden, *dn = inputGradient + 2 * hidden;
  REAL *ur = recurrentGradient, *uz = recurrentGradient + hidden;
  REAL *um = recurrentGradient + 2 * hidden;
  for (long j = 0; j < count; j++) {
    REAL r = ar[j], z = az[j], n = an[j];
    REAL before = previous ? previous[j] : 0;
    REAL dh = outputGradient[j] + hiddenGradient[j];
    REAL gz = dh * (before - n) * z * (1 - z);
    REAL gn = dh * (1 - z) * (1 - n * n);
    REAL gr = gn * m[j] * r * (1 - r);
    dr[j] = ur[j] = gr;
    dz[j] = uz[j] = gz;
    dn[j] = gn;
    um[j] = gn * r;
    hiddenGradient[j] = dh * z;
  }
}

/// Equations (4)–(5) for units [j, j + count) of rows b0 ..< b0 + rows at step t.
S4RNN_INLINE void RN(s4rnn_gru_rows_backward)(long b0, long rows, long t, long j, long count,
                                              long hidden, long length, const REAL *gates,
                                              const REAL *recurrentNew, const REAL *output,
                                              const REAL *outputGradient, REAL *hiddenGradient,
                                              REAL *inputGradient, REAL *recurrentGradient) {
  const long width = 3 * hidden;
  for (long r = 0; r < rows; r++) {
    const long row = (b0 + r) * length + t;
    RN(s4rnn_gru_cell_backward)(
        count, gates + row * width + j, hidden, recurrentNew + row * hidden + j,
        t > 0 ? output + (row - 1) * hidden + j : 0, outputGradient + row * hidden + j,
        hiddenGradient + (b0 + r) * hidden + j, inputGradient + row * width + j,
        recurrentGradient + row * width + j);
  }
}

S4_CLONES void RN(s4rnn_gru_forward)(long batch, long hidden, long length, long begin,
                                     long end, const REAL *weight, const REAL *packed,
                                     const REAL *recurrentBias, const REAL *initialHidden,
                                     REAL *gates, REAL *recurrentNew, REAL *output) {
  const long width = 3 * hidden;
  const int wide = s4rnn_wide_panels();
  // m of one panel when the caller keeps no trace of it.
  REAL scratch[GROUP_ROWS * PANEL];
  for (long b0 = 0; b0 < batch; b0 += GROUP_ROWS) {
    const long rows = batch - b0 < GROUP_ROWS ? batch - b0 : GROUP_ROWS;
    for (long t = begin; t < end; t++) {
      const long depth = t > 0 || initialHidden ? hidden : 0;
      const REAL *previous = t > 0 ? output + (b0 * length + t - 1) * hidden
                                   : (initialHidden ? initialHidden + b0 * hidden : output);
      const long previousStride = t > 0 ? length * hidden : hidden;
      REAL *step = gates + (b0 * length + t) * width;
      for (long j = 0; j < hidden; j += PANEL) {
        const long units = hidden - j < PANEL ? hidden - j : PANEL;
        const REAL *w[3];
        for (long gate = 0; gate < 3; gate++) {
          w[gate] = packed ? packed + (3 * (j / PANEL) + gate) * hidden * PANEL
                           : weight + gate * hidden + j;
        }
        const long ldw = packed ? PANEL : width;
        for (long gate = 0; gate < 2; gate++) {
          REAL *panel = step + gate * hidden + j;
          RN(s4rnn_columns)(wide, rows, units, depth, previous, previousStride, w[gate], ldw,
                            panel, length * width, panel, length * width,
                            t + 1 < end ? width : 0);
        }
        REAL *m = recurrentNew ? recurrentNew + (b0 * length + t) * hidden + j : scratch;
        const long mStride = recurrentNew ? length * hidden : PANEL;
        RN(s4rnn_columns)(wide, rows, units, depth, previous, previousStride, w[2], ldw,
                          recurrentBias ? recurrentBias + j : 0, 0, m, mStride, 0);
        for (long r = 0; r < rows; r++) {
          const long row = (b0 + r) * length + t;
          REAL *a = gates + row * width + j;
          const REAL *before = t > 0 ? output + (row - 1) * hidden + j
                                     : (initialHidden ? initialHidden + (b0 + r) * hidden + j : 0);
          RN(s4rnn_gru_cell)(units, a, a + hidden, a + 2 * hidden, m + r * mStride, before,
                             output + row * hidden + j);
        }
      }
    }
  }
}

S4_CLONES void RN(s4rnn_gru_backward)(long batch, long hidden, long length, long begin,
                                      long end, const REAL *packedTransposed,
                                      const REAL *gates, const REAL *recurrentNew,
                                      const REAL *output, const REAL *outputGradient,
                                      REAL *inputGradient, REAL *recurrentGradient,
                                      REAL *hiddenGradient) {
  const long width = 3 * hidden;
  const int wide = s4rnn_wide_panels();
  if (end == length) {
    for (long i = 0; i < batch * hidden; i++) hiddenGradient[i] = 0;
  }
  for (long b0 = 0; b0 < batch; b0 += GROUP_ROWS) {
    const long rows = batch - b0 < GROUP_ROWS ? batch - b0 : GROUP_ROWS;
    for (long t = end - 1; t >= begin; t--) {
      if (t == length - 1) {  // ∂h_{L−1} comes from the output only
        RN(s4rnn_gru_rows_backward)(b0, rows, t, 0, hidden, hidden, length, gates, recurrentNew,
                                    output, outputGradient, hiddenGradient, inputGradient,
                                    recurrentGradient);
        continue;
      }
      // ∂h_t = ∂h_t∘z_{t+1} (already in hiddenGradient) + [∂a_r | ∂a_z | ∂m]_{t+1}·W_hhᵀ panel
      // by panel, then equations (4)–(5) of step t on the panel.
      const REAL *next = recurrentGradient + (b0 * length + t + 1) * width;
      for (long j = 0; j < hidden; j += PANEL) {
        const long units = hidden - j < PANEL ? hidden - j : PANEL;
        REAL *panel = hiddenGradient + b0 * hidden + j;
        RN(s4rnn_columns)(wide, rows, units, width, next, length * width,
                          packedTransposed + j * width, PANEL, panel, hidden, panel, hidden, 0);
        RN(s4rnn_gru_rows_backward)(b0, rows, t, j, units, hidden, length, gates, recurrentNew,
                                    output, outputGradient, hiddenGradient, inputGradient,
                                    recurrentGradient);
      }
    }
  }
}
