import Numerics
import StateSpace
import Testing
import _TestSupport

@Suite("HiPPO matrices and their DPLR form")
struct HiPPOTests {
  /// LegS built the reference's way, A = T·M·T⁻¹ with M = −(tril(r_col) − diag(q)),
  /// T = diag(√(2q+1)), r = 2q+1: an independent route to paper eq. (2).
  @Test func legendreScaledMatchesTheSimilarityConstruction() {
    let n = 7
    let matrices = HiPPOMeasure.legendreScaled.matrices(stateSize: n)
    for row in 0..<n {
      for column in 0..<n {
        let m = (row >= column ? -Double(2 * column + 1) : 0) + (row == column ? Double(row) : 0)
        let expected = Double(2 * row + 1).squareRoot() * m / Double(2 * column + 1).squareRoot()
        #expect(abs(matrices.transition[row, column] - expected) < 1e-12)
      }
      #expect(abs(matrices.input[row] - Double(2 * row + 1).squareRoot()) < 1e-12)
    }
  }

  @Test(arguments: HiPPOMeasure.allCases, [4, 8, 64])
  func normalPartIsShiftedSkewSymmetric(measure: HiPPOMeasure, n: Int) {
    let s = measure.matrices(stateSize: n).normalPart
    let shift = measure == .legendreScaled ? -0.5 : 0
    var worst = 0.0
    for row in 0..<n {
      for column in 0..<n {
        let symmetric = 0.5 * (s[row, column] + s[column, row])
        worst = max(worst, abs(symmetric - (row == column ? shift : 0)))
      }
    }
    #expect(worst < 1e-12)
  }

  @Test(arguments: HiPPOMeasure.allCases, [4, 8, 64])
  func decompositionReconstructsTheNormalPart(measure: HiPPOMeasure, n: Int) throws {
    let matrices = measure.matrices(stateSize: n)
    let dplr = try DPLRDecomposition(matrices)
    let half = n / 2
    let v = dplr.eigenvectors
    let lambda = dplr.eigenvalues
    // 2·Re(V·diag(Λ)·Vᴴ) = A + P·Pᵀ.
    let s = matrices.normalPart
    var reconstructed = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n {
        var sum = Complex<Double>.zero
        for k in 0..<half { sum += v[i, k] * lambda[k] * v[j, k].conjugate }
        reconstructed[i * n + j] = 2 * sum.real
      }
    }
    #expect(relativeError(reconstructed, reference: s.scalars) < 1e-10)
    let expectedReal = measure == .legendreScaled ? -0.5 : 0
    for k in 0..<half {
      #expect(abs(lambda[k].real - expectedReal) < 1e-10)
      #expect(lambda[k].imaginary <= 1e-9)
      if k > 0 { #expect(lambda[k - 1].imaginary <= lambda[k].imaginary) }
    }
    // The kept vectors and their conjugates form an orthonormal basis of ℂᴺ.
    for a in 0..<half {
      for b in 0..<half {
        var inner = Complex<Double>.zero  // ⟨v_a, v_b⟩
        var conjugateInner = Complex<Double>.zero  // ⟨v̄_a, v_b⟩
        for i in 0..<n {
          inner += v[i, a].conjugate * v[i, b]
          conjugateInner += v[i, a] * v[i, b]
        }
        #expect((inner - (a == b ? .one : .zero)).length < 1e-10)
        #expect(conjugateInner.length < 1e-10)
      }
    }
    // P = 2·Re(V·P′) and B = 2·Re(V·B′): the rotations are Vᴴ·P and Vᴴ·B.
    for r in 0..<measure.rank {
      let rebuilt = (0..<n).map { i in
        2 * (0..<half).reduce(Complex<Double>.zero) { $0 + v[i, $1] * dplr.lowRank[r, $1] }.real
      }
      #expect(maxAbsoluteError(rebuilt, Array(matrices.lowRank.scalars[(r * n)..<((r + 1) * n)])) < 1e-10)
    }
    let rebuiltInput = (0..<n).map { i in
      2 * (0..<half).reduce(Complex<Double>.zero) { $0 + v[i, $1] * dplr.input[$1] }.real
    }
    #expect(maxAbsoluteError(rebuiltInput, matrices.input.scalars) < 1e-10)
  }

  @Test func legendreScaledEigenvaluesMatchAnIndependentComputation() throws {
    // Values from the reference digest's independent numpy computation (S4-REFERENCE.md §1.4).
    let dplr = try DPLRDecomposition(HiPPOMeasure.legendreScaled.matrices(stateSize: 4))
    #expect(abs(dplr.eigenvalues[0].imaginary + 4.603293) < 1e-6)
    #expect(abs(dplr.eigenvalues[1].imaginary + 0.556501) < 1e-6)
    let magnitudes = (0..<2).map { dplr.lowRank[0, $0].lengthSquared }
    #expect(abs(magnitudes[0] - 3.532522) < 1e-6 && abs(magnitudes[1] - 0.467478) < 1e-6)
  }

  @Test(arguments: HiPPOMeasure.allCases)
  func phasesArePinned(measure: HiPPOMeasure) throws {
    let dplr = try DPLRDecomposition(measure.matrices(stateSize: 16))
    for k in 0..<8 {
      #expect(abs(dplr.lowRank[0, k].imaginary) < 1e-12 && dplr.lowRank[0, k].real > 0)
    }
    if measure == .legendreScaled {
      // B = √2·P for LegS, so B′ is real too and the clip has nothing to clip.
      let clipped = try DPLRDecomposition(measure.matrices(stateSize: 16), inputClip: 2)
      for k in 0..<8 {
        #expect((dplr.input[k] - Complex(2.0.squareRoot()) * dplr.lowRank[0, k]).length < 1e-10)
        #expect(clipped.input[k] == dplr.input[k])
      }
    }
  }

  @Test func outputRowMapsThroughTheTranspose() throws {
    let n = 8
    let dplr = try DPLRDecomposition(HiPPOMeasure.legendreScaled.matrices(stateSize: n))
    var generator = SeededGenerator(seed: 5)
    let c = Tensor<Double>.randomNormal(shape: [n], using: &generator)
    let x = Tensor<Double>.randomNormal(shape: [n], using: &generator)
    let projected = dplr.outputInEigenbasis(c)
    // cᵀ·x = 2·Re(C′·x̃) with x̃ = Vᴴ·x.
    var viaEigenbasis = Complex<Double>.zero
    for k in 0..<(n / 2) {
      let coordinate = (0..<n).reduce(Complex<Double>.zero) {
        $0 + dplr.eigenvectors[$1, k].conjugate * Complex(x[$1])
      }
      viaEigenbasis += projected[k] * coordinate
    }
    let direct = (0..<n).reduce(0.0) { $0 + c[$1] * x[$1] }
    #expect(abs(2 * viaEigenbasis.real - direct) < 1e-10)
  }

  @Test func oddStateSizeIsRejected() async {
    await #expect(processExitsWith: .failure) {
      _ = try DPLRDecomposition(HiPPOMeasure.legendreScaled.matrices(stateSize: 7))
    }
    await #expect(processExitsWith: .failure) {
      _ = SSMConfiguration(channels: 4, stateSize: 63, kernelLength: 16)
    }
  }
}
