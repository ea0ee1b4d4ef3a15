extension SSMParameters {
  /// The convolution kernel of every channel: K[c, h, l] = C_c·Ā_h^l·B̄_h for l < L.
  ///
  /// - S4 (``SSMStructure/diagonalPlusLowRank(rank:)``): the truncated generating function at
  ///   the rfft nodes through Cauchy sums and the Woodbury identity, then an inverse real FFT
  ///   (paper Algorithm 1). L must be a power of two. C̃ was defined for some length L₀; the
  ///   kernel is exact for L = L₀ (other lengths give the kernel of C̃ read as C·(I − Ā^{L₀})).
  /// - S4D (``SSMStructure/diagonal(_:)``): Vandermonde sums as matrix products; any L ≥ 1.
  ///
  /// Float runs vectorised over all cores; memory is O(c·H·L) (no H·N·L intermediate).
  ///
  /// - Parameter length: L.
  /// - Returns: K, (c, H, L).
  public func kernel(length: Int) -> Tensor<Scalar> {
    switch structure {
    case .diagonalPlusLowRank:
      DPLRKernel.forward(self, length: length)
    case .diagonal(let discretization):
      DiagonalKernel.forward(self, discretization: discretization, length: length)
    }
  }

  /// The backward pass of ``kernel(length:)``: the gradient of a loss with respect to every
  /// parameter tensor, given its gradient with respect to the kernel (hand-derived; see
  /// `DPLRKernel.backward` and `DiagonalKernel.backward` for the derivations).
  ///
  /// - Parameter kernelGradient: ∂ℓ/∂K, (c, H, L).
  /// - Returns: ∂ℓ/∂(log Δ, log(−Re Λ), Im Λ, P, B, C̃ or C), in the structure of `self`.
  public func kernelGradients(_ kernelGradient: Tensor<Scalar>) -> SSMParameters {
    switch structure {
    case .diagonalPlusLowRank:
      DPLRKernel.backward(kernelGradient: kernelGradient, parameters: self)
    case .diagonal(let discretization):
      DiagonalKernel.backward(
        kernelGradient: kernelGradient, parameters: self, discretization: discretization)
    }
  }
}
