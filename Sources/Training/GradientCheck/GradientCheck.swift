import StateSpace

/// How far a tape's gradients are from central differences, and where the worst disagreement is.
public struct GradientCheckReport: Sendable, Equatable, CustomStringConvertible {
  /// One checked scalar of one parameter.
  public struct Location: Sendable, Equatable {
    /// The parameter's name.
    public let parameter: String
    /// The scalar's multi-dimensional index in the parameter.
    public let index: [Int]
    /// The gradient the tape computed.
    public let analytic: Double
    /// The central-difference estimate.
    public let numeric: Double
  }

  /// The largest relative error over all checked scalars (see
  /// ``checkGradients(of:step:relativeFloor:scalarsPerParameter:training:seed:loss:)``).
  public let worstRelativeError: Double
  /// Where ``worstRelativeError`` occurs (`nil` when nothing was checked).
  public let worst: Location?
  /// How many scalars were checked.
  public let checkedCount: Int

  /// Whether the worst relative error is at most `tolerance`.
  ///
  /// - Parameter tolerance: The largest acceptable relative error (1e-6 is typical in Float64).
  public func passes(tolerance: Double) -> Bool { worstRelativeError <= tolerance }

  /// The worst error and its location.
  public var description: String {
    guard let worst else { return "gradient check: nothing checked" }
    return "gradient check over \(checkedCount) scalars: worst relative error \(worstRelativeError) "
      + "at \(worst.parameter)\(worst.index) (tape \(worst.analytic), central difference \(worst.numeric))"
  }
}

/// Compares the gradients a tape computes for a scalar function of `parameters` with central
/// differences, in Float64.
///
/// For each checked scalar `x` the estimate is `(f(x + h) − f(x − h)) / 2h` with
/// `h = step · max(1, |x|)`, whose error is O(h²) from truncation plus O(ε·|f|/h) from
/// rounding: about 1e-10 relative at the default step. The relative error of a scalar is
/// `|a − n| / max(|a|, |n|, relativeFloor · s)`, where `a` is the tape's gradient, `n` the
/// estimate and `s` the largest |a| or |n| over all checked scalars; the floor keeps scalars
/// whose gradient is nearly zero from reporting huge relative errors made of rounding noise.
///
/// Every evaluation of `loss` gets a fresh tape with the same `training` flag and `seed`, so
/// dropout masks are identical across evaluations. Parameter values are restored exactly.
///
/// ```swift
/// let report = checkGradients(of: layer.parameters) { tape in
///   let output = layer(input, on: tape)
///   return (output * output).sum()
/// }
/// #expect(report.passes(tolerance: 1e-6), "\(report)")
/// ```
///
/// - Parameters:
///   - parameters: The parameters to differentiate with respect to.
///   - step: The relative finite-difference step.
///   - relativeFloor: The fraction of the largest gradient below which errors are measured
///     absolutely.
///   - scalarsPerParameter: Check at most this many scalars of each parameter, evenly spread
///     over its flat index (`nil`: all).
///   - training: The `training` flag of every tape.
///   - seed: The seed of every tape.
///   - loss: The function: records its computation on the tape and returns one scalar.
/// - Returns: The worst relative error and where it occurs.
public func checkGradients(
  of parameters: [Parameter<Double>], step: Double = 1e-5, relativeFloor: Double = 1e-3,
  scalarsPerParameter: Int? = nil, training: Bool = false, seed: UInt64 = 0,
  loss: (Tape<Double>) -> Variable<Double>
) -> GradientCheckReport {
  precondition(step > 0, "checkGradients: step \(step) must be positive")
  precondition(relativeFloor >= 0, "checkGradients: relativeFloor \(relativeFloor) must be ≥ 0")
  precondition(
    scalarsPerParameter.map { $0 > 0 } ?? true,
    "checkGradients: scalarsPerParameter must be positive")

  func evaluate() -> Double {
    let output = loss(Tape(training: training, seed: seed))
    precondition(
      output.value.scalarCount == 1,
      "checkGradients: the loss must hold one scalar, got shape \(output.shape)")
    return output.value.scalars[0]
  }

  let analyticGradients: [Tensor<Double>] = {
    let tape = Tape<Double>(training: training, seed: seed)
    let output = loss(tape)
    precondition(
      output.value.scalarCount == 1,
      "checkGradients: the loss must hold one scalar, got shape \(output.shape)")
    let gradients = tape.gradients(of: output)
    return parameters.map { gradients[$0] ?? Tensor(shape: $0.shape, repeating: 0) }
  }()

  var samples: [(parameter: Int, flat: Int, analytic: Double, numeric: Double)] = []
  for (position, parameter) in parameters.enumerated() {
    let count = parameter.value.scalarCount
    let indices =
      scalarsPerParameter.map { limit in
        limit >= count ? Array(0..<count) : (0..<limit).map { $0 * count / limit }
      } ?? Array(0..<count)
    for flat in indices {
      let x = parameter.value.scalars[flat]
      let h = step * max(1, abs(x))
      let (above, below) = (x + h, x - h)
      parameter.value.scalars[flat] = above
      let upper = evaluate()
      parameter.value.scalars[flat] = below
      let lower = evaluate()
      parameter.value.scalars[flat] = x
      // The representable perturbation, not the requested one, is the divisor.
      let numeric = (upper - lower) / (above - below)
      samples.append((position, flat, analyticGradients[position].scalars[flat], numeric))
    }
  }

  let scale = samples.reduce(0.0) { max($0, abs($1.analytic), abs($1.numeric)) }
  let floor = max(relativeFloor * scale, .leastNormalMagnitude)
  var worstError = 0.0
  var worst: GradientCheckReport.Location?
  for sample in samples {
    let error =
      abs(sample.analytic - sample.numeric)
      / max(abs(sample.analytic), abs(sample.numeric), floor)
    guard worst == nil || error > worstError || error.isNaN else { continue }
    worstError = error
    let parameter = parameters[sample.parameter]
    worst = GradientCheckReport.Location(
      parameter: parameter.name, index: multiIndex(sample.flat, shape: parameter.shape),
      analytic: sample.analytic, numeric: sample.numeric)
    if error.isNaN { break }
  }
  return GradientCheckReport(worstRelativeError: worstError, worst: worst, checkedCount: samples.count)
}

/// The row-major multi-index of flat index `flat` in `shape`.
private func multiIndex(_ flat: Int, shape: [Int]) -> [Int] {
  var index = [Int](repeating: 0, count: shape.count)
  var remainder = flat
  for axis in shape.indices.reversed() where shape[axis] > 0 {
    index[axis] = remainder % shape[axis]
    remainder /= shape[axis]
  }
  return index
}
