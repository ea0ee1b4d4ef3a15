// The softmax rows of the attention core in C, so that one build carries AVX-512, AVX2 and
// baseline x86-64 versions and picks one at load time (`target_clones`); the same loops in
// Swift build for baseline x86-64 (4 SSE lanes, no FMA). The exponential is VectorMath.h's
// branch-free s4vm_expf, vectorised by each clone (16 lanes with AVX-512, 8 with AVX2); every
// exp loop runs two vectors per iteration, independent chains that fill the out-of-order
// window of a 256-bit machine.
#include "AttentionRows.h"

#include <string.h>

#include "VectorMath.h"

#include "CloneTargets.h"

typedef float s4attn_vector __attribute__((vector_size(16 * sizeof(float))));
typedef float s4attn_unaligned
    __attribute__((vector_size(16 * sizeof(float)), aligned(sizeof(float)), may_alias));

/// max sⱼ over `count` ≥ 1 scores: 16 running maxima, then their maximum and the tail.
static inline __attribute__((always_inline)) float s4attn_maximum(const float *row, long count) {
  const long whole = count & ~15L;
  float maximum = row[0];
  if (whole > 0) {
    s4attn_vector maxima = *(const s4attn_unaligned *)row;
    for (long j = 16; j < whole; j += 16)
      maxima = __builtin_elementwise_max(maxima, *(const s4attn_unaligned *)(row + j));
    maximum = __builtin_reduce_max(maxima);
  }
  for (long j = whole; j < count; j++) maximum = row[j] > maximum ? row[j] : maximum;
  return maximum;
}

// Stable softmax: subtracting the maximum keeps every exponent ≤ 0, so nothing overflows and
// the largest term is exactly 1. Masked entries are written as 0 so that the P·V product
// that follows may run over the tile's whole key range.
S4_CLONES float s4attn_softmax_row_f32(float *row, long visible, long count, float *maximum) {
  const float shift = s4attn_maximum(row, visible);
  float sum = 0;
#pragma clang loop vectorize(enable) interleave_count(2)
  for (long j = 0; j < visible; j++) {
    float e = s4vm_expf(row[j] - shift);
    row[j] = e;
    sum += e;
  }
  memset(row + visible, 0, (size_t)(count - visible) * sizeof(float));
  *maximum = shift;
  return sum;
}

// dsⱼ = pⱼ·(mⱼ·dP̃ⱼ − D): the softmax Jacobian diag(p) − p·pᵀ applied to the gradient of the
// dropped weights, with pᵀ·(m∘dP̃) = rowsum(dO∘O) = D (FlashAttention-2, Dao 2023, §3.1).
S4_CLONES void s4attn_score_gradient_row_f32(float *weights, float *gradients,
                                             const float *mask, long visible, long count,
                                             float logSumExp, float outputDotGradient) {
  if (mask) {
#pragma clang loop vectorize(enable) interleave_count(2)
    for (long j = 0; j < visible; j++) {
      float p = s4vm_expf(weights[j] - logSumExp);
      gradients[j] = p * (mask[j] * gradients[j] - outputDotGradient);
      weights[j] = p * mask[j];
    }
  } else {
#pragma clang loop vectorize(enable) interleave_count(2)
    for (long j = 0; j < visible; j++) {
      float p = s4vm_expf(weights[j] - logSumExp);
      gradients[j] = p * (gradients[j] - outputDotGradient);
      weights[j] = p;
    }
  }
  memset(weights + visible, 0, (size_t)(count - visible) * sizeof(float));
  memset(gradients + visible, 0, (size_t)(count - visible) * sizeof(float));
}
