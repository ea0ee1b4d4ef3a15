import RealModule
import Training

// The gate kernels of the LSTM and GRU cells are written once, generic over the lanes they
// compute in: eight Float lanes (SIMD8, with the branch-free exponential of the attention
// kernels: a libm call per scalar would cost more than the recurrent GEMM), or one scalar at a
// time (Float's tail lanes, and Double with libm, which the Float64 oracles compare against).
// `forEachGateLanes` splits a row of H′ units between the two.
//
// eˣ in Float lanes: x = n·ln 2 + r with n = round(x/ln 2), |r| ≤ ln(2)/2, so eˣ = 2ⁿ·eʳ. ln 2
// is split into a part exact in Float and a correction (Cody–Waite) so that r stays accurate,
// eʳ is Cephes' degree-6 minimax polynomial (about 1 ulp), and 2ⁿ is assembled in the exponent
// bits: adding 1.5·2²³ rounds x/ln 2 to n and leaves n in the low mantissa bits.

/// eˣ in eight Float lanes without branches: about 1 ulp, 0 below −87.3, ∞ above 88.7.
@inline(__always)
func gateExponential(_ x: SIMD8<Float>) -> SIMD8<Float> {
  let shift = SIMD8<Float>(repeating: 12_582_912)
  let clamped = x.replacing(with: -87.3, where: x .< -87.3).replacing(with: 88.7, where: x .> 88.7)
  let shifted = clamped * 1.442_695_04 + shift
  let n = shifted - shift
  let r = (clamped - n * 0.693_359_375) + n * 2.121_944_4e-4
  var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
  p = p * r + 1.398_199_95e-3
  p = p * r + 8.333_451_9e-3
  p = p * r + 4.166_579_59e-2
  p = p * r + 0.166_666_655
  p = p * r + 0.500_000_01
  let er = p * r * r + r + 1
  let bits = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
  let result = er * unsafeBitCast(bits, to: SIMD8<Float>.self)
  return result.replacing(with: 0, where: x .< -87.3).replacing(with: .infinity, where: x .> 88.7)
}

/// A vector of gate values the cell kernels compute on.
protocol GateLanes {
  associatedtype Element: DifferentiableScalar
  /// How many units one value covers.
  static var laneCount: Int { get }
  /// 1 in every lane.
  static var one: Self { get }
  /// The `laneCount` scalars at `pointer`.
  static func load(_ pointer: UnsafePointer<Element>) -> Self
  /// Writes the lanes to `pointer`.
  func store(_ pointer: UnsafeMutablePointer<Element>)
  static func + (a: Self, b: Self) -> Self
  static func - (a: Self, b: Self) -> Self
  static func * (a: Self, b: Self) -> Self
  /// σ(x) = 1/(1 + e⁻ˣ) in every lane.
  var logistic: Self { get }
  /// tanh x in every lane.
  var hyperbolicTangent: Self { get }
}

extension SIMD8: GateLanes where Scalar == Float {
  typealias Element = Float
  static var laneCount: Int { 8 }
  static var one: SIMD8<Float> { SIMD8(repeating: 1) }

  @inline(__always)
  static func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
  }

  @inline(__always)
  func store(_ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: SIMD8<Float>.self)
  }

  /// 1/(1 + e⁻ˣ): e⁻ˣ → ∞ for x → −∞ gives 0, e⁻ˣ → 0 for x → ∞ gives 1.
  @inline(__always)
  var logistic: SIMD8<Float> { 1 / (1 + gateExponential(-self)) }

  /// tanh x = 1 − 2/(e²ˣ + 1), within a few ulps of 1 in absolute terms (the relative
  /// accuracy of tiny |x| is lost, which no gate needs); ±1 at the extremes.
  @inline(__always)
  var hyperbolicTangent: SIMD8<Float> { 1 - 2 / (gateExponential(2 * self) + 1) }
}

extension Float: GateLanes {
  typealias Element = Float
  static var laneCount: Int { 1 }
  static var one: Float { 1 }
  @inline(__always) static func load(_ pointer: UnsafePointer<Float>) -> Float { pointer.pointee }
  @inline(__always) func store(_ pointer: UnsafeMutablePointer<Float>) { pointer.pointee = self }
  @inline(__always) var logistic: Float { 1 / (1 + .exp(-self)) }
  @inline(__always) var hyperbolicTangent: Float { .tanh(self) }
}

extension Double: GateLanes {
  typealias Element = Double
  static var laneCount: Int { 1 }
  static var one: Double { 1 }
  @inline(__always) static func load(_ pointer: UnsafePointer<Double>) -> Double { pointer.pointee }
  @inline(__always) func store(_ pointer: UnsafeMutablePointer<Double>) { pointer.pointee = self }
  @inline(__always) var logistic: Double { 1 / (1 + .exp(-self)) }
  @inline(__always) var hyperbolicTangent: Double { .tanh(self) }
}

/// A cell kernel over the units `units` of one row, in lanes of type `V` (the range's length
/// is a multiple of `V.laneCount`).
protocol GateKernel {
  associatedtype Scalar: DifferentiableScalar
  /// The same kernel over Float pointers (the type `Self` is when `Scalar` is `Float`).
  associatedtype FloatKernel: GateKernel where FloatKernel.Scalar == Float
  /// The same kernel over Double pointers.
  associatedtype DoubleKernel: GateKernel where DoubleKernel.Scalar == Double
  func run<V: GateLanes>(_ lanes: V.Type, units: Range<Int>) where V.Element == Scalar
}

/// Runs `kernel` over units 0 ..< `count`: Float in SIMD8 lanes with scalar tail lanes,
/// Double one lane at a time (the two differentiable scalars).
@inline(__always)
func forEachGateLanes<K: GateKernel>(count: Int, _ kernel: K) {
  if K.Scalar.self == Float.self {
    let bulk = count - count % 8
    let floatKernel = unsafeBitCast(kernel, to: K.FloatKernel.self)
    floatKernel.run(SIMD8<Float>.self, units: 0..<bulk)
    floatKernel.run(Float.self, units: bulk..<count)
  } else {
    precondition(K.Scalar.self == Double.self, "gate kernels run on Float or Double")
    unsafeBitCast(kernel, to: K.DoubleKernel.self).run(Double.self, units: 0..<count)
  }
}
