import _FFTKernels

extension SSMRecurrence {
  /// Advances every sequence of the batch by one input and returns the new outputs.
  ///
  /// The pass over each (sequence, channel) is C (`s4rec_step` in `_FFTKernels`), compiled for
  /// AVX-512, AVX2 and baseline x86-64 and chosen at load time: S4D's x ← Ā∘x + B̄·u, S4's
  /// O(N) Woodbury step (type documentation), each with the read-out 2·Re(C_c·x).
  ///
  /// - Parameters:
  ///   - input: u, (B, H).
  ///   - state: The running state of the B sequences, advanced in place.
  /// - Returns: y, (B, c·H) with y[b, c·H + h] = 2·Re(C_c·x_h) (for c = 1 simply (B, H));
  ///   the D·u skip term is not included.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  public func step(_ input: Tensor<Scalar>, state: inout State) -> Tensor<Scalar> {
    let batch = state.batchSize
    precondition(
      input.shape == [batch, channels],
      "SSMRecurrence.step: expected an input of shape [\(batch), \(channels)] for this state, got \(input.shape)")
    var output = Tensor<Scalar>(zeros: [batch, outputChannels * channels])
    let (h, c, r, p) = (channels, outputChannels, rank, paddedHalf)
    state.storage.withUnsafeMutableBufferPointer { storage in
      let x = storage.baseAddress!
      coefficients.withUnsafeBufferPointer { coefficients in
        contractionCoefficients.withUnsafeBufferPointer { scalars in
          input.withUnsafeBufferPointer { u in
            output.withUnsafeMutableBufferPointer { y in
              let (coefficients, u, y) = (coefficients.baseAddress!, u.baseAddress!, y.baseAddress!)
              let beta = scalars.baseAddress
              // One item is one (sequence, channel); a chunk must outweigh waking a thread.
              Parallel.forEachChunk(of: batch * h, minimumChunk: 512) { items in
                let (begin, end) = (items.lowerBound, items.upperBound)
                if Scalar.self == Float.self {
                  s4rec_step_f32(
                    asFloat(coefficients), beta.map { asFloat($0) }, asFloat(x),
                    asFloat(u), asFloat(y), begin, end, h, c, r, p)
                } else {
                  s4rec_step_f64(
                    asDouble(coefficients), beta.map { asDouble($0) }, asDouble(x),
                    asDouble(u), asDouble(y), begin, end, h, c, r, p)
                }
              }
            }
          }
        }
      }
    }
    return output
  }
}
