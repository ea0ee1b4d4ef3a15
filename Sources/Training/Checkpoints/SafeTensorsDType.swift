/// The element types of the safetensors format, by their header names.
///
/// Checkpoints of this library use ``f32`` and ``f64``; the other types are recognised so that
/// files written elsewhere (holding, say, integer buffers) can be opened and their floating
/// point tensors read.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
  /// Booleans, one byte each.
  case bool = "BOOL"
  /// Unsigned 8-bit integers.
  case u8 = "U8"
  /// Signed 8-bit integers.
  case i8 = "I8"
  /// 8-bit floats with 5 exponent bits.
  case f8e5m2 = "F8_E5M2"
  /// 8-bit floats with 4 exponent bits.
  case f8e4m3 = "F8_E4M3"
  /// Signed 16-bit integers.
  case i16 = "I16"
  /// Unsigned 16-bit integers.
  case u16 = "U16"
  /// IEEE half precision.
  case f16 = "F16"
  /// bfloat16.
  case bf16 = "BF16"
  /// Signed 32-bit integers.
  case i32 = "I32"
  /// Unsigned 32-bit integers.
  case u32 = "U32"
  /// IEEE single precision (`Float`).
  case f32 = "F32"
  /// IEEE double precision (`Double`).
  case f64 = "F64"
  /// Signed 64-bit integers.
  case i64 = "I64"
  /// Unsigned 64-bit integers.
  case u64 = "U64"

  /// The size of one element in bytes.
  public var byteCount: Int {
    switch self {
    case .bool, .u8, .i8, .f8e5m2, .f8e4m3: 1
    case .i16, .u16, .f16, .bf16: 2
    case .i32, .u32, .f32: 4
    case .f64, .i64, .u64: 8
    }
  }

  /// The dtype that stores `Scalar` (`Float` → F32, `Double` → F64).
  ///
  /// - Precondition: `Scalar` is `Float` or `Double`.
  public static func of<Scalar: DifferentiableScalar>(_ scalar: Scalar.Type) -> SafeTensorsDType {
    if Scalar.self == Float.self { return .f32 }
    if Scalar.self == Double.self { return .f64 }
    preconditionFailure("SafeTensorsDType.of: checkpoints store Float or Double, not \(Scalar.self)")
  }
}
