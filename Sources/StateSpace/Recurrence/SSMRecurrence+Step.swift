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
        input.withUnsafeBufferPointer { u in
          output.withUnsafeMutableBufferPointer { y in
            let (coefficients, u, y) = (coefficients.baseAddress!, u.baseAddress!, y.baseAddress!)
            // One item is one (sequence, channel); a chunk must outweigh waking a thread.
            Parallel.forEachChunk(of: batch * h, minimumChunk: 512) { items in
              let accumulators = UnsafeMutablePointer<KernelLanes<Scalar>>.allocate(capacity: max(rank, 1))
              defer { accumulators.deallocate() }
              var (sequence, channel) = items.lowerBound.quotientAndRemainder(dividingBy: h)
              for item in items {
                let rows = coefficients + channel * rowCount * rowStride
                let coordinates = x + item * stateStride
                let outputs = y + sequence * outputChannels * h + channel
                if rank == 0 {
                  diagonalStep(rows: rows, state: coordinates, input: u[item], outputs: outputs)
                } else {
                  lowRankStep(
                    rows: rows, state: coordinates, input: u[item], outputs: outputs,
                    accumulators: accumulators)
                }
                channel += 1
                if channel == h { (sequence, channel) = (sequence + 1, 0) }
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
    var first = KernelLanes<Scalar>()
    var second = KernelLanes<Scalar>()
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
      first -= KernelLaneMemory.load(c, p + n) * newImaginary
      if outputChannels == 2 {
        let c2 = row(layout.firstOutput + 1)
        second += KernelLaneMemory.load(c2, n) * newReal
        second -= KernelLaneMemory.load(c2, p + n) * newImaginary
      }
    }
    outputs[0] = 2 * first.sum()
    if outputChannels == 2 { outputs[channels] = 2 * second.sum() }
  }

  /// The O(N) Woodbury step (type documentation) for one (sequence, channel), in two passes
  /// over the coordinates. The contractions s_r = 2·Re(P̄_r·x) of the new state are formed
  /// while it is written and kept after the coordinates for the next step.
  @inline(__always)
  private func lowRankStep(
    rows: UnsafePointer<Scalar>, state x: UnsafeMutablePointer<Scalar>, input u: Scalar,
    outputs: UnsafeMutablePointer<Scalar>, accumulators: UnsafeMutablePointer<KernelLanes<Scalar>>
  ) {
    let p = paddedHalf
    let contraction = x + 2 * p
    let row = { (index: Int) in rows + index * 2 * p }
    // x′ = E∘x − Σ_r P_r·s_r + 2B·u (in place) and t_r = 2·Re(W_r·x′).
    for r in 0..<rank { accumulators[r] = KernelLanes<Scalar>() }
    for n in Swift.stride(from: 0, to: p, by: KernelLanes<Scalar>.laneCount) {
      let xr = KernelLaneMemory.load(x, n)
      let xi = KernelLaneMemory.load(x, p + n)
      let er = KernelLaneMemory.load(row(0), n)
      let ei = KernelLaneMemory.load(row(0), p + n)
      var real = er * xr - ei * xi + KernelLaneMemory.load(row(1), n) * u
      var imaginary = er * xi + ei * xr + KernelLaneMemory.load(row(1), p + n) * u
      for r in 0..<rank {
        let pRow = row(layout.lowRank(r))
        real -= KernelLaneMemory.load(pRow, n) * contraction[r]
        imaginary -= KernelLaneMemory.load(pRow, p + n) * contraction[r]
      }
      KernelLaneMemory.store(real, x, n)
      KernelLaneMemory.store(imaginary, x, p + n)
      for r in 0..<rank {
        let wRow = row(layout.woodbury(r))
        accumulators[r] += KernelLaneMemory.load(wRow, n) * real
        accumulators[r] -= KernelLaneMemory.load(wRow, p + n) * imaginary
      }
    }
    for r in 0..<rank {
      contraction[r] = 2 * accumulators[r].sum()
      accumulators[r] = KernelLanes<Scalar>()
    }
    // x ← D∘x′ − Σ_r (D∘P)_r·t_r, y_c = 2·Re(C_c·x), s_r = 2·Re(P̄_r·x).
    var first = KernelLanes<Scalar>()
    var second = KernelLanes<Scalar>()
    for n in Swift.stride(from: 0, to: p, by: KernelLanes<Scalar>.laneCount) {
      let xr = KernelLaneMemory.load(x, n)
      let xi = KernelLaneMemory.load(x, p + n)
      let dr = KernelLaneMemory.load(row(2), n)
      let di = KernelLaneMemory.load(row(2), p + n)
      var real = dr * xr - di * xi
      var imaginary = dr * xi + di * xr
      for r in 0..<rank {
        let dpRow = row(layout.scaledLowRank(r))
        real -= KernelLaneMemory.load(dpRow, n) * contraction[r]
        imaginary -= KernelLaneMemory.load(dpRow, p + n) * contraction[r]
      }
      KernelLaneMemory.store(real, x, n)
      KernelLaneMemory.store(imaginary, x, p + n)
      let c = row(layout.firstOutput)
      first += KernelLaneMemory.load(c, n) * real
      first -= KernelLaneMemory.load(c, p + n) * imaginary
      if outputChannels == 2 {
        let c2 = row(layout.firstOutput + 1)
        second += KernelLaneMemory.load(c2, n) * real
        second -= KernelLaneMemory.load(c2, p + n) * imaginary
      }
      for r in 0..<rank {
        let pRow = row(layout.lowRank(r))
        accumulators[r] += KernelLaneMemory.load(pRow, n) * real
        accumulators[r] += KernelLaneMemory.load(pRow, p + n) * imaginary
      }
    }
    for r in 0..<rank { contraction[r] = 2 * accumulators[r].sum() }
    outputs[0] = 2 * first.sum()
    if outputChannels == 2 { outputs[channels] = 2 * second.sum() }
  }
}
