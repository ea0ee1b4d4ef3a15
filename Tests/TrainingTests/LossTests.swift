import Foundation
import StateSpace
import Testing
import Training
import _TestSupport

@Suite("Losses: cross-entropy, bits per character, mean squared error")
struct LossTests {
  /// −Σ_c q_c log softmax(x)_c averaged over non-ignored rows, with q the smoothed one-hot
  /// target, by the textbook formulas in Float64.
  static func naiveCrossEntropy(
    _ logits: Tensor<Double>, _ targets: [Int], smoothing: Double, ignore: Int?
  ) -> Double {
    let classes = logits.shape.last!
    var total = 0.0
    var counted = 0
    for (row, target) in targets.enumerated() where target != ignore {
      let line = Array(logits.scalars[(row * classes)..<((row + 1) * classes)])
      let normaliser = line.map { Foundation.exp($0) }.reduce(0, +)
      for c in 0..<classes {
        let q = (c == target ? 1 - smoothing : 0) + smoothing / Double(classes)
        total -= q * Foundation.log(Foundation.exp(line[c]) / normaliser)
      }
      counted += 1
    }
    return counted == 0 ? 0 : total / Double(counted)
  }

  /// Targets with a padding value −100, and the same rows with a real class there.
  static let padded = Tensor<Int>(shape: [2, 3], scalars: [0, 4, -100, 2, 2, 1])
  static let unpadded = Tensor<Int>(shape: [2, 3], scalars: [0, 4, 3, 2, 2, 1])

  @Test(arguments: [0.0, 0.1])
  func crossEntropyMatchesFormulaWithSmoothingAndIgnoreIndex(_ smoothing: Double) {
    let logits = randomTensors([[2, 3, 5]], seed: 1)[0]
    for (targets, ignore) in [(Self.padded, -100), (Self.unpadded, 2), (Self.unpadded, nil)] {
      let loss = crossEntropy(
        logits: Variable(logits), targets: targets, labelSmoothing: smoothing, ignoreIndex: ignore)
      let expected = Self.naiveCrossEntropy(logits, targets.scalars, smoothing: smoothing, ignore: ignore)
      #expect(loss.shape == [])
      #expect(abs(loss.value.scalars[0] - expected) < 1e-12, "ignore \(String(describing: ignore))")
      let error = gradientCheckError(at: [logits]) {
        crossEntropy(logits: $0[0], targets: targets, labelSmoothing: smoothing, ignoreIndex: ignore)
      }
      #expect(error < 1e-6, "relative error \(error)")
    }
  }

  /// Float runs its rows in C (NormalizationRows.c): loss and gradient against the Float64
  /// formulas, ∂x = (softmax(x) − q)/counted on counted rows and 0 on ignored ones, over enough
  /// rows to take the parallel path and with class counts that are not a multiple of the lanes.
  @Test(arguments: [(0.0, 259), (0.1, 37)])
  func floatRowsMatchFloat64Formulas(_ smoothing: Double, _ classes: Int) {
    var generator = SeededGenerator(seed: 5)
    let rows = 600
    let logits = Tensor<Double>.randomNormal(shape: [rows, classes], using: &generator)
    let targets = (0..<rows).map { $0 % 7 == 3 ? -100 : ($0 * 31) % classes }
    let tape = Tape<Float>()
    let watched = tape.watch(logits.map(Float.init))
    let loss = crossEntropy(
      logits: watched, targets: Tensor(shape: [rows], scalars: targets), labelSmoothing: smoothing,
      ignoreIndex: -100)
    let gradient = tape.gradients(of: loss)[watched]!
    let expected = Self.naiveCrossEntropy(logits, targets, smoothing: smoothing, ignore: -100)
    #expect(abs(Double(loss.value.scalars[0]) - expected) <= 1e-5 * expected)
    let counted = Double(targets.filter { $0 != -100 }.count)
    var reference = [Double](repeating: 0, count: rows * classes)
    for (row, target) in targets.enumerated() where target != -100 {
      let line = logits.scalars[(row * classes)..<((row + 1) * classes)]
      let normaliser = line.map { Foundation.exp($0) }.reduce(0, +)
      for (c, value) in line.enumerated() {
        let q = (c == target ? 1 - smoothing : 0) + smoothing / Double(classes)
        reference[row * classes + c] = (Foundation.exp(value) / normaliser - q) / counted
      }
    }
    let error = relativeError(gradient.scalars.map(Double.init), reference: reference)
    #expect(error <= 1e-5, "gradient relative error \(error)")
  }

  @Test func everyTargetIgnoredGivesZeroLossAndGradient() throws {
    let tape = Tape<Double>()
    let logits = tape.watch(randomTensors([[2, 3]], seed: 2)[0])
    let loss = crossEntropy(logits: logits, targets: Tensor(shape: [2], scalars: [-1, -1]), ignoreIndex: -1)
    #expect(loss.value.scalars == [0])
    let gradient = try #require(tape.gradients(of: loss)[logits])
    #expect(gradient.scalars.allSatisfy { $0 == 0 })
  }

  @Test func bitsPerCharacterIsCrossEntropyOverLogTwo() {
    let logits = randomTensors([[4, 7]], seed: 3)[0]
    let targets = Tensor<Int>(shape: [4], scalars: [6, 0, 3, 3])
    let bits = bitsPerCharacter(logits: Variable(logits), targets: targets).value.scalars[0]
    let nats = Self.naiveCrossEntropy(logits, targets.scalars, smoothing: 0, ignore: nil)
    #expect(abs(bits - nats / Foundation.log(2.0)) < 1e-12)
    // Uniform logits over 256 characters cost exactly 8 bits.
    let uniform = bitsPerCharacter(
      logits: Variable(Tensor<Float>(zeros: [3, 256])), targets: Tensor(shape: [3], scalars: [0, 7, 255]))
    #expect(abs(uniform.value.scalars[0] - 8) < 1e-5)
    let error = gradientCheckError(at: [logits]) { bitsPerCharacter(logits: $0[0], targets: targets) }
    #expect(error < 1e-6)
  }

  @Test func crossEntropyIsFiniteOnHugeLogits() {
    let logits = Tensor<Float>(shape: [2, 3], scalars: [1e4, -1e4, 0, -1e4, -1e4, 1e4])
    let tape = Tape<Float>()
    let v = tape.watch(logits)
    let loss = crossEntropy(logits: v, targets: Tensor(shape: [2], scalars: [1, 2]))
    #expect(abs(loss.value.scalars[0] - 1e4) < 1)  // row 0 costs 2e4, row 1 costs 0
    #expect(tape.gradients(of: loss)[v]?.scalars.allSatisfy { $0.isFinite } == true)
  }

  @Test func meanSquaredErrorMatchesFormula() {
    let inputs = randomTensors([[3, 4], [3, 4]], seed: 4)
    let loss = meanSquaredError(Variable(inputs[0]), inputs[1]).value.scalars[0]
    let expected = zip(inputs[0].scalars, inputs[1].scalars).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / 12
    #expect(abs(loss - expected) < 1e-14)
    let error = gradientCheckError(at: inputs) { meanSquaredError($0[0], $0[1]) }
    #expect(error < 1e-6)
    // A large Float case summed in blocks on all cores stays close to Float64.
    let large = randomTensors([[1 << 19], [1 << 19]], seed: 5)
    let reference = meanSquaredError(Variable(large[0]), large[1]).value.scalars[0]
    let single = meanSquaredError(Variable(large[0].map(Float.init)), large[1].map(Float.init))
    #expect(abs(Double(single.value.scalars[0]) - reference) < 1e-5 * reference)
  }

  @Test func mismatchedShapesTrap() async {
    await #expect(processExitsWith: .failure) {
      _ = crossEntropy(logits: Variable(Tensor<Float>(zeros: [2, 3])), targets: Tensor(shape: [3], scalars: [0, 0, 0]))
    }
    await #expect(processExitsWith: .failure) {
      _ = crossEntropy(logits: Variable(Tensor<Float>(zeros: [2, 3])), targets: Tensor(shape: [2], scalars: [0, 3]))
    }
    await #expect(processExitsWith: .failure) {
      _ = meanSquaredError(Variable(Tensor<Float>(zeros: [2, 3])), Tensor<Float>(zeros: [3]))
    }
  }
}
