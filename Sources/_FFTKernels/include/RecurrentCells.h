// The whole-sequence time loops of the LSTM and GRU blocks (SequenceModels/Recurrent), forward
// and backward through time, for float (_f32) and double (_f64). Shape legend: B batch, L
// length, H hidden size. Every (B, L, ·) array is batch-major: row (b, t) at b·L + t. Gate
// columns are PyTorch's: [i | f | g | o] (LSTM) and [r | z | n] (GRU), H each.
#ifndef S4_RECURRENT_CELLS_H
#define S4_RECURRENT_CELLS_H

#define S4RNN_DECLARE(REAL, SUFFIX)                                                              \
  /* LSTM forward over L steps. weight: W_hh (H, 4H). initialHidden: h₋₁ (B, H), or NULL for  \
     zeros. cellState (B, H): c₋₁ in, c_{L−1} out. gates (B, L, 4H): the input projection    \
     x·W_ih + b in, the activations i, f, g, o out. cells, cellTanh (B, L, H): c_t and tanh c_t \
     out, or both NULL (inference). output (B, L, H): h_t. */                                 \
  void s4rnn_lstm_forward_##SUFFIX(long batch, long hidden, long length, const REAL *weight,    \
                                   const REAL *initialHidden, REAL *cellState, REAL *gates,     \
                                   REAL *cells, REAL *cellTanh, REAL *output);                  \
  /* LSTM backward through time from h₋₁ = c₋₁ = 0, with the forward trace (gates, cells,     \
     cellTanh) and the output gradient (B, L, H). Writes the pre-activation gradients          \
     gateGradient (B, L, 4H); hiddenGradient and cellGradient (B·H) are scratch. */                                                                                  \
  void s4rnn_lstm_backward_##SUFFIX(long batch, long hidden, long length, const REAL *weight,   \
                                    const REAL *gates, const REAL *cells,                       \
                                    const REAL *cellTanh,                    \
                                    const REAL *outputGradient, REAL *gateGradient,             \
                                    REAL *hiddenGradient, REAL *cellGradient);                  \
  /* GRU forward over L steps. weight: W_hh (H, 3H). recurrentBias: b_hn (H) or NULL.          \
     initialHidden: h₋₁ (B, H) or NULL for zeros. gates (B, L, 3H): x·W_ih + b in, r, z, n out. \
     recurrentNew (B, L, H): m = h_{t−1}·W_hn + b_hn out, or NULL (inference). output          \
     (B, L, H): h_t. */                                                                       \
  void s4rnn_gru_forward_##SUFFIX(long batch, long hidden, long length, const REAL *weight,     \
                                  const REAL *recurrentBias, const REAL *initialHidden,         \
                                  REAL *gates, REAL *recurrentNew, REAL *output);               \
  /* GRU backward through time from h₋₁ = 0, with the forward trace (gates, recurrentNew,      \
     output) and the output gradient (B, L, H). Writes the input-side pre-activation gradients \
     [∂a_r | ∂a_z | ∂a_n] and the recurrent-side [∂a_r | ∂a_z | ∂m], each (B, L, 3H);           \
     hiddenGradient (B·H) is scratch. */                                                 \
  void s4rnn_gru_backward_##SUFFIX(long batch, long hidden, long length, const REAL *weight,    \
                                   const REAL *gates, const REAL *recurrentNew,                 \
                                   const REAL *output,                \
                                   const REAL *outputGradient, REAL *inputGradient,             \
                                   REAL *recurrentGradient, REAL *hiddenGradient);

S4RNN_DECLARE(float, f32)
S4RNN_DECLARE(double, f64)
#undef S4RNN_DECLARE

#endif
