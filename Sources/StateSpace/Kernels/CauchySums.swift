/// The conjugate-symmetric Cauchy sums of one channel, vectorised over nodes (``KernelLanes``).
///
/// For each sum j and node z = i·s (``CauchyNodes``) the kernel needs
///
///     r_j(z) = Σ_n [ v_n/(z − w_n) + v̄_n/(z − w̄_n) ]
///
/// (the full state is each stored pair and its conjugate). With w = −α + i·β the two
/// denominators are d₁ = α + i·(s − β) and d₂ = α + i·(s + β), and the pair combines into
///
///     v/d₁ + v̄/d₂ = (v·d₂ + v̄·d₁)/(d₁·d₂) = (p + i·s·q)/D,
///     p = −2·Re(v·w̄),  q = 2·Re v,  D = d₁·d₂ = α² − (s − β)(s + β) + 2i·α·s.
///
/// p and q are real per state, so with 1/D = x + i·y each sum costs four real multiply-adds
/// per (node, state): Re += p·x − q·(s·y), Im += p·y + q·(s·x); the one division per
/// (node, state) is shared by every sum. (s − β)(s + β) is formed from the differences rather
/// than as s² − β², which keeps D accurate near a resonance s ≈ β.
///
/// The accumulators of up to four sums live in registers while the loop runs over the states
/// (no O(N·L) buffer); sums are processed in groups of four and two.
enum CauchySums {
  /// r_j(z_k) for every sum j and node k.
  ///
  /// - Parameters:
  ///   - nodes: s_k, `paddedCount` values (a multiple of the lane count).
  ///   - constants: Per state: α, α², 2α, β, then (p_j, q_j) for every sum
  ///     (``DPLRChannelTerms/forwardConstants(as:)``).
  ///   - half: N/2, the number of states.
  ///   - sumCount: The number of sums.
  ///   - planes: Output, (sumCount, 2, paddedCount): real then imaginary plane of each sum.
  @specialized(where Scalar == Float)
  @specialized(where Scalar == Double)
  static func evaluate<Scalar: SSMScalar>(
    nodes: UnsafePointer<Scalar>, paddedCount: Int, constants: UnsafePointer<Scalar>,
    half: Int, sumCount: Int, into planes: UnsafeMutablePointer<Scalar>
  ) {
    // Every per-state constant repeated across the lanes, aligned, so that the inner loop
    // reads each as one vector (a memory operand) instead of loading and broadcasting it.
    let lanes = KernelLanes<Scalar>.laneCount
    let count = half * (4 + 2 * sumCount)
    let broadcast = UnsafeMutableRawPointer.allocate(
      byteCount: count * lanes * MemoryLayout<Scalar>.stride, alignment: 64
    ).bindMemory(to: Scalar.self, capacity: count * lanes)
    defer { broadcast.deallocate() }
    for index in 0..<count {
      KernelLanes<Scalar>(repeating: constants[index]).store(to: broadcast + index * lanes)
    }
    var first = 0
    while first < sumCount {
      let remaining = sumCount - first
      if remaining >= 4 {
        accumulateGroup(
          ofFour: true, sums: (first, first + 1, first + 2, first + 3), nodes: nodes,
          paddedCount: paddedCount, constants: broadcast, half: half, sumCount: sumCount,
          into: planes)
        first += 4
      } else {
        // A lone last sum is computed twice into the same plane.
        accumulateGroup(
          ofFour: false, sums: (first, min(first + 1, sumCount - 1), 0, 0), nodes: nodes,
          paddedCount: paddedCount, constants: broadcast, half: half, sumCount: sumCount,
          into: planes)
        first += 2
      }
    }
  }

  @inline(__always)
  private static func accumulateGroup<Scalar: SSMScalar>(
    ofFour: Bool, sums: (Int, Int, Int, Int), nodes: UnsafePointer<Scalar>, paddedCount: Int,
    constants: UnsafeMutablePointer<Scalar>, half: Int, sumCount: Int,
    into planes: UnsafeMutablePointer<Scalar>
  ) {
    typealias Lanes = KernelLanes<Scalar>
    let width = Lanes.laneCount
    let stride = (4 + 2 * sumCount) * width
    // The broadcast constant `index` of the current state.
    func constant(_ c: UnsafeMutablePointer<Scalar>, _ index: Int) -> Lanes {
      Lanes(loadingAligned: c + index &* width)
    }
    let (p0, p1, p2, p3) = (4 + 2 * sums.0, 4 + 2 * sums.1, 4 + 2 * sums.2, 4 + 2 * sums.3)
    for kStart in Swift.stride(from: 0, to: paddedCount, by: Lanes.laneCount) {
      let s = KernelLaneMemory.load(nodes, kStart)
      var (re0, im0, re1, im1) = (Lanes(), Lanes(), Lanes(), Lanes())
      var (re2, im2, re3, im3) = (Lanes(), Lanes(), Lanes(), Lanes())
      var c = constants
      for _ in 0..<half {
        let t1 = s - constant(c, 3)
        let t2 = s + constant(c, 3)
        let dReal = constant(c, 1) - t1 * t2
        let dImaginary = constant(c, 2) * s
        let inverse = 1 / (dReal * dReal + dImaginary * dImaginary)
        let x = dReal * inverse
        let y = -(dImaginary * inverse)
        let sx = s * x
        let sy = s * y
        // One product per statement: `a += p·x − q·y` in a single expression sends LLVM's
        // complex-arithmetic pattern matching into shuffles and scalar code on SSE.
        re0 += constant(c, p0) * x
        re0 -= constant(c, p0 + 1) * sy
        im0 += constant(c, p0) * y
        im0 += constant(c, p0 + 1) * sx
        re1 += constant(c, p1) * x
        re1 -= constant(c, p1 + 1) * sy
        im1 += constant(c, p1) * y
        im1 += constant(c, p1 + 1) * sx
        if ofFour {
          re2 += constant(c, p2) * x
          re2 -= constant(c, p2 + 1) * sy
          im2 += constant(c, p2) * y
          im2 += constant(c, p2 + 1) * sx
          re3 += constant(c, p3) * x
          re3 -= constant(c, p3 + 1) * sy
          im3 += constant(c, p3) * y
          im3 += constant(c, p3 + 1) * sx
        }
        c += stride
      }
      KernelLaneMemory.store(re0, planes, (2 * sums.0) * paddedCount + kStart)
      KernelLaneMemory.store(im0, planes, (2 * sums.0 + 1) * paddedCount + kStart)
      KernelLaneMemory.store(re1, planes, (2 * sums.1) * paddedCount + kStart)
      KernelLaneMemory.store(im1, planes, (2 * sums.1 + 1) * paddedCount + kStart)
      if ofFour {
        KernelLaneMemory.store(re2, planes, (2 * sums.2) * paddedCount + kStart)
        KernelLaneMemory.store(im2, planes, (2 * sums.2 + 1) * paddedCount + kStart)
        KernelLaneMemory.store(re3, planes, (2 * sums.3) * paddedCount + kStart)
        KernelLaneMemory.store(im3, planes, (2 * sums.3 + 1) * paddedCount + kStart)
      }
    }
  }
}
