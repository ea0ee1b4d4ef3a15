// Softmax and layer-normalisation rows (NormalizationRows.h). Each row is short (a few hundred
// scalars) and sits in L1 between its passes, so the loops are bound by arithmetic and by the
// dependency chains of their sums: every reduction is a vector of partial sums that the
// compiler keeps in registers (8 lanes with AVX2, 16 with AVX-512), reduced once per row.
#include "NormalizationRows.h"

#include <math.h>

#include "VectorMath.h"

#include "CloneTargets.h"

S4_CLONES void s4norm_softmax_rows_f32(const float *x, long rows, long n, int logarithm,
                                       float *y) {
  for (long row = 0; row < rows; row++) {
    const float *restrict line = x + row * n;
    float *restrict out = y + row * n;
    float maximum = line[0];
#pragma clang loop vectorize(enable) interleave_count(2)
    for (long j = 0; j < n; j++) maximum = fmaxf(maximum, line[j]);
    // Every exponent is ≤ 0, so the sum lies in [1, n]: finite for any finite logits.
    float sum = 0;
#pragma clang loop vectorize(enable) interleave_count(2)
    for (long j = 0; j < n; j++) {
      float e = s4vm_expf(line[j] - maximum);
      out[j] = e;
      sum += e;
    }
    if (logarithm) {
      const float shift = maximum + logf(sum);
#pragma clang loop vectorize(enable)
      for (long j = 0; j < n; j++) out[j] = line[j] - shift;
    } else {
      const float scale = 1 / sum;
#pragma clang loop vectorize(enable)
      for (long j = 0; j < n; j++) out[j] *= scale;
    }
  }
}

S4_CLONES void s4norm_softmax_rows_backward_f32(const float *g, const float *y, long rows,
                                                long n, int logarithm, float *dx) {
  for (long row = 0; row < rows; row++) {
    const float *restrict gLine = g + row * n, *restrict yLine = y + row * n;
    float *restrict out = dx + row * n;
    float total = 0;
    if (logarithm) {
#pragma clang loop vectorize(enable) interleave_count(2)
      for (long j = 0; j < n; j++) total += gLine[j];
#pragma clang loop vectorize(enable) interleave_count(2)
      for (long j = 0; j < n; j++) out[j] = gLine[j] - s4vm_expf(yLine[j]) * total;
    } else {
#pragma clang loop vectorize(enable) interleave_count(2)
      for (long j = 0; j < n; j++) total += gLine[j] * yLine[j];
#pragma clang loop vectorize(enable)
      for (long j = 0; j < n; j++) out[j] = yLine[j] * (gLine[j] - total);
    }
  }
}

S4_CLONES void s4norm_layer_norm_rows_f32(const float *x, const float *gamma,
                                          const float *beta, long rows, long width,
                                          float epsilon, float *y, float *mean,
                                          float *reciprocal) {
  const float inverseWidth = 1 / (float)width;
  for (long row = 0; row < rows; row++) {
    const float *restrict line = x + row * width;
    float *restrict out = y + row * width;
    float sum = 0;
#pragma clang loop vectorize(enable) interleave_count(2)
    for (long j = 0; j < width; j++) sum += line[j];
    const float mu = sum * inverseWidth;
    // The variance from the centred values (two passes over a row in L1), not E x² − μ²,
    // which cancels when |μ| ≫ σ.
    float squares = 0;
#pragma clang loop vectorize(enable) interleave_count(2)
    for (long j = 0; j < width; j++) {
      float d = line[j] - mu;
      squares += d * d;
    }
    const float r = 1 / sqrtf(squares * inverseWidth + epsilon);
    mean[row] = mu;
    reciprocal[row] = r;
#pragma clang loop vectorize(enable)
    for (long j = 0; j < width; j++) out[j] = (line[j] - mu) * r * gamma[j] + beta[j];
  }
}

S4_CLONES void s4norm_layer_norm_rows_backward_f32(const float *x, const float *g,
                                                   const float *gamma, const float *mean,
                                                   const float *reciprocal, long rows,
                                                   long width, float *dx, float *dgamma,
                                                   float *dbeta) {
  const float inverseWidth = 1 / (float)width;
  float *restrict dGamma = dgamma, *restrict dBeta = dbeta;
  for (long row = 0; row < rows; row++) {
    const float *restrict line = x + row * width, *restrict upstream = g + row * width;
    const float mu = mean[row], r = reciprocal[row];
    float meanG = 0, meanGX = 0;
#pragma clang loop vectorize(enable) interleave_count(2)
    for (long j = 0; j < width; j++) {
      float xHat = (line[j] - mu) * r;
      float gHat = upstream[j] * gamma[j];
      meanG += gHat;
      meanGX += gHat * xHat;
      dGamma[j] += upstream[j] * xHat;
      dBeta[j] += upstream[j];
    }
    if (!dx) continue;
    meanG *= inverseWidth;
    meanGX *= inverseWidth;
    float *restrict out = dx + row * width;
#pragma clang loop vectorize(enable)
    for (long j = 0; j < width; j++) {
      float xHat = (line[j] - mu) * r;
      out[j] = r * (upstream[j] * gamma[j] - meanG - xHat * meanGX);
    }
  }
}

S4_CLONES void s4norm_log_sum_exp_rows_f32(const float *x, long rows, long n, float *lse) {
  for (long row = 0; row < rows; row++) {
    const float *restrict line = x + row * n;
    float maximum = line[0];
#pragma clang loop vectorize(enable) interleave_count(2)
    for (long j = 0; j < n; j++) maximum = fmaxf(maximum, line[j]);
    // Every exponent is ≤ 0, so the sum lies in [1, n]: finite for any finite logits.
    float sum = 0;
#pragma clang loop vectorize(enable) interleave_count(2)
    for (long j = 0; j < n; j++) sum += s4vm_expf(line[j] - maximum);
    lse[row] = maximum + logf(sum);
  }
}

S4_CLONES void s4norm_shifted_exp_rows_f32(const float *x, const float *shift, long rows,
                                           long n, float scale, float offset, float *out) {
  for (long row = 0; row < rows; row++) {
    const float *restrict line = x + row * n;
    float *restrict target = out + row * n;
    const float s = shift[row];
#pragma clang loop vectorize(enable) interleave_count(2)
    for (long j = 0; j < n; j++) target[j] = scale * (s4vm_expf(line[j] - s) - offset);
  }
}
