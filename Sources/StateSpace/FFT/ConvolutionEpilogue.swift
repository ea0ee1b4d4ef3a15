import _FFTKernels

/// The elementwise passes around an S4 convolution, each one vectorised loop over all cores:
/// the D skip fused with GELU, GELU's pullback, and the gated linear unit (GLU) with its
/// pullback (S4-REFERENCE §5.2: v = K∗u + D∘u, z = GELU(v), y = GLU(z·W + b)).
///
/// The loops are C (`_FFTKernels`), compiled for AVX-512, AVX2 and baseline x86-64 and chosen
/// at load time; `Float` uses branch-free exp, tanh and Φ (relative error of Φ below 1e−6 in
/// both tails), `Double` libm.
///
/// Shape legend: R rows (B·L), H channels.
public enum ConvolutionEpilogue {
  /// Rows per parallel chunk: at least 32 Ki scalars, so that a chunk pays for waking a thread.
  static func minimumRows(width: Int) -> Int { max(1, (1 << 15) / max(1, width)) }

  /// v ← v + D∘u in place and z = GELU(v): the skip term and the activation in one pass.
  ///
  /// - Parameters:
  ///   - convolved: K∗u on entry, v = K∗u + D∘u on return; (…, H), channels last.
  ///   - input: u, the shape of `convolved`.
  ///   - skip: D, (H).
  ///   - tanhForm: `false` for x·Φ(x), `true` for ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
  /// - Returns: z = GELU(v), the shape of `convolved`.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func skipGELU<Scalar: FFTScalar>(
    _ convolved: inout Tensor<Scalar>, input: Tensor<Scalar>, skip: Tensor<Scalar>, tanhForm: Bool
  ) -> Tensor<Scalar> {
    let width = skip.scalarCount
    precondition(
      input.shape == convolved.shape && convolved.rank >= 1 && convolved.shape.last == width,
      "ConvolutionEpilogue.skipGELU: convolution \(convolved.shape), input \(input.shape) and D \(skip.shape) disagree")
    let rows = convolved.scalarCount / max(1, width)
    let form: Int32 = tanhForm ? 1 : 0
    return Tensor(shape: convolved.shape, unsafeUninitializedScalars: { z in
      guard rows > 0 else { return }
      convolved.withUnsafeMutableBufferPointer { v in
        input.withUnsafeBufferPointer { u in
          skip.withUnsafeBufferPointer { d in
            let shared = UncheckedSendable((v.baseAddress!, u.baseAddress!, d.baseAddress!, z.baseAddress!))
            Parallel.forEachChunk(of: rows, minimumChunk: minimumRows(width: width)) { range in
              let (v, u, d, z) = shared.value
              let offset = range.lowerBound * width
              if Scalar.self == Float.self {
                s4ew_skip_gelu_f32(
                  asFloat(v + offset), asFloat(UnsafePointer(u + offset)),
                  asFloat(UnsafePointer(d)), range.count, width, form, asFloat(z + offset))
              } else {
                s4ew_skip_gelu_f64(
                  asDouble(v + offset), asDouble(UnsafePointer(u + offset)),
                  asDouble(UnsafePointer(d)), range.count, width, form, asDouble(z + offset))
              }
            }
          }
        }
      }
    })
  }

  /// ∂ℓ/∂v = g·GELU′(v): Φ(v) + v·φ(v), or the derivative of the tanh form.
  ///
  /// - Parameters:
  ///   - outputGradient: g = ∂ℓ/∂z, any shape.
  ///   - preActivation: v, the shape of g.
  ///   - tanhForm: As in ``skipGELU(_:input:skip:tanhForm:)``.
  /// - Returns: ∂ℓ/∂v, the shape of g.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func geluBackward<Scalar: FFTScalar>(
    outputGradient: Tensor<Scalar>, preActivation: Tensor<Scalar>, tanhForm: Bool
  ) -> Tensor<Scalar> {
    precondition(
      outputGradient.shape == preActivation.shape,
      "ConvolutionEpilogue.geluBackward: gradient \(outputGradient.shape) and pre-activation \(preActivation.shape) differ")
    let form: Int32 = tanhForm ? 1 : 0
    return Tensor(shape: outputGradient.shape, unsafeUninitializedScalars: { dv in
      guard dv.count > 0 else { return }
      outputGradient.withUnsafeBufferPointer { g in
        preActivation.withUnsafeBufferPointer { v in
          let shared = UncheckedSendable((g.baseAddress!, v.baseAddress!, dv.baseAddress!))
          Parallel.forEachChunk(of: g.count, minimumChunk: 1 << 15) { range in
            let (g, v, dv) = shared.value
            let o = range.lowerBound
            if Scalar.self == Float.self {
              s4ew_gelu_backward_f32(
                asFloat(g + o), asFloat(v + o), range.count, form, asFloat(dv + o))
            } else {
              s4ew_gelu_backward_f64(
                asDouble(g + o), asDouble(v + o), range.count, form, asDouble(dv + o))
            }
          }
        }
      }
    })
  }

  /// GLU along the last axis: x = [a, b] with halves of H, y = a·σ(b).
  ///
  /// - Parameter input: x, (…, 2H).
  /// - Returns: y, (…, H).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func glu<Scalar: FFTScalar>(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
    precondition(
      input.rank >= 1 && input.shape[input.rank - 1] % 2 == 0,
      "ConvolutionEpilogue.glu: the last axis of \(input.shape) must have an even extent")
    let half = input.shape[input.rank - 1] / 2
    let rows = input.scalarCount / max(1, 2 * half)
    return Tensor(shape: Array(input.shape.dropLast()) + [half], unsafeUninitializedScalars: { y in
      guard y.count > 0 else { return }
      input.withUnsafeBufferPointer { x in
        let shared = UncheckedSendable((x.baseAddress!, y.baseAddress!))
        Parallel.forEachChunk(of: rows, minimumChunk: minimumRows(width: 2 * half)) { range in
          let (x, y) = shared.value
          let (xo, yo) = (range.lowerBound * 2 * half, range.lowerBound * half)
          if Scalar.self == Float.self {
            s4ew_glu_f32(asFloat(x + xo), range.count, half, asFloat(y + yo))
          } else {
            s4ew_glu_f64(asDouble(x + xo), range.count, half, asDouble(y + yo))
          }
        }
      }
    })
  }

  /// The pullback of ``glu(_:)``: ∂a = g·σ(b), ∂b = g·a·σ(b)(1 − σ(b)).
  ///
  /// - Parameters:
  ///   - input: x, (…, 2H).
  ///   - outputGradient: g = ∂ℓ/∂y, (…, H).
  /// - Returns: ∂ℓ/∂x, (…, 2H).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public static func gluBackward<Scalar: FFTScalar>(
    input: Tensor<Scalar>, outputGradient: Tensor<Scalar>
  ) -> Tensor<Scalar> {
    let half = outputGradient.rank >= 1 ? outputGradient.shape[outputGradient.rank - 1] : 0
    precondition(
      input.rank == outputGradient.rank && input.shape.dropLast() == outputGradient.shape.dropLast()
        && input.shape.last == 2 * half,
      "ConvolutionEpilogue.gluBackward: input \(input.shape) and gradient \(outputGradient.shape) disagree")
    let rows = outputGradient.scalarCount / max(1, half)
    return Tensor(shape: input.shape, unsafeUninitializedScalars: { dx in
      guard dx.count > 0 else { return }
      input.withUnsafeBufferPointer { x in
        outputGradient.withUnsafeBufferPointer { g in
          let shared = UncheckedSendable((x.baseAddress!, g.baseAddress!, dx.baseAddress!))
          Parallel.forEachChunk(of: rows, minimumChunk: minimumRows(width: 2 * half)) { range in
            let (x, g, dx) = shared.value
            let (xo, go) = (range.lowerBound * 2 * half, range.lowerBound * half)
            if Scalar.self == Float.self {
              s4ew_glu_backward_f32(
                asFloat(x + xo), asFloat(g + go), range.count, half, asFloat(dx + xo))
            } else {
              s4ew_glu_backward_f64(
                asDouble(x + xo), asDouble(g + go), range.count, half,
                asDouble(dx + xo))
            }
          }
        }
      }
    })
  }
}
