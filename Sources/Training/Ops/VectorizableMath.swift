import RealModule
import _FFTKernels

// The scalar exp of the elementwise Swift loops (softmax, cross-entropy, softplus, σ in
// pullbacks). Float takes the branch-free form of `_FFTKernels`' VectorMath.h (Cody–Waite exp
// with Cephes' polynomial, about 1 ulp): a static inline C function, so a Swift loop that calls
// it inlines and vectorises it, where libm's expf is one call per scalar (about 10 ns). Double
// keeps libm (through RealModule), which is what the Float64 gradient checks compare against.

/// eˣ: the branch-free form for Float (0 below −87.33, ∞ above 88.72), libm for Double.
@inline(__always)
func exponential<S: DifferentiableScalar>(_ x: S) -> S {
  if S.self == Float.self {
    return unsafeBitCast(s4vm_expf(unsafeBitCast(x, to: Float.self)), to: S.self)
  }
  return S.exp(x)
}
