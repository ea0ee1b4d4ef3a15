import ComplexModule
import RealModule

extension FFTConvolution {
  /// The gradients of ℓ = Σ g·y with respect to the input and the kernel, for
  /// y = `self(input, kernel:)` and g = `outputGradient`.
  ///
  /// With the circular form y = k_c ⊛ u (zero-padded to n), the adjoints are circular
  /// correlations: ∂ℓ/∂u[s] = Σ_t g[t]·k_c[t−s] (spectrum G·conj K) and
  /// ∂ℓ/∂k_c[j] = Σ_b Σ_t g[b,t]·u[b,t−j] (spectrum Σ_b G_b·conj U_b), read back at
  /// j = s for the first kernel and j = n−1−s for the second.
  ///
  /// - Parameters:
  ///   - outputGradient: g = ∂ℓ/∂y, (B, L, H).
  ///   - input: u, (B, L, H).
  ///   - kernel: k, (H, Lk) or (2, H, Lk).
  /// - Returns: ∂ℓ/∂u, (B, L, H), and ∂ℓ/∂k in the shape of `kernel`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func backward(
    outputGradient: Tensor<Scalar>, input: Tensor<Scalar>, kernel: Tensor<Scalar>
  ) -> (input: Tensor<Scalar>, kernel: Tensor<Scalar>) {
    let (batch, channels) = checkShapes("FFTConvolution.backward", input: input, kernel: kernel)
    precondition(
      outputGradient.shape == input.shape,
      "FFTConvolution.backward: output gradient shape \(outputGradient.shape) differs from input shape \(input.shape)")
    let (n, lk) = (fftLength, kernelLength)
    let bins = n / 2 + 1
    let gradientSpectra = transform.forward(paddedRows(outputGradient, batch: batch, channels: channels))
    let inputSpectra = transform.forward(paddedRows(input, batch: batch, channels: channels))
    let kernelSpectra = transform.forward(circularKernel(kernel, channels: channels))
    var inputProduct = gradientSpectra
    var kernelProduct = Tensor<Complex<Scalar>>(zeros: [channels, bins])
    inputProduct.withUnsafeMutableBufferPointer { inputProduct in
      kernelProduct.withUnsafeMutableBufferPointer { kernelProduct in
        gradientSpectra.withUnsafeBufferPointer { g in
          inputSpectra.withUnsafeBufferPointer { u in
            kernelSpectra.withUnsafeBufferPointer { k in
              for row in 0..<(batch * channels) {
                let h = row % channels
                for bin in 0..<bins {
                  inputProduct[row * bins + bin] = g[row * bins + bin] * k[h * bins + bin].conjugate
                  kernelProduct[h * bins + bin] += g[row * bins + bin] * u[row * bins + bin].conjugate
                }
              }
            }
          }
        }
      }
    }
    let inputGradient = channelsLast(transform.inverse(inputProduct), batch: batch, channels: channels)
    let correlation = transform.inverse(kernelProduct)
    var kernelGradient = Tensor<Scalar>(zeros: kernelShape(channels: channels))
    correlation.withUnsafeBufferPointer { c in
      kernelGradient.withUnsafeMutableBufferPointer { dk in
        for h in 0..<channels {
          for s in 0..<lk { dk[h * lk + s] = c[h * n + s] }
          if direction == .bidirectional {
            for s in 0..<lk { dk[(channels + h) * lk + s] = c[h * n + n - 1 - s] }
          }
        }
      }
    }
    return (inputGradient, kernelGradient)
  }
}
