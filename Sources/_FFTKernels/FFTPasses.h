// The complex transform of M blocked elements: radix-8 passes (and one radix-2 or radix-4 pass
// when log2 M is not a multiple of 3), decimation in frequency (DIF) for the forward transform
// and its adjoint, decimation in time (DIT), for the unscaled inverse.
//
// A DIF pass of radix r and span s splits each block of r·s elements into r interleaved
// subsequences: for j < s it takes x_a = x[j + a·s], a < r, forms the r-point DFT
// y_q = Σ_a x_a·W_r^{a·q}, multiplies by the twiddle W_{r·s}^{q·j} and stores y_q in slot
// rev(q)·s + j (rev reverses the bits of q). Then X[r·k + q] is the DFT of length s of the
// subsequence in slot rev(q), so after all passes element p holds X[rev_{log2 M}(p)]: the
// output is in bit-reversed order, which the pointwise products of a convolution do not mind.
//
// Passes run largest span first. Blocks that fit the L1 cache are finished depth-first
// (every remaining pass on one block before the next block), so only the first pass or two
// of a long transform stream through the L2 cache.

/// Blocks of at most this many elements (128 bytes each: 32 KiB) run all their remaining
/// passes while they sit in the 48 KiB L1 data cache.
#define L1_BLOCK_ELEMENTS 256
#define MAX_PASSES 24

/// The passes of one transform size, largest span first.
typedef struct {
  int count;
  long radix[MAX_PASSES];
  long span[MAX_PASSES];
  /// (radix − 1)·span twiddles (re, im), j-major: entry j·(radix − 1) + q − 1 is W_{radix·span}^{q·j}.
  const REAL *twiddles[MAX_PASSES];
} FN(plan);

/// Radix-8 passes while three or more factors of two remain, then one radix-2 or radix-4
/// pass of span 1. The twiddles of a pass of radix r and span s start at complex offset
/// M − r·s of the table (the offsets telescope: Σ (r − 1)·s over earlier passes).
S4FFT_INLINE void FN(make_plan)(FN(plan) * plan, long size, const REAL *table) {
  int bits = size > 1 ? FN(log2_of)(size) : 0;
  long block = size;
  plan->count = 0;
  while (bits > 0) {
    int take = bits >= 3 ? 3 : bits;
    long radix = 1L << take, span = block / radix;
    int p = plan->count++;
    plan->radix[p] = radix;
    plan->span[p] = span;
    plan->twiddles[p] = table + 2 * (size - block);
    block = span;
    bits -= take;
  }
}

#define H_SQRT_HALF ((REAL)0.70710678118654752440L)

/// c ← c·w (c = (cr, ci) vectors, w = (wr, wi) scalars); c·conj w when CONJ. The scalars
/// meet the vectors directly, so that each becomes a broadcast load (embedded in the FMA with
/// AVX-512); splatting them first as 0 + w costs an add and a register broadcast each (the
/// add cannot be dropped without fast-math: 0 + (−0) = +0).
#define CMUL(cr, ci, wr, wi, CONJ)                 \
  do {                                             \
    REAL _wr = (wr), _wi = (CONJ) ? -(wi) : (wi);  \
    VEC _r = (cr) * _wr - (ci) * _wi;              \
    (ci) = (cr) * _wi + (ci) * _wr;                \
    (cr) = _r;                                     \
  } while (0)

/// One radix-8 DIF butterfly on the elements p[a·stride], a < 8, with twiddles w (14 reals:
/// W^{q·j} for q = 1…7) when `twiddled`. Outputs go to bit-reversed slots.
S4FFT_INLINE void FN(dif8)(REAL *p, long stride, const REAL *w, int twiddled) {
  VEC xr[8], xi[8];
  for (int a = 0; a < 8; a++) {
    xr[a] = LOAD(p + a * stride);
    xi[a] = LOAD(p + a * stride + LANES);
  }
  // b_a = x_a + x_{a+4}, c_a = (x_a − x_{a+4})·W_8^a: the radix-2 step of the 8-point DFT.
  VEC br[4], bi[4], cr[4], ci[4];
  for (int a = 0; a < 4; a++) {
    br[a] = xr[a] + xr[a + 4];
    bi[a] = xi[a] + xi[a + 4];
    cr[a] = xr[a] - xr[a + 4];
    ci[a] = xi[a] - xi[a + 4];
  }
  VEC t;
  t = (cr[1] + ci[1]) * H_SQRT_HALF;  // ·(1 − i)/√2
  ci[1] = (ci[1] - cr[1]) * H_SQRT_HALF;
  cr[1] = t;
  t = ci[2];  // ·(−i)
  ci[2] = -cr[2];
  cr[2] = t;
  t = (ci[3] - cr[3]) * H_SQRT_HALF;  // ·(−1 − i)/√2
  ci[3] = -(cr[3] + ci[3]) * H_SQRT_HALF;
  cr[3] = t;
  // Two 4-point DFTs, even outputs from b and odd outputs from c, each twiddled and stored as
  // soon as it is formed: with 16 vector registers (AVX2), b, c and the outputs of a whole
  // 8-point DFT do not fit at once.
#define S4FFT_OUTPUT(q, vr, vi)                                         \
  do {                                                                  \
    VEC _yr = (vr), _yi = (vi);                                         \
    if (twiddled && (q) > 0) CMUL(_yr, _yi, w[2 * (q) - 2], w[2 * (q) - 1], 0); \
    STORE(p + slot[q] * stride, _yr);                                   \
    STORE(p + slot[q] * stride + LANES, _yi);                           \
  } while (0)
#define S4FFT_DFT4(vr, vi, o)                                                             \
  do {                                                                                    \
    VEC s0r = vr[0] + vr[2], s0i = vi[0] + vi[2], d0r = vr[0] - vr[2], d0i = vi[0] - vi[2]; \
    VEC s1r = vr[1] + vr[3], s1i = vi[1] + vi[3], d1r = vi[1] - vi[3], d1i = vr[3] - vr[1]; \
    S4FFT_OUTPUT(o, s0r + s1r, s0i + s1i);                                                \
    S4FFT_OUTPUT(o + 4, s0r - s1r, s0i - s1i);                                            \
    S4FFT_OUTPUT(o + 2, d0r + d1r, d0i + d1i);                                            \
    S4FFT_OUTPUT(o + 6, d0r - d1r, d0i - d1i);                                            \
  } while (0)
  static const int slot[8] = {0, 4, 2, 6, 1, 5, 3, 7};
  S4FFT_DFT4(br, bi, 0);
  S4FFT_DFT4(cr, ci, 1);
#undef S4FFT_DFT4
#undef S4FFT_OUTPUT
}

/// The adjoint of dif8: slots in, conjugate twiddles, the inverse 8-point DFT (unscaled),
/// natural order out.
S4FFT_INLINE void FN(dit8)(REAL *p, long stride, const REAL *w, int twiddled) {
  static const int slot[8] = {0, 4, 2, 6, 1, 5, 3, 7};
  VEC yr[8], yi[8];
  for (int q = 0; q < 8; q++) {
    yr[q] = LOAD(p + slot[q] * stride);
    yi[q] = LOAD(p + slot[q] * stride + LANES);
  }
  if (twiddled)
    for (int q = 1; q < 8; q++) CMUL(yr[q], yi[q], w[2 * q - 2], w[2 * q - 1], 1);
  // Inverse 4-point DFTs of the even (→ b) and odd (→ c) outputs:
  // v_0 = (Y0+Y2)+(Y1+Y3), v_1 = (Y0−Y2)+i(Y1−Y3), v_2 = (Y0+Y2)−(Y1+Y3), v_3 = (Y0−Y2)−i(Y1−Y3).
  VEC br[4], bi[4], cr[4], ci[4];
#define S4FFT_IDFT4(vr, vi, o)                                                                    \
  do {                                                                                            \
    VEC s0r = yr[o] + yr[o + 4], s0i = yi[o] + yi[o + 4], d0r = yr[o] - yr[o + 4], d0i = yi[o] - yi[o + 4]; \
    VEC s1r = yr[o + 2] + yr[o + 6], s1i = yi[o + 2] + yi[o + 6];                                 \
    VEC d1r = yi[o + 6] - yi[o + 2], d1i = yr[o + 2] - yr[o + 6];                                 \
    vr[0] = s0r + s1r;                                                                            \
    vi[0] = s0i + s1i;                                                                            \
    vr[2] = s0r - s1r;                                                                            \
    vi[2] = s0i - s1i;                                                                            \
    vr[1] = d0r + d1r;                                                                            \
    vi[1] = d0i + d1i;                                                                            \
    vr[3] = d0r - d1r;                                                                            \
    vi[3] = d0i - d1i;                                                                            \
  } while (0)
  S4FFT_IDFT4(br, bi, 0);
  S4FFT_IDFT4(cr, ci, 1);
#undef S4FFT_IDFT4
  VEC t;
  t = (cr[1] - ci[1]) * H_SQRT_HALF;  // ·(1 + i)/√2
  ci[1] = (cr[1] + ci[1]) * H_SQRT_HALF;
  cr[1] = t;
  t = -ci[2];  // ·i
  ci[2] = cr[2];
  cr[2] = t;
  t = -(cr[3] + ci[3]) * H_SQRT_HALF;  // ·(−1 + i)/√2
  ci[3] = (cr[3] - ci[3]) * H_SQRT_HALF;
  cr[3] = t;
  for (int a = 0; a < 4; a++) {
    STORE(p + a * stride, br[a] + cr[a]);
    STORE(p + a * stride + LANES, bi[a] + ci[a]);
    STORE(p + (a + 4) * stride, br[a] - cr[a]);
    STORE(p + (a + 4) * stride + LANES, bi[a] - ci[a]);
  }
}

/// The radix-4 DIF butterfly of span 1 (no twiddles): X0, X2, X1, X3 in slots 0…3.
S4FFT_INLINE void FN(dif4)(REAL *p) {
  VEC x0r = LOAD(p), x0i = LOAD(p + LANES), x1r = LOAD(p + ELEMENT), x1i = LOAD(p + ELEMENT + LANES);
  VEC x2r = LOAD(p + 2 * ELEMENT), x2i = LOAD(p + 2 * ELEMENT + LANES);
  VEC x3r = LOAD(p + 3 * ELEMENT), x3i = LOAD(p + 3 * ELEMENT + LANES);
  VEC ar = x0r + x2r, ai = x0i + x2i, br = x1r + x3r, bi = x1i + x3i;
  VEC cr = x0r - x2r, ci = x0i - x2i, dr = x1r - x3r, di = x1i - x3i;
  STORE(p, ar + br);
  STORE(p + LANES, ai + bi);
  STORE(p + ELEMENT, ar - br);
  STORE(p + ELEMENT + LANES, ai - bi);
  STORE(p + 2 * ELEMENT, cr + di);
  STORE(p + 2 * ELEMENT + LANES, ci - dr);
  STORE(p + 3 * ELEMENT, cr - di);
  STORE(p + 3 * ELEMENT + LANES, ci + dr);
}

/// The adjoint of dif4.
S4FFT_INLINE void FN(dit4)(REAL *p) {
  VEC y0r = LOAD(p), y0i = LOAD(p + LANES), y2r = LOAD(p + ELEMENT), y2i = LOAD(p + ELEMENT + LANES);
  VEC y1r = LOAD(p + 2 * ELEMENT), y1i = LOAD(p + 2 * ELEMENT + LANES);
  VEC y3r = LOAD(p + 3 * ELEMENT), y3i = LOAD(p + 3 * ELEMENT + LANES);
  VEC ar = y0r + y2r, ai = y0i + y2i, cr = y0r - y2r, ci = y0i - y2i;
  VEC br = y1r + y3r, bi = y1i + y3i, dr = y3i - y1i, di = y1r - y3r;  // d = i·(Y1 − Y3)
  STORE(p, ar + br);
  STORE(p + LANES, ai + bi);
  STORE(p + ELEMENT, cr + dr);
  STORE(p + ELEMENT + LANES, ci + di);
  STORE(p + 2 * ELEMENT, ar - br);
  STORE(p + 2 * ELEMENT + LANES, ai - bi);
  STORE(p + 3 * ELEMENT, cr - dr);
  STORE(p + 3 * ELEMENT + LANES, ci - di);
}

/// (x0, x1) → (x0 + x1, x0 − x1), its own adjoint.
S4FFT_INLINE void FN(butterfly2)(REAL *p) {
  VEC ar = LOAD(p), ai = LOAD(p + LANES), br = LOAD(p + ELEMENT), bi = LOAD(p + ELEMENT + LANES);
  STORE(p, ar + br);
  STORE(p + LANES, ai + bi);
  STORE(p + ELEMENT, ar - br);
  STORE(p + ELEMENT + LANES, ai - bi);
}

/// Pass `p` of the plan (DIF when `forward`, else its adjoint) over `count` elements.
S4FFT_INLINE void FN(run_pass)(REAL *data, long count, const FN(plan) * plan, int p, int forward) {
  long radix = plan->radix[p], span = plan->span[p];
  const REAL *tw = plan->twiddles[p];
  if (radix == 8) {
    if (span == 1) {
      if (forward)
        for (long base = 0; base < count; base += 8) FN(dif8)(data + base * ELEMENT, ELEMENT, tw, 0);
      else
        for (long base = 0; base < count; base += 8) FN(dit8)(data + base * ELEMENT, ELEMENT, tw, 0);
      return;
    }
    for (long base = 0; base < count; base += 8 * span) {
      REAL *block = data + base * ELEMENT;
      if (forward)
        for (long j = 0; j < span; j++) FN(dif8)(block + j * ELEMENT, span * ELEMENT, tw + 14 * j, 1);
      else
        for (long j = 0; j < span; j++) FN(dit8)(block + j * ELEMENT, span * ELEMENT, tw + 14 * j, 1);
    }
  } else if (radix == 4) {  // always the last pass: span 1
    if (forward)
      for (long base = 0; base < count; base += 4) FN(dif4)(data + base * ELEMENT);
    else
      for (long base = 0; base < count; base += 4) FN(dit4)(data + base * ELEMENT);
  } else {
    for (long base = 0; base < count; base += 2) FN(butterfly2)(data + base * ELEMENT);
  }
}

/// How `walk` treats a block: forward passes, inverse passes, or forward passes, pointwise
/// work (FFTChannels.h) and inverse passes.
enum { S4FFT_FORWARD, S4FFT_INVERSE, S4FFT_ROUND_TRIP };

struct FN(pointwise);
S4FFT_INLINE void FN(apply_pointwise)(REAL *data, long count, const struct FN(pointwise) * work);

/// Runs the plan over `data` depth-first: a block larger than L1_BLOCK_ELEMENTS gets pass p
/// (forward) before its sub-blocks and pass p (inverse) after them; a smaller block runs all
/// its remaining passes at once. Iterative (an explicit stack) so that everything inlines into
/// the exported, per-instruction-set function.
S4FFT_INLINE void FN(walk)(REAL *data, long size, const FN(plan) * plan, int mode, const struct FN(pointwise) * work) {
  struct { REAL *data; int pass; int finish; } stack[8 * MAX_PASSES];
  int top = 0;
  if (plan->count == 0) {
    if (mode == S4FFT_ROUND_TRIP) FN(apply_pointwise)(data, size, work);
    return;
  }
  stack[top++] = (__typeof__(stack[0])){data, 0, 0};
  while (top > 0) {
    REAL *block = stack[--top].data;
    int p = stack[top].pass, finish = stack[top].finish;
    long blockSize = plan->radix[p] * plan->span[p];
    if (finish) {
      FN(run_pass)(block, blockSize, plan, p, 0);
    } else if (blockSize <= L1_BLOCK_ELEMENTS) {
      if (mode != S4FFT_INVERSE)
        for (int q = p; q < plan->count; q++) FN(run_pass)(block, blockSize, plan, q, 1);
      if (mode == S4FFT_ROUND_TRIP) FN(apply_pointwise)(block, blockSize, work);
      if (mode != S4FFT_FORWARD)
        for (int q = plan->count - 1; q >= p; q--) FN(run_pass)(block, blockSize, plan, q, 0);
    } else {
      long span = plan->span[p];
      if (mode != S4FFT_FORWARD) stack[top++] = (__typeof__(stack[0])){block, p, 1};
      for (long sub = blockSize - span; sub >= 0; sub -= span)
        stack[top++] = (__typeof__(stack[0])){block + sub * ELEMENT, p + 1, 0};
      if (mode != S4FFT_INVERSE) FN(run_pass)(block, blockSize, plan, p, 1);
    }
  }
}

S4FFT_CLONES void FN(s4fft_forward)(REAL *data, long size, const REAL *twiddles) {
  FN(plan) plan;
  FN(make_plan)(&plan, size, twiddles);
  FN(walk)(data, size, &plan, S4FFT_FORWARD, NULL);
}

S4FFT_CLONES void FN(s4fft_inverse)(REAL *data, long size, const REAL *twiddles) {
  FN(plan) plan;
  FN(make_plan)(&plan, size, twiddles);
  FN(walk)(data, size, &plan, S4FFT_INVERSE, NULL);
}

/// cos and sin of 2π·j/n, from an angle reduced to the first octant so that the quarter
/// turns are exact and symmetric values agree to the last bit.
static void FN(unit_root)(long j, long n, double *c, double *s) {
  const double pi = 3.14159265358979323846;
  long eighth = 8 * (j % n), octant = eighth / n, remainder = eighth % n;
  // φ ∈ [0, π/4]: the angle within the octant, measured from its nearer edge.
  double phi = 2 * pi * (double)(octant % 2 == 0 ? remainder : n - remainder) / (double)(8 * n);
  double x = __builtin_cos(phi), y = __builtin_sin(phi);
  switch (octant) {
  case 0: *c = x; *s = y; break;
  case 1: *c = y; *s = x; break;
  case 2: *c = -y; *s = x; break;
  case 3: *c = -x; *s = y; break;
  case 4: *c = -x; *s = -y; break;
  case 5: *c = -y; *s = -x; break;
  case 6: *c = y; *s = -x; break;
  default: *c = x; *s = -y; break;
  }
}

void FN(s4fft_twiddles)(REAL *table, long size) {
  FN(plan) plan;
  FN(make_plan)(&plan, size, table);
  memset(table, 0, sizeof(REAL) * 2 * (size_t)size);
  for (int p = 0; p < plan.count; p++) {
    long radix = plan.radix[p], span = plan.span[p];
    REAL *tw = (REAL *)plan.twiddles[p];
    for (long j = 0; j < span; j++)
      for (long q = 1; q < radix; q++) {
        double c, s;
        FN(unit_root)(q * j, radix * span, &c, &s);
        tw[2 * (j * (radix - 1) + q - 1)] = (REAL)c;
        tw[2 * (j * (radix - 1) + q - 1) + 1] = (REAL)-s;
      }
  }
}
