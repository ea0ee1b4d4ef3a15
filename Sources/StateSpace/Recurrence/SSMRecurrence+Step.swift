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
    let scalarStride = rank * rank + rank
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
                let accumulators = UnsafeMutablePointer<KernelLanes<Scalar>>.allocate(capacity: max(2 * rank, 1))
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
                      rows: rows, contraction: scalars! + channel * scalarStride, state: x + item * stateStride,
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

  /// The O(N) Woodbury step in one pass (type documentation) for one (sequence, channel).
  ///
  /// - Parameters:
  ///   - contraction: α (R×R) then β (R) of the channel.
  ///   - state: The coordinates, then s (R) and q (R) of the current state.
  ///   - sums: Scratch for σ = s + t (R).
  ///   - accumulators: Scratch lanes for the new s and q of ranks ≥ 2 (2R).
  @inline(__always)
  private func lowRankStep(
    rows: UnsafePointer<Scalar>, contraction: UnsafePointer<Scalar>,
    state x: UnsafeMutablePointer<Scalar>, input u: Scalar, outputs: UnsafeMutablePointer<Scalar>,
    sums sigma: UnsafeMutablePointer<Scalar>, accumulators: UnsafeMutablePointer<KernelLanes<Scalar>>
  ) {
    let p = paddedHalf
    let s = x + 2 * p
    let q = s + rank
    // σ_r = s_r + t_r with t_r = q_r + Σ_k α_rk·s_k + β_r·u.
    for r in 0..<rank {
      var t = q[r] + contraction[rank * rank + r] * u
      for k in 0..<rank { t += contraction[r * rank + k] * s[k] }
      sigma[r] = s[r] + t
    }
    for r in 1..<max(rank, 1) {
      accumulators[2 * r] = KernelLanes<Scalar>()
      accumulators[2 * r + 1] = KernelLanes<Scalar>()
    }
    let row = { (index: Int) in rows + index * 2 * p }
    let (p0, v0, dp0, sigma0) = (row(layout.lowRank(0)), row(layout.woodbury(0)), row(layout.scaledLowRank(0)), sigma[0])
    var (s0, q0) = (KernelLanes<Scalar>(), KernelLanes<Scalar>())
    var first = KernelLanes<Scalar>()
    var second = KernelLanes<Scalar>()
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
      for r in 1..<max(rank, 1) {
        let dp = row(layout.scaledLowRank(r))
        real -= KernelLaneMemory.load(dp, n) * sigma[r]
        imaginary -= KernelLaneMemory.load(dp, p + n) * sigma[r]
      }
      KernelLaneMemory.store(real, x, n)
      KernelLaneMemory.store(imaginary, x, p + n)
      // y_c = 2·Re(C_c·x), s_r = 2·Re(P̄_r·x), q_r = 2·Re((W∘E)_r·x) of the new state.
      let c = row(layout.firstOutput)
      first += KernelLaneMemory.load(c, n) * real
      first -= KernelLaneMemory.load(c, p + n) * imaginary
      if outputChannels == 2 {
        let c2 = row(layout.firstOutput + 1)
        second += KernelLaneMemory.load(c2, n) * real
        second -= KernelLaneMemory.load(c2, p + n) * imaginary
      }
      s0 += KernelLaneMemory.load(p0, n) * real
      s0 += KernelLaneMemory.load(p0, p + n) * imaginary
      q0 += KernelLaneMemory.load(v0, n) * real
      q0 -= KernelLaneMemory.load(v0, p + n) * imaginary
      for r in 1..<max(rank, 1) {
        let pRow = row(layout.lowRank(r))
        let vRow = row(layout.woodbury(r))
        accumulators[2 * r] += KernelLaneMemory.load(pRow, n) * real
        accumulators[2 * r] += KernelLaneMemory.load(pRow, p + n) * imaginary
        accumulators[2 * r + 1] += KernelLaneMemory.load(vRow, n) * real
        accumulators[2 * r + 1] -= KernelLaneMemory.load(vRow, p + n) * imaginary
      }
    }
    s[0] = 2 * s0.sum()
    q[0] = 2 * q0.sum()
    for r in 1..<max(rank, 1) {
      s[r] = 2 * accumulators[2 * r].sum()
      q[r] = 2 * accumulators[2 * r + 1].sum()
    }
    outputs[0] = 2 * first.sum()
    if outputChannels == 2 { outputs[channels] = 2 * second.sum() }
  }
}
