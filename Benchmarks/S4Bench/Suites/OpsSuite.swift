import StateSpace
import Training

/// The differentiable ops of `Training` on an activation of S4's size, (B, L, H) =
/// (8, 4096, 256) in Float: forward alone (the Tensor-level function) and forward+backward
/// through a tape, against a parallel copy of the same bytes (the machine's memory speed).
enum OpsSuite {
  static func run(_ context: inout BenchmarkContext) {
    let (batch, length, width) = context.quick ? (2, 4096, 256) : (8, 4096, 256)
    let shape = [batch, length, width]
    let count = batch * length * width
    var generator = SeededGenerator(seed: 1)
    let x = Tensor<Float>.randomNormal(shape: shape, using: &generator)
    let y = Tensor<Float>.randomNormal(shape: shape, using: &generator)
    let g = Tensor<Float>.randomNormal(shape: shape, using: &generator)
    let bias = Tensor<Float>.randomNormal(shape: [width], using: &generator)
    let gain = Tensor<Float>.randomNormal(shape: [width], using: &generator)
    let params: [(String, ParameterValue)] = [
      ("B", .int(batch)), ("L", .int(length)), ("H", .int(width)),
    ]
    // Bytes read and written by a pass over `tensors` tensors of the activation's size.
    func traffic(_ tensors: Int) -> (Double) -> [(String, Double)] {
      { seconds in
        [
          ("gb_per_second", Double(tensors * count * 4) / seconds / 1e9),
          ("elements_per_second", Double(count) / seconds),
        ]
      }
    }
    var sink: Float = 0

    context.measure("ops.copy", params: params, throughput: traffic(2)) {
      let copy = x.withUnsafeBufferPointer { source in
        Tensor<Float>(shape: shape, unsafeUninitializedScalars: { target in
          Parallel.forEachChunk(of: count, minimumChunk: 1 << 15) { range in
            (target.baseAddress! + range.lowerBound).initialize(
              from: source.baseAddress! + range.lowerBound, count: range.count)
          }
        })
      }
      sink += copy.scalars[count - 1]
    }
    context.measure("ops.add", params: params, throughput: traffic(3)) {
      sink += (x + y).scalars[0]
    }
    context.measure("ops.bias_add", params: params, throughput: traffic(2)) {
      sink += (x + bias).scalars[0]
    }
    context.measure("ops.multiply.forward_backward", params: params, throughput: traffic(9)) {
      let tape = Tape<Float>()
      let (a, b) = (tape.watch(x), tape.watch(y))
      let gradients = tape.gradients(of: a * b, seed: g)
      sink += gradients[a]!.scalars[0] + gradients[b]!.scalars[0]
    }
    context.measure("ops.bias_add.forward_backward", params: params, throughput: traffic(3)) {
      let tape = Tape<Float>()
      let (input, b) = (tape.watch(x), tape.watch(bias))
      let gradients = tape.gradients(of: input + b, seed: g)
      sink += gradients[input]!.scalars[0] + gradients[b]!.scalars[0]
    }
    context.measure("ops.relu", params: params, throughput: traffic(2)) {
      sink += x.relu().scalars[0]
    }
    context.measure("ops.gelu", params: params, throughput: traffic(2)) {
      sink += x.gelu().scalars[0]
    }
    context.measure("ops.gelu_tanh", params: params, throughput: traffic(2)) {
      sink += x.gelu(approximation: .tanh).scalars[0]
    }
    context.measure("ops.gelu.forward_backward", params: params, throughput: traffic(5)) {
      let tape = Tape<Float>()
      let input = tape.watch(x)
      sink += tape.gradients(of: input.gelu(), seed: g)[input]!.scalars[0]
    }
    context.measure("ops.sigmoid", params: params, throughput: traffic(2)) {
      sink += x.sigmoid().scalars[0]
    }
    let halfGradient = g.slice(0..<(width / 2), alongAxis: 2)
    context.measure("ops.glu.forward_backward", params: params, throughput: traffic(4)) {
      let tape = Tape<Float>()
      let input = tape.watch(x)
      sink += tape.gradients(of: input.glu(), seed: halfGradient)[input]!.scalars[0]
    }
    context.measure("ops.softmax", params: params, throughput: traffic(2)) {
      sink += x.softmax().scalars[0]
    }
    context.measure("ops.softmax.forward_backward", params: params, throughput: traffic(5)) {
      let tape = Tape<Float>()
      let input = tape.watch(x)
      sink += tape.gradients(of: input.softmax(), seed: g)[input]!.scalars[0]
    }
    context.measure("ops.layer_norm", params: params, throughput: traffic(2)) {
      sink += x.layerNormalized(gain: gain, bias: bias).scalars[0]
    }
    context.measure("ops.layer_norm.forward_backward", params: params, throughput: traffic(5)) {
      let tape = Tape<Float>()
      let (input, gamma, beta) = (tape.watch(x), tape.watch(gain), tape.watch(bias))
      let gradients = tape.gradients(of: input.layerNormalized(gain: gamma, bias: beta), seed: g)
      sink += gradients[input]!.scalars[0] + gradients[gamma]!.scalars[0]
    }
    context.measure("ops.transpose_last_two", params: params, throughput: traffic(2)) {
      sink += x.permuted([0, 2, 1]).scalars[0]
    }
    let targets = Tensor<Int>(shape: [batch * length]) { ($0 * 7) % width }
    context.measure("ops.cross_entropy.forward_backward", params: params, throughput: traffic(3)) {
      let tape = Tape<Float>()
      let logits = tape.watch(x.reshaped(to: [batch * length, width]))
      let loss = crossEntropy(logits: logits, targets: targets)
      sink += tape.gradients(of: loss)[logits]!.scalars[0]
    }
    // The tape's own cost: 1000 ops on 4-scalar tensors, recorded and differentiated
    // (v ← v·w + w converges, so the values stay finite).
    let small = Tensor<Float>(shape: [4], scalars: [0.1, 0.2, 0.3, 0.4])
    let perOp = context.measure(
      "ops.tape_overhead", params: [("ops", .int(1000)), ("scalars", .int(4))],
      throughput: { seconds in [("ns_per_op", seconds / 1000 * 1e9)] }
    ) {
      let tape = Tape<Float>()
      let weight = tape.watch(small)
      var value = weight
      for _ in 0..<500 { value = value * weight + weight }
      sink += tape.gradients(of: value, seed: small)[weight]!.scalars[0]
    }
    precondition(sink.isFinite, "ops suite: a non-finite result")
    if let perOp {
      context.notes.append(
        "Tape overhead: \(Int(perOp.median / 1000 * 1e9)) ns per recorded op including its backward step (tiny tensors)."
      )
    }
  }
}
