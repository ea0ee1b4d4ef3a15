import Foundation
import SequenceModels
import StateSpace
import Training

/// Training on real data: sequential Fashion-MNIST, each 28×28 image read one pixel per step
/// (L = 784) and classified from the mean-pooled output (the sMNIST protocol of the S4 paper,
/// §4.2). The same two-layer, H = 64 residual model is trained with every block kind from the
/// same seed, data order and optimizer, for a fixed number of AdamW steps; the table gives the
/// time per training step and the test accuracy reached, so kinds compare on speed and on what
/// they learn in that budget. Skipped with a note when the data is not installed (`make data`).
enum TrainSuite {
  static func run(_ context: inout BenchmarkContext) {
    let directory = (ProcessInfo.processInfo.environment["S4_DATA_DIR"] ?? ".data") + "/fashion-mnist"
    let data: SequentialImages
    do {
      data = try SequentialImages(fashionMNISTIn: directory)
    } catch {
      context.notes.append("train: skipped, Fashion-MNIST is not readable in \(directory) (\(error)); `make data` installs it.")
      return
    }
    let (batch, width, layers) = (32, 64, 2)
    let steps = context.quick ? 20 : 100
    let testCount = context.quick ? 200 : 1000
    var summaries: [String] = []
    for kind in [BlockKind.s4, .s4d, .attention, .lstm, .gru] {
      let name = "train.\(kind.name).step"
      guard context.wants(name) else { continue }
      var generator = SeededGenerator(seed: 7)
      let configuration = ModelConfiguration(
        input: .features(size: 1), width: width, blocks: Array(repeating: kind, count: layers),
        output: .meanPooled(size: data.classes))
      let model: SequenceModel<Float>
      do {
        model = try SequenceModel(configuration, generator: &generator)
      } catch {
        context.notes.append("train.\(kind.name): the model could not be built (\(error))")
        continue
      }
      var optimizer = AdamW<Float>(learningRate: 0.004, weightDecay: 0.01)
      var order = Array(0..<data.trainLabels.count)
      var shuffler = SeededGenerator(seed: 11)
      order.shuffle(using: &shuffler)
      var seconds: [Double] = []
      var losses: [Double] = []
      var failure: (any Error)?
      for step in 0..<steps {
        let (x, y) = data.batch(order[step * batch..<(step + 1) * batch], test: false)
        seconds.append(
          elapsedSeconds {
            do {
              let result = try optimizer.minimize(
                model.parameters, on: Tape(seed: UInt64(step)), clippingNormTo: 1
              ) { tape in
                crossEntropy(logits: model(features: tape.watch(x), on: tape), targets: y)
              }
              losses.append(result.loss)
            } catch {
              failure = error
            }
          })
        if failure != nil { break }
      }
      if let failure {
        context.notes.append("train.\(kind.name): stopped after \(losses.count) steps (\(failure))")
        continue
      }
      let accuracy = testAccuracy(of: model, on: data, count: testCount)
      let tail = losses.suffix(max(1, steps / 10))
      var measurement = Measurement(
        name: name,
        params: [
          ("data", .string("fashion-mnist")), ("L", .int(data.length)), ("B", .int(batch)),
          ("H", .int(width)), ("layers", .int(layers)), ("steps", .int(steps)),
        ],
        seconds: seconds)
      measurement.throughput = [
        ("images_per_second", Double(batch) / measurement.median),
        ("final_train_loss", tail.reduce(0, +) / Double(tail.count)),
        ("test_accuracy", accuracy),
      ]
      context.record(measurement)
      summaries.append(
        "\(kind.name) \(String(format: "%.1f", 100 * accuracy)) % in \(String(format: "%.0f", seconds.reduce(0, +))) s")
    }
    if !summaries.isEmpty {
      context.notes.append(
        "Test accuracy on the first \(testCount) test images after \(steps) steps of \(batch) images (chance 10 %): "
          + summaries.joined(separator: ", ") + ".")
    }
  }

  /// The fraction of the first `count` test images whose largest logit is the label.
  static func testAccuracy(of model: SequenceModel<Float>, on data: SequentialImages, count: Int) -> Double {
    let chunk = 100
    var correct = 0
    for start in stride(from: 0, to: count, by: chunk) {
      let indices = start..<min(count, start + chunk)
      let (x, y) = data.batch(indices, test: true)
      let tape = Tape<Float>.inference()
      let logits = model(features: tape.watch(x), on: tape).value.scalars
      let classes = data.classes
      for (row, label) in y.scalars.enumerated() {
        let scores = logits[row * classes..<(row + 1) * classes]
        if scores.indices.max(by: { scores[$0] < scores[$1] })! - row * classes == label { correct += 1 }
      }
    }
    return Double(correct) / Double(count)
  }
}
