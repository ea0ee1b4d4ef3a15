import RealModule
import StateSpace
import _FFTKernels

// Cross-entropy from logits, fused with its log-softmax. For a row of logits x over C classes
// with target t and label smoothing ε, the smoothed target distribution is
// q_c = (1 − ε)·[c = t] + ε/C, and with lse = log Σ_c e^{x_c} (computed after subtracting the
// row maximum, so it is finite for any finite logits):
//   loss = −Σ_c q_c·log softmax(x)_c = lse − (1 − ε)·x_t − (ε/C)·Σ_c x_c,
//   ∂loss/∂x_c = softmax(x)_c − q_c.
// The loss is averaged over the rows whose target is not the ignore index.

/// The cross-entropy between the softmax of `logits` and class-index targets, averaged over
/// the targets that are not ignored.
///
/// The softmax is never formed in the forward pass: each row keeps only its log-sum-exp, and
/// the pullback recomputes softmax(x) − q from it.
///
/// - Parameters:
///   - logits: (…, C) unnormalised scores, for example (B, L, V) for a language model.
///   - targets: (…) class indices in 0..<C, the shape of `logits` without its last axis.
///   - labelSmoothing: ε in [0, 1): the weight moved from the target class to a uniform
///     distribution over all classes.
///   - ignoreIndex: A target value (for example padding) whose rows contribute nothing.
/// - Returns: The mean loss in nats, a scalar (shape `[]`); 0 when every target is ignored.
@specialized(where Scalar == Float)
@specialized(where Scalar == Double)
public func crossEntropy<Scalar: DifferentiableScalar>(
  logits: Variable<Scalar>, targets: Tensor<Int>, labelSmoothing: Double = 0,
  ignoreIndex: Int? = nil
) -> Variable<Scalar> {
  let x = logits.value
  precondition(
    x.rank >= 1 && targets.shape == Array(x.shape.dropLast()),
    "crossEntropy: targets of shape \(targets.shape) do not match logits of shape \(x.shape) (targets need the logits' shape without the class axis)"
  )
  precondition(
    labelSmoothing >= 0 && labelSmoothing < 1,
    "crossEntropy: labelSmoothing \(labelSmoothing) is outside [0, 1)")
  let classes = x.shape[x.rank - 1]
  let rows = targets.scalarCount
  let ignored = ignoreIndex ?? Int.min
  for target in targets.scalars where target != ignored {
    precondition(
      target >= 0 && target < classes,
      "crossEntropy: target \(target) is outside 0..<\(classes) (logits \(x.shape))")
  }
  let smoothing = Scalar(labelSmoothing)
  let (uniform, onTarget) = (smoothing / Scalar(classes), 1 - smoothing)
  var logSumExp = [Scalar](repeating: 0, count: rows)
  var rowLosses = [Scalar](repeating: 0, count: rows)
  x.withUnsafeBufferPointer { x in
    targets.withUnsafeBufferPointer { targets in
      logSumExp.withUnsafeMutableBufferPointer { lse in
        rowLosses.withUnsafeMutableBufferPointer { losses in
          let (lse, losses) = (lse, losses)
          let minimumRows = Swift.max(1, parallelGrain / Swift.max(classes, 1))
          Parallel.forEachChunk(of: rows, minimumChunk: minimumRows) { range in
            if Scalar.self == Float.self, classes > 0 {
              // Float rows in C (_FFTKernels/NormalizationRows.c, vectorised for the CPU).
              s4norm_log_sum_exp_rows_f32(
                asFloat(x.baseAddress! + range.lowerBound * classes), range.count, classes,
                asFloat(lse.baseAddress! + range.lowerBound))
            } else {
              // One row of exponentials at a time: a vectorised loop, then a sum.
              let scratch = UnsafeMutablePointer<Scalar>.allocate(capacity: Swift.max(classes, 1))
              defer { scratch.deallocate() }
              for row in range {
                let line = x.baseAddress! + row * classes
                var maximum = -Scalar.infinity
                for c in 0..<classes { maximum = Swift.max(maximum, line[c]) }
                for c in 0..<classes { scratch[c] = exponential(line[c] - maximum) }
                lse[row] = maximum + Scalar.log(contiguousSum(scratch, count: classes))
              }
            }
            for row in range {
              let line = x.baseAddress! + row * classes
              let sum = smoothing == 0 ? 0 : contiguousSum(line, count: classes)
              let target = targets[row]
              guard target != ignored else { continue }
              losses[row] = lse[row] - onTarget * line[target] - uniform * sum
            }
          }
        }
      }
    }
  }
  let counted = targets.scalars.reduce(0) { $0 + ($1 == ignored ? 0 : 1) }
  let loss = counted == 0 ? 0 : rowLosses.reduce(0, +) / Scalar(counted)
  let lse = logSumExp
  return Variable.record(Tensor(shape: [], scalars: [loss]), inputs: [logits]) { g in
    let scale = counted == 0 ? 0 : g.scalars[0] / Scalar(counted)
    let dx = x.withUnsafeBufferPointer { x in
      targets.withUnsafeBufferPointer { targets in
        Tensor<Scalar>(shape: [x.count], unsafeUninitializedScalars: { dx in
          let minimumRows = Swift.max(1, parallelGrain / Swift.max(classes, 1))
          Parallel.forEachChunk(of: rows, minimumChunk: minimumRows) { range in
            for row in range {
              let (line, out) = (x.baseAddress! + row * classes, dx.baseAddress! + row * classes)
              let target = targets[row]
              guard target != ignored else {
                out.initialize(repeating: 0, count: classes)
                continue
              }
              if Scalar.self == Float.self {
                lse.withUnsafeBufferPointer { lse in
                  s4norm_shifted_exp_rows_f32(
                    asFloat(line), asFloat(lse.baseAddress! + row), 1, classes, Float(scale),
                    Float(uniform), asFloat(out))
                }
              } else {
                let shift = lse[row]
                for c in 0..<classes { out[c] = scale * (exponential(line[c] - shift) - uniform) }
              }
              out[target] -= scale * onTarget
            }
          }
        })
      }
    }
    return [dx.reshaped(to: x.shape)]
  }
}

/// The negative log-likelihood of class-index targets in bits (the cross-entropy divided by
/// ln 2): bits per character for a character-level language model.
///
/// - Parameters:
///   - logits: (…, C) unnormalised scores.
///   - targets: (…) class indices in 0..<C.
///   - ignoreIndex: A target value (for example padding) whose rows contribute nothing.
/// - Returns: The mean over the counted targets, in bits, a scalar (shape `[]`).
public func bitsPerCharacter<Scalar: DifferentiableScalar>(
  logits: Variable<Scalar>, targets: Tensor<Int>, ignoreIndex: Int? = nil
) -> Variable<Scalar> {
  crossEntropy(logits: logits, targets: targets, ignoreIndex: ignoreIndex)
    * (1 / Scalar.log(2))
}
