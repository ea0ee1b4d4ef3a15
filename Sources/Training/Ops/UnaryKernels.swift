import StateSpace
import _FFTKernels

/// A unary C loop of ElementwiseKernels.h for each scalar type: y[i] = f(x[i]), i < count.
struct UnaryKernel: Sendable {
  let float: @convention(c) (UnsafePointer<Float>?, Int, UnsafeMutablePointer<Float>?) -> Void
  let double: @convention(c) (UnsafePointer<Double>?, Int, UnsafeMutablePointer<Double>?) -> Void

  /// σ(x) = 1/(1 + e^{−x}).
  static let sigmoid = UnaryKernel(float: s4ew_sigmoid_f32, double: s4ew_sigmoid_f64)
  /// tanh x.
  static let tanh = UnaryKernel(float: s4ew_tanh_f32, double: s4ew_tanh_f64)
  /// GELU(x) = x·Φ(x).
  static let gelu = UnaryKernel(float: s4ew_gelu_f32, double: s4ew_gelu_f64)
  /// GELU's tanh form ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
  static let tanhGELU = UnaryKernel(float: s4ew_gelu_tanh_f32, double: s4ew_gelu_tanh_f64)
}

extension Tensor where Scalar: DifferentiableScalar {
  /// `kernel` applied to every scalar, in parallel chunks for large tensors.
  @inline(__always)
  func applying(_ kernel: UnaryKernel) -> Tensor {
    withUnsafeBufferPointer { x in
      Tensor(shape: shape, unsafeUninitializedScalars: { y in
        guard let x = x.baseAddress, let y = y.baseAddress else { return }
        let shared = UncheckedSendable((x, y))
        Parallel.forEachChunk(of: scalarCount, minimumChunk: parallelGrain) { range in
          let (x, y) = shared.value
          let o = range.lowerBound
          if Scalar.self == Float.self {
            kernel.float(asFloat(x + o), range.count, asFloat(y + o))
          } else {
            kernel.double(asDouble(x + o), range.count, asDouble(y + o))
          }
        }
      })
    }
  }
}
