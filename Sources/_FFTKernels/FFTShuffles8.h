// The two-vector shuffles of FFTCommon.h for vectors of eight lanes (Float in 32 bytes,
// FFTKernelsFloat8.c; Double in 64 bytes, FFTKernelsDouble.c): lane indices do not depend on
// the scalar type. INTERLEAVE_LO/HI: lanes 0…3, resp. 4…7, of a and b alternately; EVEN/ODD:
// the even, resp. odd, lanes of a then of b; PAIR_LO/HI: the same as INTERLEAVE for pairs.
#define INTERLEAVE_LO(a, b) __builtin_shufflevector(a, b, 0, 8, 1, 9, 2, 10, 3, 11)
#define INTERLEAVE_HI(a, b) __builtin_shufflevector(a, b, 4, 12, 5, 13, 6, 14, 7, 15)
#define EVEN(a, b) __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14)
#define ODD(a, b) __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15)
#define PAIR_LO(a, b) __builtin_shufflevector(a, b, 0, 1, 8, 9, 2, 3, 10, 11)
#define PAIR_HI(a, b) __builtin_shufflevector(a, b, 4, 5, 12, 13, 6, 7, 14, 15)
