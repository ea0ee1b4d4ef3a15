/// The scalar types the SSM kernels and recurrences compute with: `Float` (fast, multi-core)
/// and `Double` (for tests and Float64 gradient checks).
///
/// Generic code over this protocol is specialised for both types (`@specialized`), so callers
/// that are themselves generic reach the vectorised loops through one type check.
public protocol SSMScalar: ComplexBLASRealType, LinearAlgebraScalar, SIMDScalar, Codable {}

extension Float: SSMScalar {}
extension Double: SSMScalar {}
