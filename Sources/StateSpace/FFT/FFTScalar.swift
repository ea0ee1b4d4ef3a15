import RealModule

/// The scalar types the real FFT and the FFT convolution compute with: `Float` (fast,
/// multi-core) and `Double` (for Float64 gradient checks and reference computations).
///
/// Generic code over this protocol is specialised for both types (`@specialized`), so callers
/// that are themselves generic reach the specialised loops through one type check.
public protocol FFTScalar: Real, BinaryFloatingPoint, SIMDScalar, Codable, Sendable {}

extension Float: FFTScalar {}
extension Double: FFTScalar {}
