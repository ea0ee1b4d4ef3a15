// The two loops that dominate the S4 (DPLR) kernel, forward and backward: the Cauchy sums at
// the roots of unity and their adjoint (StateSpace/Kernels/CauchySums.swift and
// TransposedCauchySums.swift state the math). In C so that one build carries AVX-512, AVX2 +
// FMA and baseline versions and the loader picks one (`target_clones`); as Swift they ran
// with SSE2 and no FMA unless the application was built for its CPU.
#ifndef S4_CAUCHY_KERNELS_H
#define S4_CAUCHY_KERNELS_H

/// The node counts the loops take are multiples of this (nodes padded with s = 0).
#define S4CAUCHY_NODE_MULTIPLE 16

/// Nodes per block of the adjoint (its node terms of a block stay in L1 for every sum).
#define S4CAUCHY_ADJOINT_BLOCK 512

#define S4CAUCHY_DECLARE(REAL, SUFFIX)                                                         \
  /* planes (sumCount, 2, paddedCount) ← Re and Im of r_j(i·s_k) = Σ_n (p_jn + i·s_k·q_jn)/D_nk \
     for every sum j and node k; constants per state n: α, α², 2α, β, then (p_j, q_j) for     \
     every j. */                                                                              \
  void s4cauchy_sums_##SUFFIX(const REAL *nodes, long paddedCount, const REAL *constants,   \
                              long half, long sumCount, REAL *planes);                      \
  /* totals (half, sumCount, 8) ← Re, Im of S₁ … S₄ for every state and sum, summed over the \
     nodes in Float64 block by block; sumGradients (sumCount, 2, paddedCount): the planes g    \
     and s·h of every sum, zero at padding nodes; constants per state: α², 2α·β, β. */          \
  void s4cauchy_adjoint_##SUFFIX(const REAL *nodes, long paddedCount,                       \
                                 const REAL *sumGradients, const REAL *constants, long half, \
                                 long sumCount, double *totals);

S4CAUCHY_DECLARE(float, f32)
S4CAUCHY_DECLARE(double, f64)

#undef S4CAUCHY_DECLARE

#endif
