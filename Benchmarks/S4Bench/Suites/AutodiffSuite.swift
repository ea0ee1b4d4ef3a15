import StateSpace
import Training

/// The tape's overhead: a 4-layer MLP (width 512, batch 64, ReLU, mean squared error) forward
/// and backward through the tape, against the same computation written by hand with direct
/// BLAS calls on preallocated buffers; and the AdamW update over the same parameters.
enum AutodiffSuite {
  static let depth = 4
  static let width = 512
  static let batch = 64

  static func run(_ context: inout BenchmarkContext) {
    var generator = SeededGenerator(seed: 1)
    let scale = 1 / Double(width).squareRoot()
    let weights = (0..<depth).map { _ in
      Tensor<Float>.randomNormal(shape: [width, width], standardDeviation: scale, using: &generator)
    }
    let biases = (0..<depth).map { _ in
      Tensor<Float>.randomNormal(shape: [width], standardDeviation: 0.1, using: &generator)
    }
    let input = Tensor<Float>.randomNormal(shape: [batch, width], using: &generator)
    let target = Tensor<Float>.randomNormal(shape: [batch, width], using: &generator)
    var parameters: [Parameter<Float>] = []
    for layer in 0..<depth {
      parameters.append(Parameter(name: "layers.\(layer).weight", value: weights[layer]))
      parameters.append(Parameter(name: "layers.\(layer).bias", value: biases[layer]))
    }
    let direct = DirectMLP(weights: weights, biases: biases, batch: batch)
    verifyAgreement(direct, parameters, input: input, target: target)

    let params: [(String, ParameterValue)] = [
      ("layers", .int(depth)), ("width", .int(width)), ("batch", .int(batch)),
    ]
    // Forward 4 GEMMs, backward 3 for ∂x and 4 for ∂W, each 2·B·H² flops.
    let flops = Double((depth + 2 * depth - 1) * 2 * batch * width * width)
    let throughput = { (seconds: Double) -> [(String, Double)] in [("gflops", flops / seconds / 1e9)] }
    var sink: Float = 0
    let tape = context.measure("autodiff.mlp.tape", params: params, throughput: throughput) {
      let (loss, gradients) = tapeStep(parameters, input: input, target: target)
      sink += loss + gradients[parameters[0]]!.scalars[0]
    }
    let hand = context.measure("autodiff.mlp.direct", params: params, throughput: throughput) {
      sink += direct.step(input: input, target: target) + direct.weightGradients[0][0]
    }
    if let tape, let hand {
      context.notes.append(
        String(
          format: "Tape overhead: tape / direct = %.2f× (target ≤ 1.2×) for forward+backward of the MLP.",
          tape.median / hand.median))
    }

    // AdamW over the MLP's parameters: reads p, g, m, v and writes p, m, v (7 floats each).
    let (_, gradients) = tapeStep(parameters, input: input, target: target)
    var optimizer = AdamW<Float>(learningRate: 1e-4, weightDecay: 0.01)
    let scalars = parameters.reduce(0) { $0 + $1.value.scalarCount }
    context.measure(
      "autodiff.adamw.update", params: [("parameters", .int(scalars))],
      throughput: { seconds in [("gigabytes_per_second", Double(7 * 4 * scalars) / seconds / 1e9)] }
    ) {
      optimizer.update(parameters, with: gradients)
    }
    sink += parameters[0].value.scalars[0]
    precondition(sink.isFinite, "autodiff suite: non-finite result")
  }

  /// Forward and backward through the tape with the library's ops.
  static func tapeStep(
    _ parameters: [Parameter<Float>], input: Tensor<Float>, target: Tensor<Float>
  ) -> (Float, Gradients<Float>) {
    let tape = Tape<Float>()
    var hidden = Variable(input)
    for layer in 0..<depth {
      hidden = hidden.linear(
        weight: tape.watch(parameters[2 * layer]), bias: tape.watch(parameters[2 * layer + 1]))
      if layer < depth - 1 { hidden = hidden.relu() }
    }
    let loss = meanSquaredError(hidden, Variable(target))
    return (loss.value.scalars[0], tape.gradients(of: loss))
  }

  /// The two versions must compute the same loss and gradients, or the comparison is void.
  static func verifyAgreement(
    _ direct: DirectMLP, _ parameters: [Parameter<Float>], input: Tensor<Float>,
    target: Tensor<Float>
  ) {
    let (loss, gradients) = tapeStep(parameters, input: input, target: target)
    let directLoss = direct.step(input: input, target: target)
    precondition(abs(loss - directLoss) <= 1e-5 * abs(directLoss), "autodiff suite: losses differ")
    for layer in 0..<depth {
      let pairs = [
        (gradients[parameters[2 * layer]]!.scalars, direct.weightGradients[layer]),
        (gradients[parameters[2 * layer + 1]]!.scalars, direct.biasGradients[layer]),
      ]
      for (tape, hand) in pairs {
        let scale = hand.reduce(0) { max($0, abs($1)) }
        let error = zip(tape, hand).reduce(0) { max($0, abs($1.0 - $1.1)) }
        precondition(error <= 1e-4 * scale, "autodiff suite: gradients of layer \(layer) differ")
      }
    }
  }
}

/// The MLP with its backward pass written by hand: every buffer allocated once, SGEMM for each
/// product, the bias added by pre-filling the output rows (β = 1).
///
/// Forward: h₀ = x, zₗ = hₗ·Wₗ + bₗ, hₗ₊₁ = max(zₗ, 0) (no ReLU after the last layer),
/// loss = mean((z₃ − y)²). Backward: G = 2(z₃ − y)/n; for each layer from the last,
/// ∂Wₗ = hₗᵀ·G, ∂bₗ = Σ_rows G, and (below the top) G ← (G·Wₗᵀ) ⊙ [hₗ > 0].
final class DirectMLP {
  let weights: [[Float]]
  let biases: [[Float]]
  let batch: Int
  let width: Int
  /// hₗ for l = 0…depth−1 (h₀ is a copy of the input), then the output z.
  private var activations: [[Float]]
  private var gradient: [Float]
  private var propagated: [Float]
  private(set) var weightGradients: [[Float]]
  private(set) var biasGradients: [[Float]]

  init(weights: [Tensor<Float>], biases: [Tensor<Float>], batch: Int) {
    self.weights = weights.map(\.scalars)
    self.biases = biases.map(\.scalars)
    self.batch = batch
    self.width = weights[0].shape[0]
    let size = batch * width
    activations = [[Float]](repeating: [Float](repeating: 0, count: size), count: weights.count + 1)
    gradient = [Float](repeating: 0, count: size)
    propagated = [Float](repeating: 0, count: size)
    weightGradients = weights.map { [Float](repeating: 0, count: $0.scalarCount) }
    biasGradients = biases.map { [Float](repeating: 0, count: $0.scalarCount) }
  }

  /// One forward and backward pass; returns the loss and leaves the gradients in
  /// ``weightGradients`` and ``biasGradients``.
  func step(input: Tensor<Float>, target: Tensor<Float>) -> Float {
    let (rows, width, depth) = (batch, self.width, weights.count)
    let count = rows * width
    activations[0] = input.scalars
    for layer in 0..<depth {
      activations[layer].withUnsafeBufferPointer { h in
        activations[layer + 1].withUnsafeMutableBufferPointer { z in
          biases[layer].withUnsafeBufferPointer { b in
            for row in 0..<rows {
              (z.baseAddress! + row * width).update(from: b.baseAddress!, count: width)
            }
          }
          weights[layer].withUnsafeBufferPointer { w in
            Float.gemm(
              .none, .none, m: rows, n: width, k: width, alpha: 1, a: h.baseAddress!, lda: width,
              b: w.baseAddress!, ldb: width, beta: 1, c: z.baseAddress!, ldc: width)
          }
          if layer < depth - 1 {
            for i in 0..<count { z[i] = max(z[i], 0) }
          }
        }
      }
    }
    var loss: Float = 0
    activations[depth].withUnsafeBufferPointer { z in
      target.withUnsafeBufferPointer { y in
        gradient.withUnsafeMutableBufferPointer { g in
          let factor = 2 / Float(count)
          for i in 0..<count {
            let difference = z[i] - y[i]
            loss += difference * difference
            g[i] = factor * difference
          }
        }
      }
    }
    for layer in (0..<depth).reversed() {
      activations[layer].withUnsafeBufferPointer { h in
        gradient.withUnsafeMutableBufferPointer { g in
          weightGradients[layer].withUnsafeMutableBufferPointer { dW in
            Float.gemm(
              .transpose, .none, m: width, n: width, k: rows, alpha: 1, a: h.baseAddress!,
              lda: width, b: g.baseAddress!, ldb: width, beta: 0, c: dW.baseAddress!, ldc: width)
          }
          biasGradients[layer].withUnsafeMutableBufferPointer { db in
            for j in 0..<width { db[j] = 0 }
            for row in 0..<rows {
              for j in 0..<width { db[j] += g[row * width + j] }
            }
          }
          guard layer > 0 else { return }
          propagated.withUnsafeMutableBufferPointer { dh in
            weights[layer].withUnsafeBufferPointer { w in
              Float.gemm(
                .none, .transpose, m: rows, n: width, k: width, alpha: 1, a: g.baseAddress!,
                lda: width, b: w.baseAddress!, ldb: width, beta: 0, c: dh.baseAddress!, ldc: width)
            }
            for i in 0..<count { g[i] = h[i] > 0 ? dh[i] : 0 }
          }
        }
      }
    }
    return loss / Float(count)
  }
}
