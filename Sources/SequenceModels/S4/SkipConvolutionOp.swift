import StateSpace
import Training

extension Variable where Scalar: FFTScalar {
  /// S4's convolution, skip term and activation as one op: v = K ∗ u + D∘u, z = GELU(v)
  /// (S4-REFERENCE §5.1–5.2, the reference `FFTConv` with its activation), through
  /// ``FFTConvolution`` and one fused elementwise pass (``ConvolutionEpilogue``).
  ///
  /// When a gradient is needed the forward pass keeps the spectra of u and K
  /// (``FFTConvolution/forward(_:kernel:)``), so the backward pass transforms only the
  /// gradient. Pullback, with g = ∂ℓ/∂z: ∂ℓ/∂v = g·GELU′(v); the convolution's adjoints
  /// (∂ℓ/∂u, ∂ℓ/∂K) of ∂ℓ/∂v; then ∂ℓ/∂u += D∘∂ℓ/∂v and ∂ℓ/∂D[h] = Σ_{b,t} ∂ℓ/∂v[b,t,h]·u[b,t,h].
  ///
  /// Shape legend: B batch, L length, H channels, c kernels per channel (2 when
  /// bidirectional), Lk taps.
  ///
  /// - Parameters:
  ///   - kernel: K, (c, H, Lk): c = 1 causal, c = 2 bidirectional (past, then future).
  ///   - skip: D, (H).
  ///   - tanhForm: `false` for the exact GELU x·Φ(x), `true` for its tanh form.
  /// - Returns: z, (B, L, H), the shape of `self`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func skipConvolutionGELU(kernel: Variable, skip: Variable, tanhForm: Bool) -> Variable {
    let (u, k, d) = (value, kernel.value, skip.value)
    precondition(
      u.rank == 3 && k.rank == 3 && (k.shape[0] == 1 || k.shape[0] == 2) && k.shape[1] == u.shape[2]
        && d.shape == [u.shape[2]],
      "S4Block convolution: input \(u.shape) (B, L, H), kernel \(k.shape) (c, H, Lk) and D \(d.shape) (H) disagree"
    )
    let (channels, taps) = (k.shape[1], k.shape[2])
    let bidirectional = k.shape[0] == 2
    let convolution = FFTConvolution<Scalar>(
      length: u.shape[1], kernelLength: taps, direction: bidirectional ? .bidirectional : .causal)
    let planKernel = bidirectional ? k : k.reshaped(to: [channels, taps])
    let needsGradient = requiresGradient || kernel.requiresGradient || skip.requiresGradient
    var v: Tensor<Scalar>
    var saved: FFTConvolution<Scalar>.SavedSpectra?
    if needsGradient {
      (v, saved) = convolution.forward(u, kernel: planKernel)
    } else {
      v = convolution(u, kernel: planKernel)
    }
    let z = ConvolutionEpilogue.skipGELU(&v, input: u, skip: d, tanhForm: tanhForm)
    guard let saved else { return Variable(z) }
    let needsKernel = kernel.requiresGradient
    let needsSkip = skip.requiresGradient
    return Variable.record(z, inputs: [self, kernel, skip]) { [v] g in
      let dv = ConvolutionEpilogue.geluBackward(outputGradient: g, preActivation: v, tanhForm: tanhForm)
      var (du, dk) = convolution.backward(outputGradient: dv, saved: saved)
      du.addScaledRows(dv, scale: d)
      return [
        du, needsKernel ? dk.reshaped(to: k.shape) : nil,
        needsSkip ? dv.channelInnerProducts(u) : nil,
      ]
    }
  }

  /// GLU along the last axis, y = a·σ(b) for x = [a, b] (the block's output gate), through
  /// ``ConvolutionEpilogue/glu(_:)``; pullback ∂a = g·σ(b), ∂b = g·a·σ(b)(1 − σ(b)).
  ///
  /// - Returns: y, the shape of `self` with the last axis halved.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func gatedLinearUnit() -> Variable {
    let x = value
    let y = ConvolutionEpilogue.glu(x)
    guard requiresGradient else { return Variable(y) }
    return Variable.record(y, inputs: [self]) { g in
      [ConvolutionEpilogue.gluBackward(input: x, outputGradient: g)]
    }
  }
}

extension Tensor where Scalar: DifferentiableScalar {
  /// self[…, h] += scale[h]·x[…, h] over rows of width H (channels last), in place.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  mutating func addScaledRows(_ x: Tensor, scale: Tensor) {
    let width = scale.scalarCount
    let rows = scalarCount / Swift.max(width, 1)
    precondition(
      x.scalarCount == scalarCount && rows * width == scalarCount,
      "addScaledRows: \(shape) += \(x.shape)·\(scale.shape)")
    x.withUnsafeBufferPointer { x in
      scale.withUnsafeBufferPointer { d in
        withUnsafeMutableBufferPointer { y in
          let shared = UncheckedSendable((x.baseAddress!, d.baseAddress!, y.baseAddress!))
          Parallel.forEachChunk(of: rows, minimumChunk: Swift.max(1, (1 << 15) / Swift.max(width, 1))) {
            range in
            let (x, d, y) = shared.value
            for row in range {
              let (xr, yr) = (x + row * width, y + row * width)
              for h in 0..<width { yr[h] += d[h] * xr[h] }
            }
          }
        }
      }
    }
  }

  /// Σ over all rows of self[…, h]·x[…, h], (H) for rows of width H; accumulated per core
  /// in a partial row and then summed, so the result does not depend on thread timing
  /// (the row split is fixed by the worker count).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func channelInnerProducts(_ x: Tensor) -> Tensor {
    let width = shape[rank - 1]
    let rows = scalarCount / Swift.max(width, 1)
    let chunks = Swift.max(1, Swift.min(Parallel.workerCount, rows))
    var partials = [Scalar](repeating: 0, count: chunks * width)
    withUnsafeBufferPointer { a in
      x.withUnsafeBufferPointer { b in
        partials.withUnsafeMutableBufferPointer { partials in
          let shared = UncheckedSendable((a.baseAddress!, b.baseAddress!, partials.baseAddress!))
          Parallel.forEachChunk(of: chunks) { range in
            let (a, b, partials) = shared.value
            for chunk in range {
              let sum = partials + chunk * width
              for row in (rows * chunk / chunks)..<(rows * (chunk + 1) / chunks) {
                let (ar, br) = (a + row * width, b + row * width)
                for h in 0..<width { sum[h] += ar[h] * br[h] }
              }
            }
          }
        }
      }
    }
    return Tensor(shape: [width]) { h in
      var total: Scalar = 0
      for chunk in 0..<chunks { total += partials[chunk * width + h] }
      return total
    }
  }
}
