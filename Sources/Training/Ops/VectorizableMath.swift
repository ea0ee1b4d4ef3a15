import RealModule
import _FFTKernels

// The scalar exp and tanh of the elementwise loops. Float takes the branch-free forms of
// `_FFTKernels`' VectorMath.h (Cody–Waite exp with Cephes' polynomial, about 1 ulp; Cephes'
// tanh within 2 ulp): they are static inline C functions, so a Swift loop
// that calls them inlines and vectorises them, where libm's expf is one call per scalar
// (about 10 ns). Double keeps libm (through RealModule), which is what the Float64 gradient
// checks compare against.

/// eˣ: the branch-free form for Float (0 below −87.33, ∞ above 88.72), libm for Double.
@inline(__always)
func exponential<S: DifferentiableScalar>(_ x: S) -> S {
  if S.self == Float.self {
    return unsafeBitCast(s4vm_expf(unsafeBitCast(x, to: Float.self)), to: S.self)
  }
  return S.exp(x)
}

/// tanh x: the branch-free form for Float, libm for Double.
@inline(__always)
func hyperbolicTangent<S: DifferentiableScalar>(_ x: S) -> S {
  if S.self == Float.self {
    return unsafeBitCast(s4vm_tanhf(unsafeBitCast(x, to: Float.self)), to: S.self)
  }
  return S.tanh(x)
}
