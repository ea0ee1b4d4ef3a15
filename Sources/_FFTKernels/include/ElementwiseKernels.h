// Elementwise loops over contiguous scalars, in C so that one build carries AVX-512, AVX2 and
// baseline x86-64 versions and picks one at load time (`target_clones`): the activations of
// Training's ops and the passes around the S4 convolution (ConvolutionEpilogue). Float uses
// the branch-free exp, tanh, σ and Φ of VectorMath.h; Double calls libm.
#ifndef S4_ELEMENTWISE_KERNELS_H
#define S4_ELEMENTWISE_KERNELS_H

#define S4EW_DECLARE(REAL, SUFFIX)                                                             \
  /* y = σ(x) = 1/(1 + e^{−x}) for `count` scalars. */                                        \
  void s4ew_sigmoid_##SUFFIX(const REAL *x, long count, REAL *y);                             \
  /* y = tanh x for `count` scalars. */                                                       \
  void s4ew_tanh_##SUFFIX(const REAL *x, long count, REAL *y);                                \
  /* y = GELU(x) = x·Φ(x) for `count` scalars. */                                            \
  void s4ew_gelu_##SUFFIX(const REAL *x, long count, REAL *y);                                \
  /* y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))), GELU's tanh form, for `count` scalars. */      \
  void s4ew_gelu_tanh_##SUFFIX(const REAL *x, long count, REAL *y);                           \
  /* dx = g·GELU′(x) for `count` scalars. */                                                  \
  void s4ew_gelu_backward_##SUFFIX(const REAL *g, const REAL *x, long count, int tanh_form,  \
                                   REAL *dx);                                                \
  /* The D skip and GELU after a convolution, rows of `width` channels: v ← v + d∘u in place \
     and z = GELU(v). */                                                                     \
  void s4ew_skip_gelu_##SUFFIX(REAL *v, const REAL *u, const REAL *d, long rows, long width,  \
                               int tanh_form, REAL *z);                                      \
  /* GLU over rows of 2·half scalars [a, b]: y = a·σ(b), rows of `half`. */                  \
  void s4ew_glu_##SUFFIX(const REAL *x, long rows, long half, REAL *y);                       \
  /* Its pullback: da = g·σ(b), db = g·a·σ(b)(1 − σ(b)), into rows of 2·half. */              \
  void s4ew_glu_backward_##SUFFIX(const REAL *x, const REAL *g, long rows, long half,         \
                                  REAL *dx);

S4EW_DECLARE(float, f32)
S4EW_DECLARE(double, f64)
#undef S4EW_DECLARE

#endif
