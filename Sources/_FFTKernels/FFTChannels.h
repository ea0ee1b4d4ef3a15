// The FFT convolution of channels-last signals (FFTConvolution): LANES consecutive channels at
// one time step are one vector, so the signals need no transposes; two batch entries are
// the real and imaginary parts of one complex signal.
//
// s4fft_convolve runs forward transform → pointwise work → inverse transform as one
// depth-first recursion over the passes: each L1-sized block of the spectrum is finished by
// the forward passes, multiplied (and saved, and correlated) and started by the inverse
// passes while it is still in the L1 cache.

/// Copies `channels` reals from src to dst and zeroes dst's remaining lanes.
S4FFT_INLINE void FN(copy_lanes)(REAL *dst, const REAL *src, long channels) {
  if (channels == LANES) {
    STORE(dst, LOAD(src));
  } else {
    memcpy(dst, src, (size_t)channels * sizeof(REAL));
    for (long c = channels; c < LANES; c++) dst[c] = 0;
  }
}

/// Element t ← (first[t·stride], second[t·stride] or 0) for t < length, zero up to `size`.
S4FFT_INLINE void FN(gather_channels)(const REAL *first, const REAL *second, long length, long stride, long channels, long size, REAL *data) {
  for (long t = 0; t < length; t++) {
    FN(copy_lanes)(data + t * ELEMENT, first + t * stride, channels);
    if (second) {
      FN(copy_lanes)(data + t * ELEMENT + LANES, second + t * stride, channels);
    } else {
      STORE(data + t * ELEMENT + LANES, ZERO);
    }
  }
  for (long t = length; t < size; t++) {
    STORE(data + t * ELEMENT, ZERO);
    STORE(data + t * ELEMENT + LANES, ZERO);
  }
}

/// first[t·stride] ← Re element t, second[t·stride] ← Im element t (when given), t < length.
S4FFT_INLINE void FN(scatter_channels)(const REAL *data, long length, long stride, long channels, REAL *first, REAL *second) {
  for (long t = 0; t < length; t++) {
    if (channels == LANES) {
      STORE(first + t * stride, LOAD(data + t * ELEMENT));
      if (second) STORE(second + t * stride, LOAD(data + t * ELEMENT + LANES));
    } else {
      memcpy(first + t * stride, data + t * ELEMENT, (size_t)channels * sizeof(REAL));
      if (second) memcpy(second + t * stride, data + t * ELEMENT + LANES, (size_t)channels * sizeof(REAL));
    }
  }
}

/// What happens to each spectrum block between the forward and the inverse passes.
struct FN(pointwise) {
  REAL *origin;           // element 0 of the spectrum being transformed
  REAL *save;             // copy of the spectrum (or NULL)
  REAL *correlation;      // correlation[m] += X[m]·conj correlateWith[m] (or NULL)
  const REAL *correlateWith;
  const REAL *factor;     // X[m] ← X[m]·factor[m], or ·conj factor[m] when `conjugate`
  int conjugate;
};

S4FFT_INLINE void FN(apply_pointwise)(REAL *data, long count, const struct FN(pointwise) * work) {
  long offset = (data - work->origin);
  if (work->save) memcpy(work->save + offset, data, sizeof(REAL) * (size_t)(count * ELEMENT));
  if (work->correlation) {
    REAL *sum = work->correlation + offset;
    const REAL *y = work->correlateWith + offset;
    for (long m = 0; m < count; m++) {
      REAL *s = sum + m * ELEMENT;
      const REAL *x = data + m * ELEMENT, *w = y + m * ELEMENT;
      VEC xr = LOAD(x), xi = LOAD(x + LANES), yr = LOAD(w), yi = LOAD(w + LANES);
      STORE(s, LOAD(s) + (xr * yr + xi * yi));
      STORE(s + LANES, LOAD(s + LANES) + (xi * yr - xr * yi));
    }
  }
  const REAL *factor = work->factor + offset;
  REAL sign = work->conjugate ? -1 : 1;
  for (long m = 0; m < count; m++) {
    REAL *p = data + m * ELEMENT;
    const REAL *k = factor + m * ELEMENT;
    VEC xr = LOAD(p), xi = LOAD(p + LANES), kr = LOAD(k), ki = LOAD(k + LANES) * sign;
    STORE(p, xr * kr - xi * ki);
    STORE(p + LANES, xr * ki + xi * kr);
  }
}

S4FFT_CLONES void FN(s4fft_convolve)(const REAL *first, const REAL *second, long length, long stride, long channels,
                                     long size, const REAL *twiddles, REAL *data, REAL *save, REAL *correlation,
                                     const REAL *correlateWith, const REAL *factor, int conjugate, long outputLength,
                                     REAL *outputFirst, REAL *outputSecond) {
  FN(plan) plan;
  FN(make_plan)(&plan, size, twiddles);
  FN(gather_channels)(first, second, length, stride, channels, size, data);
  struct FN(pointwise) work = {data, save, correlation, correlateWith, factor, conjugate};
  FN(walk)(data, size, &plan, S4FFT_ROUND_TRIP, &work);
  FN(scatter_channels)(data, outputLength, stride, channels, outputFirst, outputSecond);
}

S4FFT_CLONES void FN(s4fft_channels_spectrum)(const REAL *first, const REAL *second, long length, long stride,
                                              long channels, long size, const REAL *twiddles, REAL *data) {
  FN(plan) plan;
  FN(make_plan)(&plan, size, twiddles);
  FN(gather_channels)(first, second, length, stride, channels, size, data);
  FN(walk)(data, size, &plan, S4FFT_FORWARD, NULL);
}

// MARK: - Kernels

/// The circular kernels of LANES channels as a complex blocked signal (imaginary parts zero):
/// element j holds scale·(k0[h][j] + k1[h][n−1−j]) for lanes h < channels, where row h of k0
/// (and k1) starts at h·rowStride and has `taps` ≤ n values.
S4FFT_CLONES void FN(s4fft_load_kernels)(const REAL *k0, const REAL *k1, long rowStride, long taps, long channels,
                                         REAL scale, long size, REAL *data) {
  memset(data, 0, sizeof(REAL) * (size_t)(size * ELEMENT));
  for (int which = 0; which < (k1 ? 2 : 1); which++) {
    const REAL *k = which == 0 ? k0 : k1;
    long t = 0;
    for (; t + LANES <= taps; t += LANES) {
      VEC v[LANES];
      for (int r = 0; r < LANES; r++) v[r] = r < channels ? LOAD(k + r * rowStride + t) * scale : ZERO;
      FN(transpose)(v);
      for (int i = 0; i < LANES; i++) {
        REAL *p = data + (which == 0 ? t + i : size - 1 - t - i) * ELEMENT;
        STORE(p, LOAD(p) + v[i]);
      }
    }
    for (; t < taps; t++)
      for (long r = 0; r < channels; r++) data[(which == 0 ? t : size - 1 - t) * ELEMENT + r] += scale * k[r * rowStride + t];
  }
}

/// The reverse of load_kernels for the real parts of `data`: dk0[h][s] = scale·Re data[s] and
/// dk1[h][s] = scale·Re data[n−1−s] for s < taps (dk1 when given).
S4FFT_CLONES void FN(s4fft_store_kernels)(const REAL *data, long size, REAL scale, long taps, long channels,
                                          long rowStride, REAL *dk0, REAL *dk1) {
  for (int which = 0; which < (dk1 ? 2 : 1); which++) {
    REAL *dk = which == 0 ? dk0 : dk1;
    long t = 0;
    for (; t + LANES <= taps; t += LANES) {
      VEC v[LANES];
      for (int i = 0; i < LANES; i++) v[i] = LOAD(data + (which == 0 ? t + i : size - 1 - t - i) * ELEMENT) * scale;
      FN(transpose)(v);
      for (int r = 0; r < channels; r++) STORE(dk + r * rowStride + t, v[r]);
    }
    for (; t < taps; t++)
      for (long r = 0; r < channels; r++) dk[r * rowStride + t] = scale * data[(which == 0 ? t : size - 1 - t) * ELEMENT + r];
  }
}
