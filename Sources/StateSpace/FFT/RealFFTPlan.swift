import ComplexModule
import RealModule

/// The tables of a real FFT of length n = 2M, and the batched transforms.
///
/// A real transform of length n is one complex transform of length M of
/// z_m = x_{2m} + i·x_{2m+1}: with A and B the spectra of the even and odd samples,
/// Z_k = A_k + i·B_k and X_k = A_k + W^k·B_k (W = e^{−2πi/n}), where
/// A_k = (Z_k + conj Z_{M−k})/2 and B_k = (Z_k − conj Z_{M−k})/(2i); the inverse solves the
/// same relations for Z.
///
/// Rows are taken a block of ``lanes`` (16 or 8 `Float`, 8 `Double`) at a time: transposed
/// into the blocked layout (sample t of every row in one vector), transformed with lane-wise
/// butterflies (in place, bit-reversed output), and transposed back while the post-processing
/// reads the bit-reversed spectrum, all in one C call per block. From n = 4096 the 16-lane
/// forward split writes its output in whole cache lines with streaming stores: with AVX-512,
/// each line is formed by one permute of two consecutive vectors of a row; elsewhere, groups
/// of 32 bins per row go through a small stage, each streamed out while the next group is
/// computed. The inverse copies its rows into a stage first, so that the `lanes` row streams
/// do not evict the block's working buffer, and with AVX-512 writes its rows out in whole
/// lines formed by permutes, with streaming stores. The workers claim blocks from a shared
/// counter, so that one that starts late or loses its CPU for a while does not hold back the
/// call.
struct RealFFTPlan<Scalar: FFTScalar>: Sendable {
  /// n.
  let length: Int
  /// The passes of the complex transform of length M.
  let twiddles: FFTTwiddles<Scalar>
  /// W_n^k/2 for k ≤ M/2: X_k = A_k + W^k·B_k in the forward split.
  let splitRoots: SharedScalars<Scalar>
  /// conj W_n^k/n for k ≤ M/2: the inverse merge, with irfft's 1/n and the 1/M of the
  /// unscaled inverse of length M folded in (scale 1/M times ½).
  let mergeRoots: SharedScalars<Scalar>
  /// Rows per block, the width of the C loops that run it.
  let lanes: Int
  /// Whether the 16-lane loops may form their output lines with AVX-512 permutes (true but
  /// in tests of the portable paths).
  let permutedLines: Bool

  init(length: Int, lanes: Int, permutedLines: Bool = true) {
    precondition(FFTKernels.supportedLanes(Scalar.self).contains(lanes), "RealFFTPlan: no \(lanes)-lane loops")
    self.length = length
    self.lanes = lanes
    self.permutedLines = permutedLines
    let half = length / 2
    twiddles = FFTTwiddles(size: half)
    splitRoots = FFTRoots.table(Scalar.self, n: length, count: half / 2 + 1, factor: 0.5, conjugate: false)
    mergeRoots = FFTRoots.table(
      Scalar.self, n: length, count: half / 2 + 1, factor: 1 / Double(length), conjugate: true)
  }

  /// Blocks per claim: enough samples that a claim pays for its atomic counter and a worker
  /// for waking its thread.
  private var minimumBlocks: Int {
    max(1, 1 << 16 / (lanes * length))
  }

  /// Half spectra of `rows` real rows: n reals in, n/2 + 1 complex out per row.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func forward(rows: Int, signals: UnsafePointer<Scalar>, spectra: UnsafeMutablePointer<Complex<Scalar>>) {
    let (n, half) = (length, length / 2)
    let blocks = (rows + lanes - 1) / lanes
    let shared = UncheckedSendable((signals, UnsafeMutableRawPointer(spectra).assumingMemoryBound(to: Scalar.self)))
    Parallel.forEachClaimed(of: blocks, grain: minimumBlocks) { claimed in
      let (signals, spectra) = shared.value
      let z = ScratchBuffer<Scalar>(count: FFTKernels.realForwardScratchCount(half: half, lanes: lanes))
      withUnsafeTemporaryAllocation(of: UnsafePointer<Scalar>?.self, capacity: lanes) { inputs in
        withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<Scalar>?.self, capacity: lanes) { outputs in
          for block in claimed {
            let rowCount = min(lanes, rows - block * lanes)
            for lane in 0..<rowCount {
              let row = block * lanes + lane
              inputs[lane] = signals + row * n
              outputs[lane] = spectra + row * 2 * (half + 1)
            }
            FFTKernels.realForward(
              rows: inputs.baseAddress!, rowCount: rowCount, half: half, twiddles: twiddles.pointer,
              roots: splitRoots.pointer, scratch: z.pointer, spectra: outputs.baseAddress!, lanes: lanes,
              permutedLines: permutedLines)
          }
        }
      }
    }
  }

  /// Real rows from `rows` half spectra, scaled by 1/n: n/2 + 1 complex in, n reals out.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  func inverse(rows: Int, spectra: UnsafePointer<Complex<Scalar>>, signals: UnsafeMutablePointer<Scalar>) {
    let (n, half) = (length, length / 2)
    let blocks = (rows + lanes - 1) / lanes
    let shared = UncheckedSendable((UnsafeRawPointer(spectra).assumingMemoryBound(to: Scalar.self), signals))
    Parallel.forEachClaimed(of: blocks, grain: minimumBlocks) { claimed in
      let (spectra, signals) = shared.value
      let z = ScratchBuffer<Scalar>(count: FFTKernels.realInverseScratchCount(half: half, lanes: lanes))
      let zeroRow = ScratchBuffer<Scalar>(count: n + 2)
      zeroRow.pointer.initialize(repeating: 0, count: n + 2)
      withUnsafeTemporaryAllocation(of: UnsafePointer<Scalar>?.self, capacity: lanes) { inputs in
        withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<Scalar>?.self, capacity: lanes) { outputs in
          for block in claimed {
            let rowCount = min(lanes, rows - block * lanes)
            for lane in 0..<rowCount {
              let row = block * lanes + lane
              inputs[lane] = spectra + row * 2 * (half + 1)
              outputs[lane] = signals + row * n
            }
            FFTKernels.realInverse(
              spectra: inputs.baseAddress!, rowCount: rowCount, zeroRow: zeroRow.pointer, half: half,
              twiddles: twiddles.pointer, roots: mergeRoots.pointer, scratch: z.pointer, rows: outputs.baseAddress!,
              lanes: lanes, permutedLines: permutedLines)
          }
        }
      }
    }
  }
}
