import RealModule
import StateSpace

/// The scalar types the autodiff computes with: `Float` for training, `Double` for gradient
/// checks against finite differences.
///
/// Generic code over this protocol is compiled once per concrete type where it matters: every
/// function that loops over scalars carries `@specialized(where Scalar == Float)` and
/// `@specialized(where Scalar == Double)`, so callers that are themselves generic (layers,
/// user code) still reach a specialised, vectorised loop through one type check.
public protocol DifferentiableScalar: LinearAlgebraScalar, ComplexBLASRealType {}

extension Float: DifferentiableScalar {}
extension Double: DifferentiableScalar {}
