#if arch(x86_64)
  import _Builtin_intrinsics.intel
#endif

/// Adam's elementwise step on SSE lanes: four `Float`s or two `Double`s at a time.
///
/// The scalar loop cannot vectorise on Linux: `squareRoot()` lowers to `sqrtss` plus a call to
/// libm's `sqrtf` for negative inputs (to set `errno`), and LLVM does not vectorise loops with
/// such calls; `SIMD4<Float>.squareRoot()` is scalarised the same way. The SSE intrinsics
/// `_mm_sqrt_ps` and `_mm_sqrt_pd` (baseline x86-64) are exact square roots without that path.
/// The lanes apply the scalar loop's operations in the same order, so results are identical.
enum AdamLanes {
  /// Updates the longest prefix of `range` that fills whole lane vectors.
  ///
  /// - Returns: The index at which the caller's scalar loop continues (`range.lowerBound` when
  ///   no lane kernel exists for `Scalar` on this architecture).
  @inline(__always)
  static func step<Scalar: DifferentiableScalar>(
    _ range: Range<Int>, _ p: UnsafeMutablePointer<Scalar>, _ g: UnsafePointer<Scalar>,
    _ m: UnsafeMutablePointer<Scalar>, _ v: UnsafeMutablePointer<Scalar>,
    _ constants: UpdateKernels.AdamConstants
  ) -> Int {
    #if arch(x86_64)
      if Scalar.self == Float.self {
        return floatLanes(
          range, rebound(p), UnsafeRawPointer(g).assumingMemoryBound(to: Float.self), rebound(m), rebound(v), constants)
      }
      if Scalar.self == Double.self {
        return doubleLanes(
          range, rebound(p), UnsafeRawPointer(g).assumingMemoryBound(to: Double.self), rebound(m), rebound(v), constants)
      }
    #endif
    return range.lowerBound
  }

  @inline(__always)
  private static func rebound<Scalar, Target>(
    _ pointer: UnsafeMutablePointer<Scalar>
  ) -> UnsafeMutablePointer<Target> {
    UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Target.self)
  }

  #if arch(x86_64)
    private static func floatLanes(
      _ range: Range<Int>, _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
      _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
      _ constants: UpdateKernels.AdamConstants
    ) -> Int {
      typealias Lanes = SIMD4<Float>
      let stepSize = Lanes(repeating: Float(constants.stepSize))
      let correction = Lanes(repeating: Float(constants.inverseSecondCorrection))
      let beta1 = Lanes(repeating: Float(constants.beta1))
      let beta2 = Lanes(repeating: Float(constants.beta2))
      let oneMinusBeta1 = Lanes(repeating: Float(1 - constants.beta1))
      let oneMinusBeta2 = Lanes(repeating: Float(1 - constants.beta2))
      let epsilon = Lanes(repeating: Float(constants.epsilon))
      let penalty = Lanes(repeating: Float(constants.gradientPenalty))
      let penalised = constants.gradientPenalty != 0
      let decay = Lanes(repeating: Float(constants.decay))
      let end = range.lowerBound + range.count / 4 * 4
      var i = range.lowerBound
      while i < end {
        let parameter = UnsafeRawPointer(p + i).loadUnaligned(as: Lanes.self)
        var direction = UnsafeRawPointer(g + i).loadUnaligned(as: Lanes.self)
        if penalised { direction = direction + penalty * parameter }
        let first =
          beta1 * UnsafeRawPointer(m + i).loadUnaligned(as: Lanes.self) + oneMinusBeta1 * direction
        let second =
          beta2 * UnsafeRawPointer(v + i).loadUnaligned(as: Lanes.self) + oneMinusBeta2
          * (direction * direction)
        UnsafeMutableRawPointer(m + i).storeBytes(of: first, as: Lanes.self)
        UnsafeMutableRawPointer(v + i).storeBytes(of: second, as: Lanes.self)
        let root: Lanes = _mm_sqrt_ps(second)
        let denominator = root * correction + epsilon
        let updated = parameter * decay - stepSize * (first / denominator)
        UnsafeMutableRawPointer(p + i).storeBytes(of: updated, as: Lanes.self)
        i += 4
      }
      return end
    }

    private static func doubleLanes(
      _ range: Range<Int>, _ p: UnsafeMutablePointer<Double>, _ g: UnsafePointer<Double>,
      _ m: UnsafeMutablePointer<Double>, _ v: UnsafeMutablePointer<Double>,
      _ constants: UpdateKernels.AdamConstants
    ) -> Int {
      typealias Lanes = SIMD2<Double>
      let stepSize = Lanes(repeating: constants.stepSize)
      let correction = Lanes(repeating: constants.inverseSecondCorrection)
      let beta1 = Lanes(repeating: constants.beta1)
      let beta2 = Lanes(repeating: constants.beta2)
      let oneMinusBeta1 = Lanes(repeating: 1 - constants.beta1)
      let oneMinusBeta2 = Lanes(repeating: 1 - constants.beta2)
      let epsilon = Lanes(repeating: constants.epsilon)
      let penalty = Lanes(repeating: constants.gradientPenalty)
      let penalised = constants.gradientPenalty != 0
      let decay = Lanes(repeating: constants.decay)
      let end = range.lowerBound + range.count / 2 * 2
      var i = range.lowerBound
      while i < end {
        let parameter = UnsafeRawPointer(p + i).loadUnaligned(as: Lanes.self)
        var direction = UnsafeRawPointer(g + i).loadUnaligned(as: Lanes.self)
        if penalised { direction = direction + penalty * parameter }
        let first =
          beta1 * UnsafeRawPointer(m + i).loadUnaligned(as: Lanes.self) + oneMinusBeta1 * direction
        let second =
          beta2 * UnsafeRawPointer(v + i).loadUnaligned(as: Lanes.self) + oneMinusBeta2
          * (direction * direction)
        UnsafeMutableRawPointer(m + i).storeBytes(of: first, as: Lanes.self)
        UnsafeMutableRawPointer(v + i).storeBytes(of: second, as: Lanes.self)
        let root: Lanes = _mm_sqrt_pd(second)
        let denominator = root * correction + epsilon
        let updated = parameter * decay - stepSize * (first / denominator)
        UnsafeMutableRawPointer(p + i).storeBytes(of: updated, as: Lanes.self)
        i += 2
      }
      return end
    }
  #endif
}
