extension SSMRecurrence {
  /// Advances every sequence of the batch by one input and returns the new outputs.
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
    let (h, rowStride, stateStride, rowCount) = (channels, 2 * paddedHalf, stateStride, layout.count)
    state.storage.withUnsafeMutableBufferPointer { storage in
      let x = storage.baseAddress!
      coefficients.withUnsafeBufferPointer { coefficients in
        contractionCoefficients.withUnsafeBufferPointer { scalars in
          input.withUnsafeBufferPointer { u in
            output.withUnsafeMutableBufferPointer { y in
              let (coefficients, u, y) = (coefficients.baseAddress!, u.baseAddress!, y.baseAddress!)
              let scalars = scalars.baseAddress
              // One item is one (sequence, channel); a chunk must outweigh waking a thread.
              Parallel.forEachChunk(of: batch * h, minimumChunk: 512) { items in
                let workspace = UnsafeMutablePointer<Scalar>.allocate(capacity: max(rank, 1))
                let accumulators = UnsafeMutablePointer<KernelLanes<Scalar>>.allocate(capacity: max(rank, 1))
                defer {
                  workspace.deallocate()
                  accumulators.deallocate()
                }
                var (sequence, channel) = items.lowerBound.quotientAndRemainder(dividingBy: h)
                for item in items {
                  let rows = coefficients + channel * rowCount * rowStride
                  let outputs = y + sequence * outputChannels * h + channel
                  if rank == 0 {
                    diagonalStep(rows: rows, state: x + item * stateStride, input: u[item], outputs: outputs)
                  } else {
                    lowRankStep(
                      rows: rows, inputCoefficients: scalars! + channel * rank, state: x + item * stateStride,
                      input: u[item], outputs: outputs, sums: workspace, accumulators: accumulators)
                  }
                  channel += 1
                  if channel == h { (sequence, channel) = (sequence + 1, 0) }
                }
              }
            }
          }
        }
      }
    }
    return output
  }

  /// x ← Ā∘x + B̄·u, y_c = 2·Re(C_c·x) for one (sequence, channel).
  @inline(__always)
  private func diagonalStep(
    rows: UnsafePointer<Scalar>, state x: UnsafeMutablePointer<Scalar>, input u: Scalar,
    outputs: UnsafeMutablePointer<Scalar>
  ) {
    let p = paddedHalf
    let row = { (index: Int) in rows + index * 2 * p }
    // Each accumulator takes one addition per iteration (real and imaginary products are
    // summed apart), so the loop is not bound by the latency of a chain of additions.
    var (first, firstImaginary) = (KernelLanes<Scalar>(), KernelLanes<Scalar>())
    for n in Swift.stride(from: 0, to: p, by: KernelLanes<Scalar>.laneCount) {
      let xr = KernelLaneMemory.load(x, n)
      let xi = KernelLaneMemory.load(x, p + n)
      let ar = KernelLaneMemory.load(row(0), n)
      let ai = KernelLaneMemory.load(row(0), p + n)
      let newReal = ar * xr - ai * xi + KernelLaneMemory.load(row(1), n) * u
      let newImaginary = ar * xi + ai * xr + KernelLaneMemory.load(row(1), p + n) * u
      KernelLaneMemory.store(newReal, x, n)
      KernelLaneMemory.store(newImaginary, x, p + n)
      let c = row(layout.firstOutput)
      first += KernelLaneMemory.load(c, n) * newReal
      firstImaginary += KernelLaneMemory.load(c, p + n) * newImaginary
    }
    outputs[0] = 2 * (first - firstImaginary).sum()
    if outputChannels == 2 { outputs[channels] = readOut(row(layout.firstOutput + 1), from: x) }
  }

  /// The O(N) Woodbury step in one pass (type documentation) for one (sequence, channel).
  ///
  /// - Parameters:
  ///   - inputCoefficients: β (R) of the channel.
  ///   - state: The coordinates, then ζ (R) of the current state.
  ///   - sums: Scratch for σ = ζ + β·u (R).
  ///   - accumulators: Scratch lanes for the new ζ of ranks ≥ 2 (R).
  @inline(__always)
  private func lowRankStep(
    rows: UnsafePointer<Scalar>, inputCoefficients beta: UnsafePointer<Scalar>,
    state x: UnsafeMutablePointer<Scalar>, input u: Scalar, outputs: UnsafeMutablePointer<Scalar>,
    sums sigma: UnsafeMutablePointer<Scalar>, accumulators: UnsafeMutablePointer<KernelLanes<Scalar>>
  ) {
    let p = paddedHalf
    let zeta = x + 2 * p
    for r in 0..<rank {
      sigma[r] = zeta[r] + beta[r] * u
      accumulators[r] = KernelLanes<Scalar>()
    }
    let row = { (index: Int) in rows + index * 2 * p }
    let (z0, dp0, sigma0) = (row(layout.contraction(0)), row(layout.scaledLowRank(0)), sigma[0])
    // Real and imaginary products go to separate accumulators (one addition per iteration each).
    var (zeta0, zeta0Imaginary) = (KernelLanes<Scalar>(), KernelLanes<Scalar>())
    var (first, firstImaginary) = (KernelLanes<Scalar>(), KernelLanes<Scalar>())
    for n in Swift.stride(from: 0, to: p, by: KernelLanes<Scalar>.laneCount) {
      // x ← (D∘E)∘x + 2(D∘B)·u − Σ_r (D∘P)_r·σ_r.
      let xr = KernelLaneMemory.load(x, n)
      let xi = KernelLaneMemory.load(x, p + n)
      let fr = KernelLaneMemory.load(row(0), n)
      let fi = KernelLaneMemory.load(row(0), p + n)
      var real = fr * xr - fi * xi + KernelLaneMemory.load(row(1), n) * u
      var imaginary = fr * xi + fi * xr + KernelLaneMemory.load(row(1), p + n) * u
      real -= KernelLaneMemory.load(dp0, n) * sigma0
      imaginary -= KernelLaneMemory.load(dp0, p + n) * sigma0
      for r in 1..<rank where rank > 1 {
        let dp = row(layout.scaledLowRank(r))
        real -= KernelLaneMemory.load(dp, n) * sigma[r]
        imaginary -= KernelLaneMemory.load(dp, p + n) * sigma[r]
      }
      KernelLaneMemory.store(real, x, n)
      KernelLaneMemory.store(imaginary, x, p + n)
      // y = 2·Re(C_1·x) and ζ_r = 2·Re(Z_r·x) of the new state.
      let c = row(layout.firstOutput)
      first += KernelLaneMemory.load(c, n) * real
      firstImaginary += KernelLaneMemory.load(c, p + n) * imaginary
      zeta0 += KernelLaneMemory.load(z0, n) * real
      zeta0Imaginary += KernelLaneMemory.load(z0, p + n) * imaginary
      for r in 1..<rank where rank > 1 {
        let zRow = row(layout.contraction(r))
        accumulators[r] += KernelLaneMemory.load(zRow, n) * real
        accumulators[r] -= KernelLaneMemory.load(zRow, p + n) * imaginary
      }
    }
    zeta[0] = 2 * (zeta0 - zeta0Imaginary).sum()
    for r in 1..<rank where rank > 1 { zeta[r] = 2 * accumulators[r].sum() }
    outputs[0] = 2 * (first - firstImaginary).sum()
    if outputChannels == 2 { outputs[channels] = readOut(row(layout.firstOutput + 1), from: x) }
  }

  /// 2·Re(C·x) for a second output row, in its own pass so that the main loop keeps fewer
  /// accumulators live (registers are scarce in a baseline SSE build).
  @inline(__always)
  private func readOut(_ c: UnsafePointer<Scalar>, from x: UnsafeMutablePointer<Scalar>) -> Scalar {
    let p = paddedHalf
    var (real, imaginary) = (KernelLanes<Scalar>(), KernelLanes<Scalar>())
    for n in Swift.stride(from: 0, to: p, by: KernelLanes<Scalar>.laneCount) {
      real += KernelLaneMemory.load(c, n) * KernelLaneMemory.load(x, n)
      imaginary += KernelLaneMemory.load(c, p + n) * KernelLaneMemory.load(x, p + n)
    }
    return 2 * (real - imaginary).sum()
  }
}
