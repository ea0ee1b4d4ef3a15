/// The lane vector of the kernel loops: four (baseline build) or eight (tuned build) nodes or
/// states at a time.
typealias KernelLanes<Scalar: SSMScalar> = Scalar._KernelLanes

/// Unaligned loads and stores of a lane vector at an offset, for the kernel loops.
enum KernelLaneMemory {
  @inline(__always)
  static func load<Scalar: SSMScalar>(_ base: UnsafePointer<Scalar>, _ offset: Int) -> KernelLanes<Scalar> {
    KernelLanes<Scalar>(loadingFrom: base + offset)
  }

  @inline(__always)
  static func load<Scalar: SSMScalar>(_ base: UnsafeMutablePointer<Scalar>, _ offset: Int) -> KernelLanes<Scalar> {
    KernelLanes<Scalar>(loadingFrom: base + offset)
  }

  @inline(__always)
  static func store<Scalar: SSMScalar>(
    _ value: KernelLanes<Scalar>, _ base: UnsafeMutablePointer<Scalar>, _ offset: Int
  ) {
    value.store(to: base + offset)
  }
}

/// A vector of lanes for the kernel loops, with its arithmetic resolved to a concrete SIMD type.
///
/// Generic code over `SIMD4<Scalar>` resolves its arithmetic to the SIMD protocol's generic,
/// element-by-element implementations; after specialisation LLVM usually re-vectorises them,
/// but not reliably in the kernels' long expressions. Routing the loops through this protocol
/// makes every operation a witness that, once specialised, is the concrete type's vector
/// instruction. (Separately, an accumulation `a += p·x − q·y` written as one expression sets
/// off LLVM's complex-multiplication matching on SSE, which produces shuffles and scalar code;
/// the loops therefore write one product per statement.) An implementation detail of
/// ``SSMScalar``.
public protocol _SSMKernelLanes: Sendable {
  /// The scalar of one lane.
  associatedtype LaneScalar
  /// The number of lanes.
  static var laneCount: Int { get }
  /// All lanes zero.
  init()
  /// All lanes equal to `value`.
  init(repeating value: LaneScalar)
  /// `laneCount` consecutive scalars from `pointer` (no alignment needed).
  init(loadingFrom pointer: UnsafePointer<LaneScalar>)
  /// `laneCount` consecutive scalars from `pointer`, which must be aligned to the vector's
  /// size (so that SSE can use the load as a memory operand).
  init(loadingAligned pointer: UnsafePointer<LaneScalar>)
  /// Stores the lanes to `laneCount` consecutive scalars at `pointer`.
  func store(to pointer: UnsafeMutablePointer<LaneScalar>)
  /// The lanes' sum.
  func sum() -> LaneScalar
  /// Lane-wise sum.
  static func + (lhs: Self, rhs: Self) -> Self
  /// Lane-wise difference.
  static func - (lhs: Self, rhs: Self) -> Self
  /// Lane-wise product.
  static func * (lhs: Self, rhs: Self) -> Self
  /// Lane-wise quotient.
  static func / (lhs: Self, rhs: Self) -> Self
  /// Lane-wise negation.
  static prefix func - (operand: Self) -> Self
}

extension _SSMKernelLanes {
  @inline(__always) static func + (lhs: LaneScalar, rhs: Self) -> Self { Self(repeating: lhs) + rhs }
  @inline(__always) static func + (lhs: Self, rhs: LaneScalar) -> Self { lhs + Self(repeating: rhs) }
  @inline(__always) static func - (lhs: LaneScalar, rhs: Self) -> Self { Self(repeating: lhs) - rhs }
  @inline(__always) static func - (lhs: Self, rhs: LaneScalar) -> Self { lhs - Self(repeating: rhs) }
  @inline(__always) static func * (lhs: LaneScalar, rhs: Self) -> Self { Self(repeating: lhs) * rhs }
  @inline(__always) static func * (lhs: Self, rhs: LaneScalar) -> Self { lhs * Self(repeating: rhs) }
  @inline(__always) static func / (lhs: LaneScalar, rhs: Self) -> Self { Self(repeating: lhs) / rhs }
  @inline(__always) static func += (lhs: inout Self, rhs: Self) { lhs = lhs + rhs }
  @inline(__always) static func -= (lhs: inout Self, rhs: Self) { lhs = lhs - rhs }
}

#if S4_TUNED_BUILD
  /// Built for the host CPU (AVX or wider): eight lanes per register.
  @usableFromInline typealias FloatLaneVector = SIMD8<Float>
  @usableFromInline typealias DoubleLaneVector = SIMD8<Double>
#else
  /// Baseline x86-64 (SSE2, sixteen 128-bit registers): one register per `Float` vector, so
  /// that a Cauchy loop's eight accumulators and its temporaries fit without spilling.
  @usableFromInline typealias FloatLaneVector = SIMD4<Float>
  @usableFromInline typealias DoubleLaneVector = SIMD4<Double>
#endif

/// The `Float` lanes of the kernel loops.
public struct _SSMFloatLanes: _SSMKernelLanes {
  @usableFromInline var value: FloatLaneVector

  @inlinable @inline(__always) init(_ value: FloatLaneVector) { self.value = value }
  @inlinable @inline(__always) public static var laneCount: Int { FloatLaneVector.scalarCount }
  @inlinable @inline(__always) public init() { value = FloatLaneVector() }
  @inlinable @inline(__always) public init(repeating value: Float) { self.value = FloatLaneVector(repeating: value) }
  @inlinable @inline(__always) public init(loadingFrom pointer: UnsafePointer<Float>) {
    value = UnsafeRawPointer(pointer).loadUnaligned(as: FloatLaneVector.self)
  }
  @inlinable @inline(__always) public init(loadingAligned pointer: UnsafePointer<Float>) {
    value = UnsafeRawPointer(pointer).load(as: FloatLaneVector.self)
  }
  @inlinable @inline(__always) public func store(to pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: FloatLaneVector.self)
  }
  @inlinable @inline(__always) public func sum() -> Float {
    var total: Float = 0
    for lane in value.indices { total += value[lane] }
    return total
  }
  @inlinable @inline(__always) public static func + (lhs: Self, rhs: Self) -> Self { Self(lhs.value + rhs.value) }
  @inlinable @inline(__always) public static func - (lhs: Self, rhs: Self) -> Self { Self(lhs.value - rhs.value) }
  @inlinable @inline(__always) public static func * (lhs: Self, rhs: Self) -> Self { Self(lhs.value * rhs.value) }
  @inlinable @inline(__always) public static func / (lhs: Self, rhs: Self) -> Self { Self(lhs.value / rhs.value) }
  @inlinable @inline(__always) public static prefix func - (operand: Self) -> Self { Self(-operand.value) }
}

/// The `Double` lanes of the kernel loops.
public struct _SSMDoubleLanes: _SSMKernelLanes {
  @usableFromInline var value: DoubleLaneVector

  @inlinable @inline(__always) init(_ value: DoubleLaneVector) { self.value = value }
  @inlinable @inline(__always) public static var laneCount: Int { DoubleLaneVector.scalarCount }
  @inlinable @inline(__always) public init() { value = DoubleLaneVector() }
  @inlinable @inline(__always) public init(repeating value: Double) { self.value = DoubleLaneVector(repeating: value) }
  @inlinable @inline(__always) public init(loadingFrom pointer: UnsafePointer<Double>) {
    value = UnsafeRawPointer(pointer).loadUnaligned(as: DoubleLaneVector.self)
  }
  @inlinable @inline(__always) public init(loadingAligned pointer: UnsafePointer<Double>) {
    value = UnsafeRawPointer(pointer).load(as: DoubleLaneVector.self)
  }
  @inlinable @inline(__always) public func store(to pointer: UnsafeMutablePointer<Double>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: DoubleLaneVector.self)
  }
  @inlinable @inline(__always) public func sum() -> Double {
    var total: Double = 0
    for lane in value.indices { total += value[lane] }
    return total
  }
  @inlinable @inline(__always) public static func + (lhs: Self, rhs: Self) -> Self { Self(lhs.value + rhs.value) }
  @inlinable @inline(__always) public static func - (lhs: Self, rhs: Self) -> Self { Self(lhs.value - rhs.value) }
  @inlinable @inline(__always) public static func * (lhs: Self, rhs: Self) -> Self { Self(lhs.value * rhs.value) }
  @inlinable @inline(__always) public static func / (lhs: Self, rhs: Self) -> Self { Self(lhs.value / rhs.value) }
  @inlinable @inline(__always) public static prefix func - (operand: Self) -> Self { Self(-operand.value) }
}
