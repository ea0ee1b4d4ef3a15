// The softmax rows of the attention core (SequenceModels/Attention), one row of a query tile's
// score matrix at a time, in Float. The rows hold n scaled scores sⱼ = q·kⱼ/√d of one query
// against the keys of its tile; the first `visible` are seen by the query (all with no mask,
// keys 0 … i for query i with the causal mask), the rest are masked and come out as 0.
#ifndef S4_ATTENTION_ROWS_H
#define S4_ATTENTION_ROWS_H

/// Forward softmax numerators of one row: the first `visible` (≥ 1) scores become
/// exp(sⱼ − max s), the remaining `count − visible` become 0. Writes max s to `maximum` and
/// returns Σⱼ exp(sⱼ − max s) (at least 1: the largest term is exactly e⁰).
float s4attn_softmax_row_f32(float *row, long visible, long count, float *maximum);

/// Backward row of the softmax Jacobian. On entry `weights` holds the scaled scores sⱼ and
/// `gradients` the products dO·Vⱼ; with pⱼ = exp(sⱼ − logSumExp) and mⱼ = mask[j] (1 when
/// `mask` is NULL) it writes weights[j] = pⱼ·mⱼ and gradients[j] = pⱼ·(mⱼ·dO·Vⱼ − D) with
/// D = `outputDotGradient` = dO·O, over the first `visible` entries, and 0 over the remaining
/// `count − visible`.
void s4attn_score_gradient_row_f32(float *weights, float *gradients, const float *mask,
                                   long visible, long count, float logSumExp,
                                   float outputDotGradient);

#endif
