import StateSpace
import Training

extension SSMParameters where Scalar: DifferentiableScalar {
  /// The convolution kernel as one op on the tape: its inputs are the parameter variables (in
  /// the order of ``SSMParameters/namedTensors``), its output the first `taps` taps of
  /// ``SSMParameters/kernel(length:)``, and its pullback ``SSMParameters/kernelGradients(_:)``.
  ///
  /// Keeping only the first taps is exact for S4: its C̃ is defined for one kernel length L₀
  /// (paper Lemma C.3), so a shorter kernel is the prefix of the L₀-tap kernel, not a kernel
  /// computed at the shorter length. The pullback pads the taps' gradient with zeros to L₀.
  ///
  /// - Parameters:
  ///   - variables: One variable per named tensor, holding the values `self` was built from.
  ///   - length: L₀, the length the kernel is computed at.
  ///   - taps: How many leading taps to keep, 1…L₀.
  /// - Returns: K[…, 0..<taps], (c, H, taps).
  func recordedKernel(variables: [Variable<Scalar>], length: Int, taps: Int) -> Variable<Scalar> {
    precondition(
      variables.count == namedTensors.count && taps >= 1 && taps <= length,
      "SSMParameters.recordedKernel: \(variables.count) variables for \(namedTensors.count) tensors, \(taps) taps of \(length)"
    )
    let full = kernel(length: length)
    let value = taps == length ? full : full.leadingTaps(taps)
    let structure = self.structure
    return Variable.record(value, inputs: variables) { [self] gradient in
      let padded = taps == length ? gradient : gradient.zeroPaddedTaps(to: length)
      let gradients = kernelGradients(padded).namedTensors
      precondition(
        gradients.map(\.name) == namedTensors.map(\.name),
        "SSMParameters.recordedKernel: gradient tensors of \(structure) out of order")
      return gradients.map(\.tensor)
    }
  }
}

extension Tensor where Scalar: DifferentiableScalar {
  /// The first `taps` entries of the last axis: (…, L) → (…, taps).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func leadingTaps(_ taps: Int) -> Tensor {
    let length = shape[rank - 1]
    let rows = scalarCount / Swift.max(length, 1)
    return withUnsafeBufferPointer { source in
      Tensor(shape: Array(shape.dropLast()) + [taps], unsafeUninitializedScalars: { target in
        for row in 0..<rows {
          (target.baseAddress! + row * taps).initialize(
            from: source.baseAddress! + row * length, count: taps)
        }
      })
    }
  }

  /// The last axis extended with zeros: (…, taps) → (…, length).
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func zeroPaddedTaps(to length: Int) -> Tensor {
    let taps = shape[rank - 1]
    let rows = scalarCount / Swift.max(taps, 1)
    return withUnsafeBufferPointer { source in
      Tensor(shape: Array(shape.dropLast()) + [length], unsafeUninitializedScalars: { target in
        for row in 0..<rows {
          let destination = target.baseAddress! + row * length
          destination.initialize(from: source.baseAddress! + row * taps, count: taps)
          (destination + taps).initialize(repeating: 0, count: length - taps)
        }
      })
    }
  }
}
