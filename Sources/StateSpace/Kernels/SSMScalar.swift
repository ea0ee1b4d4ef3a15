/// The scalar types the SSM kernels and recurrences compute with: `Float` (fast, multi-core)
/// and `Double` (for tests and Float64 gradient checks).
///
/// Generic code over this protocol is specialised for both types (`@specialized`), so callers
/// that are themselves generic reach the vectorised loops through one type check.
public protocol SSMScalar: ComplexBLASRealType, LinearAlgebraScalar, FFTScalar {
  /// Implementation detail: the lane vector of the kernel loops (see `_SSMKernelLanes`).
  associatedtype _KernelLanes: _SSMKernelLanes where _KernelLanes.LaneScalar == Self
}

extension Float: SSMScalar {
  public typealias _KernelLanes = _SSMFloatLanes
}

extension Double: SSMScalar {
  public typealias _KernelLanes = _SSMDoubleLanes
}
