// C = A·B for the small per-channel matrices of the S4D kernel (StateSpace/Kernels/
// SmallMatrixProduct.swift), in C so that one build carries AVX-512, AVX2 + FMA and baseline
// versions (`target_clones`).
#ifndef S4_SMALL_MATRIX_KERNELS_H
#define S4_SMALL_MATRIX_KERNELS_H

/// The column counts (n) the products take are multiples of this.
#define S4SMALL_COLUMN_MULTIPLE 16

/// C ← A·B for row-major A (m×k), B (k×n) and C (m×n), n a multiple of S4SMALL_COLUMN_MULTIPLE.
void s4small_multiply_f32(const float *a, const float *b, float *c, long m, long n, long k);
void s4small_multiply_f64(const double *a, const double *b, double *c, long m, long n, long k);

#endif
