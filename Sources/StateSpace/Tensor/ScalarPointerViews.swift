// Typed views of a generic scalar pointer, for calls into the C kernels (which take `float` or
// `double`). Call sites test `Scalar.self == Float.self` first; in the specialised callers the
// test and the view fold away.

/// `p` as `Float` (the caller has checked that `Scalar` is `Float`).
@inline(__always)
package func asFloat<Scalar>(_ p: UnsafePointer<Scalar>) -> UnsafePointer<Float> {
  UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
}

/// `p` as `Float` (the caller has checked that `Scalar` is `Float`).
@inline(__always)
package func asFloat<Scalar>(_ p: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Float> {
  UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
}

/// `p` as `Double` (the caller has checked that `Scalar` is `Double`).
@inline(__always)
package func asDouble<Scalar>(_ p: UnsafePointer<Scalar>) -> UnsafePointer<Double> {
  UnsafeRawPointer(p).assumingMemoryBound(to: Double.self)
}

/// `p` as `Double` (the caller has checked that `Scalar` is `Double`).
@inline(__always)
package func asDouble<Scalar>(_ p: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Double> {
  UnsafeMutableRawPointer(p).assumingMemoryBound(to: Double.self)
}

/// An optional `p` as `Float`.
@inline(__always)
package func asFloat<Scalar>(_ p: UnsafePointer<Scalar>?) -> UnsafePointer<Float>? { p.map(asFloat) }

/// An optional `p` as `Float`.
@inline(__always)
package func asFloat<Scalar>(_ p: UnsafeMutablePointer<Scalar>?) -> UnsafeMutablePointer<Float>? {
  p.map(asFloat)
}

/// An optional `p` as `Double`.
@inline(__always)
package func asDouble<Scalar>(_ p: UnsafePointer<Scalar>?) -> UnsafePointer<Double>? { p.map(asDouble) }

/// An optional `p` as `Double`.
@inline(__always)
package func asDouble<Scalar>(_ p: UnsafeMutablePointer<Scalar>?) -> UnsafeMutablePointer<Double>? {
  p.map(asDouble)
}
