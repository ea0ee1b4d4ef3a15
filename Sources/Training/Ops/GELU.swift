import StateSpace
import _FFTKernels

// GELU(x) = x·Φ(x) (Hendrycks and Gimpel), Φ the standard normal distribution function, or its
// tanh form ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³). Pullback: g·GELU′(x) with
// GELU′(x) = Φ(x) + x·φ(x), φ(x) = e^{−x²/2}/√(2π); for the tanh form
// ½(1 + t) + ½x(1 − t²)·u′, t = tanh u, u′ = √(2/π)(1 + 3·0.044715x²). The loops are the C
// ones that the S4 block's epilogue uses (ElementwiseKernels.h), run in parallel chunks.

/// Which form of GELU to compute.
public enum GELUApproximation: Sendable, Equatable {
  /// The exact form x·Φ(x) = ½x(1 + erf(x/√2)), PyTorch's default and the S4 reference's.
  case none
  /// The tanh form ½x(1 + tanh(√(2/π)(x + 0.044715x³))) of Hendrycks and Gimpel.
  case tanh

  /// The C loops' `tanh_form` flag.
  var tanhForm: Int32 { self == .tanh ? 1 : 0 }
}

extension Tensor where Scalar: DifferentiableScalar {
  /// GELU elementwise.
  ///
  /// - Parameter approximation: `.none` for x·Φ(x) (erf), `.tanh` for the tanh form.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func gelu(approximation: GELUApproximation = .none) -> Tensor {
    applying(approximation == .tanh ? UnaryKernel.tanhGELU : UnaryKernel.gelu)
  }

  /// g·GELU′(self): the pullback of ``gelu(approximation:)`` at `self`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func geluPullback(_ g: Tensor, approximation: GELUApproximation) -> Tensor {
    let form = approximation.tanhForm
    return withUnsafeBufferPointer { x in
      g.withUnsafeBufferPointer { g in
        Tensor(shape: shape, unsafeUninitializedScalars: { dx in
          guard let x = x.baseAddress, let g = g.baseAddress, let dx = dx.baseAddress else { return }
          let shared = UncheckedSendable((x, g, dx))
          Parallel.forEachChunk(of: scalarCount, minimumChunk: parallelGrain) { range in
            let (x, g, dx) = shared.value
            let o = range.lowerBound
            if Scalar.self == Float.self {
              s4ew_gelu_backward_f32(asFloat(g + o), asFloat(x + o), range.count, form, asFloat(dx + o))
            } else {
              s4ew_gelu_backward_f64(asDouble(g + o), asDouble(x + o), range.count, form, asDouble(dx + o))
            }
          }
        })
      }
    }
  }
}

extension Variable {
  /// GELU elementwise; pullback g·GELU′(x).
  ///
  /// - Parameter approximation: `.none` for x·Φ(x) (erf), `.tanh` for the tanh form.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func gelu(approximation: GELUApproximation = .none) -> Variable {
    let x = value
    return Variable.record(x.gelu(approximation: approximation), inputs: [self]) { g in
      [x.geluPullback(g, approximation: approximation)]
    }
  }
}
