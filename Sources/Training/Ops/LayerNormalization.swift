import StateSpace
import _FFTKernels

// Layer normalisation over the last axis (width H): per row, μ = mean(x), σ² = mean((x − μ)²)
// (the biased variance, as PyTorch), r = 1/√(σ² + ε), x̂ = (x − μ)·r, y = x̂·γ + β.
// Pullback per row, with ĝ = g·γ:
//   ∂x = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)),   ∂γ = Σ_rows g·x̂,   ∂β = Σ_rows g.
// The forward keeps μ and r per row (two scalars), not x̂: the pullback recomputes x̂ from x.
// Float rows run in C (_FFTKernels/NormalizationRows.c: AVX-512, AVX2 or baseline chosen at
// load time); Double rows, used by the gradient checks, in the Swift loops below.

extension Tensor where Scalar: DifferentiableScalar {
  /// The per-row mean and reciprocal deviation, and the normalised output.
  @inline(__always)
  func layerNormalizedRows(gain: Tensor?, bias: Tensor?, epsilon: Scalar) -> (
    output: Tensor, mean: [Scalar], reciprocalDeviation: [Scalar]
  ) {
    let width = shape.last ?? 0
    precondition(
      rank >= 1 && (gain?.shape ?? [width]) == [width] && (bias?.shape ?? [width]) == [width],
      "layerNormalized: input \(shape) needs gain and bias of shape [\(width)], got \(gain?.shape ?? []) and \(bias?.shape ?? [])"
    )
    let rows = width == 0 ? 0 : scalarCount / width
    let gamma = gain ?? Tensor(shape: [width], repeating: 1)
    let beta = bias ?? Tensor(shape: [width], repeating: 0)
    var means = [Scalar](repeating: 0, count: rows)
    var reciprocals = [Scalar](repeating: 0, count: rows)
    let output = withUnsafeBufferPointer { x in
      gamma.withUnsafeBufferPointer { gamma in
        beta.withUnsafeBufferPointer { beta in
          means.withUnsafeMutableBufferPointer { means in
            reciprocals.withUnsafeMutableBufferPointer { reciprocals in
              Tensor(shape: shape, unsafeUninitializedScalars: { y in
                let (means, reciprocals) = (means, reciprocals)
                guard rows > 0 else { return }
                let (x, y) = (x.baseAddress!, y.baseAddress!)
                Parallel.forEachChunk(of: rows, minimumChunk: Swift.max(1, parallelGrain / width)) {
                  range in
                  if Scalar.self == Float.self {
                    let offset = range.lowerBound * width
                    s4norm_layer_norm_rows_f32(
                      asFloat(x + offset), asFloat(gamma.baseAddress!), asFloat(beta.baseAddress!),
                      range.count, width, Float(epsilon), asFloat(y + offset),
                      asFloat(means.baseAddress! + range.lowerBound),
                      asFloat(reciprocals.baseAddress! + range.lowerBound))
                    return
                  }
                  for row in range {
                    let (line, out) = (x + row * width, y + row * width)
                    let mean = contiguousSum(line, count: width) / Scalar(width)
                    var variance: Scalar = 0
                    for j in 0..<width {
                      let d = line[j] - mean
                      variance += d * d
                    }
                    let r = 1 / (variance / Scalar(width) + epsilon).squareRoot()
                    (means[row], reciprocals[row]) = (mean, r)
                    for j in 0..<width { out[j] = (line[j] - mean) * r * gamma[j] + beta[j] }
                  }
                }
              })
            }
          }
        }
      }
    }
    return (output, means, reciprocals)
  }

  /// Layer normalisation over the last axis: (x − μ)/√(σ² + ε)·γ + β per row, with μ and σ²
  /// the row's mean and biased variance.
  ///
  /// - Parameters:
  ///   - gain: γ of shape (H), or `nil` for 1.
  ///   - bias: β of shape (H), or `nil` for 0.
  ///   - epsilon: ε, added to the variance.
  /// - Returns: The shape of `self`, (…, H).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func layerNormalized(gain: Tensor?, bias: Tensor?, epsilon: Scalar = 1e-5) -> Tensor {
    layerNormalizedRows(gain: gain, bias: bias, epsilon: epsilon).output
  }
}

extension Variable {
  /// Layer normalisation over the last axis: (x − μ)/√(σ² + ε)·γ + β per row.
  ///
  /// Pullback per row, with x̂ the normalised row, r = 1/√(σ² + ε) and ĝ = g·γ:
  /// ∂x = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), ∂γ = Σ_rows g·x̂, ∂β = Σ_rows g.
  ///
  /// - Parameters:
  ///   - gain: γ of shape (H), or `nil` for 1.
  ///   - bias: β of shape (H), or `nil` for 0.
  ///   - epsilon: ε, added to the variance.
  /// - Returns: The shape of `self`, (…, H).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func layerNormalized(gain: Variable?, bias: Variable?, epsilon: Scalar = 1e-5)
    -> Variable
  {
    let x = value
    let (output, means, reciprocals) = x.layerNormalizedRows(
      gain: gain?.value, bias: bias?.value, epsilon: epsilon)
    let width = x.shape.last ?? 0
    let gamma = gain?.value ?? Tensor(shape: [width], repeating: 1)
    let (needsX, needsGain, needsBias) = (
      requiresGradient, gain?.requiresGradient ?? false, bias?.requiresGradient ?? false
    )
    var inputs = [self]
    if let gain { inputs.append(gain) }
    if let bias { inputs.append(bias) }
    let (hasGain, hasBias) = (gain != nil, bias != nil)
    return Variable.record(output, inputs: inputs) { g in
      let rows = means.count
      let chunks = Swift.min(Parallel.workerCount, Swift.max(1, g.scalarCount / parallelGrain))
      // ∂γ and ∂β: each chunk of rows sums into its own pair of rows, added at the end.
      var parameterSums = [Scalar](repeating: 0, count: chunks * 2 * width)
      // dx is only read back when it is written (needsX).
      let dx = Tensor<Scalar>(shape: x.shape, unsafeUninitializedScalars: { dx in
        x.withUnsafeBufferPointer { x in
          g.withUnsafeBufferPointer { g in
            gamma.withUnsafeBufferPointer { gamma in
              parameterSums.withUnsafeMutableBufferPointer { sums in
                let (dx, sums) = (dx, sums)
                guard rows > 0 else { return }
                let (x, g, gamma) = (x.baseAddress!, g.baseAddress!, gamma.baseAddress!)
                Parallel.forEachChunk(of: chunks) { chunkRange in
                  for chunk in chunkRange {
                    let (dGamma, dBeta) = (
                      sums.baseAddress! + chunk * 2 * width,
                      sums.baseAddress! + (chunk * 2 + 1) * width
                    )
                    let chunkRows = (rows * chunk / chunks)..<(rows * (chunk + 1) / chunks)
                    if Scalar.self == Float.self {
                      let offset = chunkRows.lowerBound * width
                      let first = chunkRows.lowerBound
                      means.withUnsafeBufferPointer { means in
                        reciprocals.withUnsafeBufferPointer { reciprocals in
                          s4norm_layer_norm_rows_backward_f32(
                            asFloat(x + offset), asFloat(g + offset), asFloat(gamma),
                            asFloat(means.baseAddress! + first),
                            asFloat(reciprocals.baseAddress! + first), chunkRows.count, width,
                            needsX ? asFloat(dx.baseAddress! + offset) : nil, asFloat(dGamma),
                            asFloat(dBeta))
                        }
                      }
                      continue
                    }
                    for row in chunkRows {
                      let (line, upstream, out) = (x + row * width, g + row * width, dx.baseAddress! + row * width)
                      let (mean, r) = (means[row], reciprocals[row])
                      var meanG: Scalar = 0
                      var meanGX: Scalar = 0
                      for j in 0..<width {
                        let xHat = (line[j] - mean) * r
                        let gHat = upstream[j] * gamma[j]
                        meanG += gHat
                        meanGX += gHat * xHat
                        dGamma[j] += upstream[j] * xHat
                        dBeta[j] += upstream[j]
                      }
                      meanG /= Scalar(width)
                      meanGX /= Scalar(width)
                      if needsX {
                        for j in 0..<width {
                          let xHat = (line[j] - mean) * r
                          out[j] = r * (upstream[j] * gamma[j] - meanG - xHat * meanGX)
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      })
      let dGamma = Tensor<Scalar>(shape: [width]) { j in
        (0..<chunks).reduce(0) { $0 + parameterSums[$1 * 2 * width + j] }
      }
      let dBeta = Tensor<Scalar>(shape: [width]) { j in
        (0..<chunks).reduce(0) { $0 + parameterSums[($1 * 2 + 1) * width + j] }
      }
      var gradients: [Tensor<Scalar>?] = [needsX ? dx : nil]
      if hasGain { gradients.append(needsGain ? dGamma : nil) }
      if hasBias { gradients.append(needsBias ? dBeta : nil) }
      return gradients
    }
  }
}
