// The innermost loops of the batched FFT (StateSpace/FFT), in C so that one build carries
// AVX-512, AVX2 and baseline x86-64 versions of each loop and picks one at load time
// (`target_clones`). Planning, threading and memory layout live in Swift.
//
// Layout ("blocked"): LANES independent signals side by side, LANES = 16 for float and 8 for
// double (64 bytes). A real blocked signal stores sample t of every lane in one vector at
// offset t·LANES. A complex blocked signal stores element m as two vectors, the real parts
// then the imaginary parts, at offset m·2·LANES. Every butterfly is then pure lane-wise
// arithmetic.
//
// Roots: a table of W_N^j = e^{−2πi·j/N} as interleaved (re, im) pairs, j < N; a transform of
// span s ≤ N reads W_s^j = W_N^{j·N/s}.
#ifndef S4_FFT_KERNELS_H
#define S4_FFT_KERNELS_H

#define S4FFT_DECLARE(REAL, SUFFIX)                                                              \
  /* In-place complex FFT of `size` blocked elements (a power of two), natural order in,     \
     bit-reversed order out: radix-2² decimation in frequency. */                             \
  void s4fft_forward_##SUFFIX(REAL *data, long size, const REAL *roots, long rootCount);      \
  /* The adjoint: bit-reversed order in, natural order out, the unscaled inverse transform. */ \
  void s4fft_inverse_##SUFFIX(REAL *data, long size, const REAL *roots, long rootCount);      \
  /* blocked[t·stride + lane] = rows[lane][t] for t < count, lane < rowCount; lanes at or   \
     beyond rowCount are zero. */                                                            \
  void s4fft_gather_rows_##SUFFIX(const REAL *const *rows, long rowCount, long count,         \
                                  long stride, REAL *blocked);                               \
  /* rows[lane][t] = scale·blocked[t·stride + lane] for t < count, lane < rowCount. */        \
  void s4fft_scatter_rows_##SUFFIX(const REAL *blocked, long count, long stride, REAL scale,  \
                                   REAL *const *rows, long rowCount);                        \
  /* Real FFT post-processing: from Z (bit-reversed, `half` = M elements) of z_m =            \
     x_{2m} + i·x_{2m+1}, the half spectra X_0…X_M of every lane, written as interleaved     \
     complex rows of M + 1 bins. roots: W_{2M}^j, j < rootCount (≥ M). */                    \
  void s4fft_real_spectra_##SUFFIX(const REAL *z, long half, const REAL *roots,               \
                                   REAL *const *rows, long rowCount);                        \
  /* The inverse pre-processing: Z (bit-reversed) from interleaved complex rows of M + 1     \
     bins; the imaginary parts of bins 0 and M are ignored. Lanes at or beyond rowCount     \
     read `zeroRow` (2M + 2 zeros). */                                                       \
  void s4fft_real_spectra_inverse_##SUFFIX(const REAL *const *rows, long rowCount,            \
                                           const REAL *zeroRow, long half, const REAL *roots, \
                                           REAL *z);                                         \
  /* Channels-last signals into a complex blocked buffer of `size` elements: element t      \
     holds first[t·stride + c] (real) and second[t·stride + c] (imaginary; zero when NULL)   \
     for c < channels and t < length, zero elsewhere. */                                     \
  void s4fft_gather_channels_##SUFFIX(const REAL *first, const REAL *second, long length,     \
                                      long stride, long channels, long size, REAL *data);    \
  /* The reverse of gather_channels for t < length: first[t·stride + c] = real part,        \
     second[t·stride + c] = imaginary part (skipped when NULL). */                           \
  void s4fft_scatter_channels_##SUFFIX(const REAL *data, long length, long stride,            \
                                       long channels, REAL *first, REAL *second);            \
  /* data[m] ← data[m]·spectrum[m] (or ·conj spectrum[m]) for m < size, elementwise. */       \
  void s4fft_multiply_##SUFFIX(REAL *data, const REAL *spectrum, long size, int conjugate);    \
  /* sum[m] ← sum[m] + a[m]·conj b[m] for m < size. */                                       \
  void s4fft_accumulate_correlation_##SUFFIX(REAL *sum, const REAL *a, const REAL *b,         \
                                             long size);

S4FFT_DECLARE(float, f32)
S4FFT_DECLARE(double, f64)

#undef S4FFT_DECLARE

#endif
