// The whole-sequence time loops of the LSTM and GRU blocks (SequenceModels/Recurrent), forward
// and backward through time, for float (_f32) and double (_f64). Shape legend: B batch, L
// length, H hidden size, G gates (4 LSTM, 3 GRU). Every (B, L, ·) array is batch-major, row
// (b, t) at b·L + t. Gate columns are PyTorch's: [i | f | g | o] (LSTM), [r | z | n] (GRU).
//
// The loops run the steps [begin, end) of the sequence, so that a caller can interleave them
// with other work: forward in increasing order (step `begin` reads h_{begin−1} from `output`),
// backward in decreasing order (step t reads the pre-activation gradients of t + 1, which a
// call for a later range has written; the call whose range ends at L starts the recursion).
#ifndef S4_RECURRENT_CELLS_H
#define S4_RECURRENT_CELLS_H

#define S4RNN_DECLARE(REAL, SUFFIX)                                                            \
  /* The scalars of W_hh (H, G·H) packed by s4rnn_pack_weight. */                           \
  long s4rnn_packed_count_##SUFFIX(long hidden, long gates);                                \
  /* W_hh packed for the forward loops, or (transposed ≠ 0) W_hhᵀ for the backward loops. */ \
  void s4rnn_pack_weight_##SUFFIX(long hidden, long gates, const REAL *weight, int transposed, \
                                  REAL *packed);                                            \
  /* The time loops' recurrent product c = init + a·w for rows × width (width ≤ one panel:   \
     32 Float or 16 Double columns, ldw ≥ that panel) over `depth`, init NULL for 0, through \
     register panels of AVX-512's shape (wide ≠ 0) or AVX2's, whichever the machine runs:   \
     the tests check every shape and row count with it. */                                 \
  void s4rnn_product_##SUFFIX(int wide, long rows, long width, long depth, const REAL *a,     \
                              long lda, const REAL *w, long ldw, const REAL *init, long ldi, \
                              REAL *c, long ldc);                                           \
  /* LSTM forward. weight: W_hh (H, 4H), read when packed (its forward packing) is NULL.     \
     initialHidden: h₋₁ (B, H), or NULL for zeros. cellState (B, H): c_{begin−1} in, c_{end−1} \
     out. gates (B, L, 4H): x·W_ih + b in, the activations i, f, g, o out. cells, cellTanh    \
     (B, L, H): c_t and tanh c_t out, or both NULL (inference). output (B, L, H): h_t. */     \
  void s4rnn_lstm_forward_##SUFFIX(long batch, long hidden, long length, long begin, long end, \
                                   const REAL *weight, const REAL *packed,                  \
                                   const REAL *initialHidden, REAL *cellState, REAL *gates, \
                                   REAL *cells, REAL *cellTanh, REAL *output);              \
  /* LSTM backward from h₋₁ = c₋₁ = 0: the pre-activation gradients gateGradient (B, L, 4H)  \
     of the steps [begin, end), from the trace (gates, cells, cellTanh) and the output        \
     gradient (B, L, H). packedTransposed: W_hhᵀ packed. hiddenGradient, cellGradient (B, H): \
     the running ∂h_t, ∂c_t, carried from one call to the next. */                           \
  void s4rnn_lstm_backward_##SUFFIX(long batch, long hidden, long length, long begin, long end, \
                                    const REAL *packedTransposed, const REAL *gates,        \
                                    const REAL *cells, const REAL *cellTanh,                \
                                    const REAL *outputGradient, REAL *gateGradient,         \
                                    REAL *hiddenGradient, REAL *cellGradient);              \
  /* GRU forward. weight: W_hh (H, 3H), read when packed is NULL. recurrentBias: b_hn (H) or  \
     NULL. initialHidden: h₋₁ (B, H) or NULL for zeros. gates (B, L, 3H): x·W_ih + b in,       \
     r, z, n out. recurrentNew (B, L, H): m = h_{t−1}·W_hn + b_hn out, or NULL (inference).   \
     output (B, L, H): h_t. */                                                                \
  void s4rnn_gru_forward_##SUFFIX(long batch, long hidden, long length, long begin, long end,  \
                                  const REAL *weight, const REAL *packed,                   \
                                  const REAL *recurrentBias, const REAL *initialHidden,     \
                                  REAL *gates, REAL *recurrentNew, REAL *output);           \
  /* GRU backward from h₋₁ = 0: the input-side pre-activation gradients [∂a_r | ∂a_z | ∂a_n] \
     and the recurrent-side [∂a_r | ∂a_z | ∂m] (B, L, 3H) of the steps [begin, end), from the  \
     trace (gates, recurrentNew, output) and the output gradient (B, L, H). hiddenGradient    \
     (B, H): the running ∂h_t, carried from one call to the next. */                          \
  void s4rnn_gru_backward_##SUFFIX(long batch, long hidden, long length, long begin, long end, \
                                   const REAL *packedTransposed, const REAL *gates,         \
                                   const REAL *recurrentNew, const REAL *output,            \
                                   const REAL *outputGradient, REAL *inputGradient,         \
                                   REAL *recurrentGradient, REAL *hiddenGradient);

S4RNN_DECLARE(float, f32)
S4RNN_DECLARE(double, f64)
#undef S4RNN_DECLARE

#endif
