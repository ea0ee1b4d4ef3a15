// The C interface to OpenBLAS (CBLAS) and LAPACKE, as the StateSpace module sees it.
//
// LAPACKE declares its complex arguments as C99 `_Complex` types unless the includer defines
// `lapack_complex_float` / `lapack_complex_double` first. Swift cannot import `_Complex`, so the
// functions taking them would vanish. We define both as a struct of two reals (real part first),
// which has exactly the memory layout of `_Complex` and of swift-numerics' `Complex<T>`: a buffer of
// `Complex<Double>` can therefore be passed to LAPACKE through a pointer rebinding, with no copy.
#ifndef S4_CLINEARALGEBRA_SHIM_H
#define S4_CLINEARALGEBRA_SHIM_H

typedef struct { float real; float imaginary; } s4_lapack_complex_float;
typedef struct { double real; double imaginary; } s4_lapack_complex_double;

#define lapack_complex_float s4_lapack_complex_float
#define lapack_complex_double s4_lapack_complex_double
#define lapack_complex_float_real(z) ((z).real)
#define lapack_complex_float_imag(z) ((z).imaginary)
#define lapack_complex_double_real(z) ((z).real)
#define lapack_complex_double_imag(z) ((z).imaginary)

#include <cblas.h>
#include <lapacke.h>

#endif
