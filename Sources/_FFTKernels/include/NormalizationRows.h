// The row-wise normalisations of Training's ops in Float, over `rows` contiguous rows of `n`
// (or `width`) scalars: softmax and log-softmax along the last axis and layer normalisation
// over it, with their pullbacks, and the cross-entropy loss's log-sum-exp and softmax rows. C so that one build carries AVX-512, AVX2 and baseline x86-64
// versions (`target_clones`); Swift's own loops build for baseline x86-64 only (4 SSE lanes,
// no FMA).
#ifndef S4_NORMALIZATION_ROWS_H
#define S4_NORMALIZATION_ROWS_H

/// y = softmax(x) per row (n ≥ 1), or log-softmax when `logarithm` is nonzero:
/// with m = max x and s = Σ e^{x − m}, yⱼ = e^{xⱼ − m}/s or xⱼ − m − log s.
void s4norm_softmax_rows_f32(const float *x, long rows, long n, int logarithm, float *y);

/// The pullback per row from g and the forward output y: y∘(g − ⟨g, y⟩) for softmax, or
/// g − e^{y}·Σ g for log-softmax (`logarithm` nonzero).
void s4norm_softmax_rows_backward_f32(const float *g, const float *y, long rows, long n,
                                      int logarithm, float *dx);

/// Layer normalisation per row of `width` ≥ 1: μ = mean x, σ² = mean (x − μ)², r = 1/√(σ² + ε),
/// y = (x − μ)·r·γ + β; writes μ and r of each row to `mean` and `reciprocal`.
void s4norm_layer_norm_rows_f32(const float *x, const float *gamma, const float *beta,
                                long rows, long width, float epsilon, float *y, float *mean,
                                float *reciprocal);

/// Its pullback with x̂ = (x − μ)·r and ĝ = g∘γ: adds Σ_rows g∘x̂ to `dgamma` and Σ_rows g to
/// `dbeta` (each `width` long), and when `dx` is not NULL writes
/// dx = r·(ĝ − mean ĝ − x̂·mean(ĝ∘x̂)) per row.
void s4norm_layer_norm_rows_backward_f32(const float *x, const float *g, const float *gamma,
                                         const float *mean, const float *reciprocal, long rows,
                                         long width, float *dx, float *dgamma, float *dbeta);

/// The log-sum-exp of each row (n ≥ 1): lse = m + log Σ e^{xⱼ − m} with m = max x.
void s4norm_log_sum_exp_rows_f32(const float *x, long rows, long n, float *lse);

/// Per row: outⱼ = scale·(e^{xⱼ − shift[row]} − offset), the cross-entropy pullback's
/// softmax term (shift = the row's log-sum-exp, offset = the label-smoothing mass per class).
void s4norm_shifted_exp_rows_f32(const float *x, const float *shift, long rows, long n,
                                 float scale, float offset, float *out);

#endif
