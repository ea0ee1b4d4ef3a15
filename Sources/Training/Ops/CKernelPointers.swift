// Typed views of a generic scalar pointer for the C loops; the type test at each call site
// folds away in the specialised callers.
@inline(__always)
func float<Scalar>(_ p: UnsafePointer<Scalar>) -> UnsafePointer<Float> {
  UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
}
@inline(__always)
func float<Scalar>(_ p: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Float> {
  UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
}
@inline(__always)
func double<Scalar>(_ p: UnsafePointer<Scalar>) -> UnsafePointer<Double> {
  UnsafeRawPointer(p).assumingMemoryBound(to: Double.self)
}
@inline(__always)
func double<Scalar>(_ p: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Double> {
  UnsafeMutableRawPointer(p).assumingMemoryBound(to: Double.self)
}
