// The innermost loops of the batched FFT (StateSpace/FFT), in C so that one build carries
// AVX-512, AVX2 and baseline x86-64 versions of each loop and picks one at load time
// (`target_clones`). Planning, threading and memory layout live in Swift.
//
// Layout ("blocked"): LANES independent signals side by side, one vector: LANES = 16 for
// float (suffix f32, 64 bytes) on CPUs with AVX-512 and 8 (f32x8, 32 bytes) on the others,
// see s4fft_float_lanes; 8 for double (f64, 64 bytes). A real blocked signal stores sample t of every lane in one vector at
// offset t·LANES. A complex blocked signal stores element m as two vectors, the real parts
// then the imaginary parts, at offset m·2·LANES. Every butterfly is then pure lane-wise
// arithmetic.
//
// Spectra are in bit-reversed order: element p of a transform of M elements holds bin
// rev(p), the log2 M low bits of p reversed.
#ifndef S4_FFT_KERNELS_H
#define S4_FFT_KERNELS_H

/// Bins of each half of a real spectrum that s4fft_rfft_rows holds per row in its stage (two
/// groups of S4FFT_STAGE_BINS/2, written out alternately); its stage takes
/// 2·LANES·(2·S4FFT_STAGE_BINS + LANES) reals.
#define S4FFT_STAGE_BINS 64

#define S4FFT_DECLARE(REAL, SUFFIX)                                                              \
  /* The twiddle tables of every pass of a complex transform of `size` elements (a power of   \
     two): 2·size reals. */                                                                   \
  void s4fft_twiddles_##SUFFIX(REAL *table, long size);                                       \
  /* In-place complex FFT of `size` blocked elements, natural order in, bit-reversed order   \
     out (radix-8 decimation in frequency). */                                                \
  void s4fft_forward_##SUFFIX(REAL *data, long size, const REAL *twiddles);                   \
  /* The adjoint: bit-reversed order in, natural order out, the unscaled inverse transform. */ \
  void s4fft_inverse_##SUFFIX(REAL *data, long size, const REAL *twiddles);                   \
  /* The real FFT of up to LANES rows of 2·half reals (numpy's rfft): the half spectra     \
     X_0…X_M (M = half) as interleaved complex rows of M + 1 bins. z: scratch of `half`     \
     blocked elements (2·half·LANES reals); stage: scratch of 2·LANES·(2·S4FFT_STAGE_BINS      \
     + LANES) reals; twiddles: s4fft_twiddles of `half`; roots: W_{2M}^k/2 as (re, im), k ≤ M/2. \
     permuted: from half = 2048 on, whether the 16-lane float loops form the output lines   \
     with AVX-512 permutes and stream them out where the CPU runs them (1) or go through the \
     stage (0); the results are the same bit for bit, and the other loops ignore it. */       \
  void s4fft_rfft_rows_##SUFFIX(const REAL *const *rows, long rowCount, long half,            \
                                const REAL *twiddles, const REAL *roots, REAL *z,             \
                                REAL *stage, REAL *const *spectra, int permuted);            \
  /* Its inverse scaled by 1/(2M) (numpy's irfft): up to LANES rows of 2M reals from         \
     interleaved complex rows of M + 1 bins; the imaginary parts of bins 0 and M are         \
     ignored. Lanes at or beyond rowCount read `zeroRow` (2M + 2 zeros). roots: conj         \
     W_{2M}^k/(2M), k ≤ M/2. z: as for s4fft_rfft_rows; stage:                                 \
     LANES·(2·half + 2 + LANES) reals. permuted: as for s4fft_rfft_rows, for the rows out     \
     (1) or ordinary stores (0). */                                                            \
  void s4fft_irfft_rows_##SUFFIX(const REAL *const *spectra, long rowCount,                   \
                                 const REAL *zeroRow, long half, const REAL *twiddles,        \
                                 const REAL *roots, REAL *z, REAL *stage,                    \
                                 REAL *const *rows, int permuted);                           \
  /* One convolution of channels-last signals through `data` (`size` elements of scratch):   \
     element t ← (first[t·stride + c], second[t·stride + c] or 0) for c < channels, t <      \
     length, zero elsewhere; forward transform; then, in this order, save the spectrum (if   \
     `save`), correlation += spectrum·conj correlateWith (if `correlation`), spectrum ←      \
     spectrum·factor (·conj factor if `conjugate`); unscaled inverse transform; the first    \
     outputLength elements' real (imaginary) parts to outputFirst (outputSecond, if given)   \
     at the same strides. save, correlation, correlateWith and factor are `size`-element    \
     blocked spectra. */                                                                     \
  void s4fft_convolve_##SUFFIX(const REAL *first, const REAL *second, long length,            \
                               long stride, long channels, long size, const REAL *twiddles,   \
                               REAL *data, REAL *save, REAL *correlation,                    \
                               const REAL *correlateWith, const REAL *factor, int conjugate, \
                               long outputLength, REAL *outputFirst, REAL *outputSecond);    \
  /* The spectrum of channels-last signals (loaded as in convolve) into `data`. */           \
  void s4fft_channels_spectrum_##SUFFIX(const REAL *first, const REAL *second, long length,   \
                                        long stride, long channels, long size,               \
                                        const REAL *twiddles, REAL *data);                   \
  /* `data` (`size` elements) ← circular kernels of up to LANES channels: element j holds   \
     scale·(k0[c·rowStride + j] + k1[c·rowStride + n−1−j]) (k1 when given; taps values per  \
     row, taps ≤ size), imaginary parts zero. */                                             \
  void s4fft_load_kernels_##SUFFIX(const REAL *k0, const REAL *k1, long rowStride, long taps,  \
                                   long channels, REAL scale, long size, REAL *data);        \
  /* The reverse for real parts: dk0[c·rowStride + s] = scale·Re data[s], dk1[c·rowStride +  \
     s] = scale·Re data[size−1−s] (dk1 when given), s < taps. */                             \
  void s4fft_store_kernels_##SUFFIX(const REAL *data, long size, REAL scale, long taps,        \
                                    long channels, long rowStride, REAL *dk0, REAL *dk1);

/* Keeps freed memory with the process (glibc: blocks up to 1 GiB from the heap, no trimming);
   returns whether the allocator accepted the setting. */
int s4_retain_freed_memory(void);

S4FFT_DECLARE(float, f32)
S4FFT_DECLARE(float, f32x8)
S4FFT_DECLARE(double, f64)

/* The Float lane count for the running CPU: 16 (the f32 functions) when it runs their AVX-512
   (x86-64-v4) code, else 8 (f32x8); FFTKernels.swift lets S4_FFT_FLOAT_LANES override it. */
int s4fft_float_lanes(void);

#undef S4FFT_DECLARE

/* The recurrent step of S4 (rank R ≥ 1, the O(N) Woodbury step) and S4D (R = 0) for the items
   begin ≤ i < end, item i = (sequence, channel) = (i / channels, i % channels) (SSMRecurrence):
   coefficients (H, 2 + c + 2R, 2, half), β (H, R), state (B·H, 2·half + R) advanced in place,
   input u (B·H), output y (B, c, H) with y[b, k, h] = 2·Re(C_k·x). half is a multiple of 8. */
#define S4REC_DECLARE(REAL, SUFFIX)                                                              \
  void s4rec_step_##SUFFIX(const REAL *coefficients, const REAL *beta, REAL *state,              \
                           const REAL *input, REAL *output, long begin, long end, long channels, \
                           long outputs, long rank, long half);
S4REC_DECLARE(float, f32)
S4REC_DECLARE(double, f64)
#undef S4REC_DECLARE

#endif
