import StateSpace
import Training

/// An image classification set read as sequences: the pixels of each image one per time step,
/// row by row (the sMNIST protocol of the S4 paper, §4.2), as (B, rows·columns, 1) features.
struct SequentialImages {
  /// Why a data set cannot be used.
  enum Problem: Error, CustomStringConvertible {
    case file(String, IDXError)
    case inconsistent(String)

    var description: String {
      switch self {
      case .file(let name, let error): "\(name): \(error)"
      case .inconsistent(let reason): reason
      }
    }
  }

  let trainImages: IDXArray
  let trainLabels: [Int]
  let testImages: IDXArray
  let testLabels: [Int]
  let classes: Int
  /// rows·columns, the sequence length.
  let length: Int
  /// The pixel mean and standard deviation (over the training images) that inputs are
  /// normalised with.
  let mean: Float
  let deviation: Float

  /// The Fashion-MNIST files (Debian's `dataset-fashion-mnist`, decompressed by `make data`).
  ///
  /// - Parameter directory: The directory with `{train,t10k}-{images-idx3,labels-idx1}-ubyte`.
  init(fashionMNISTIn directory: String) throws(Problem) {
    func read(_ name: String) throws(Problem) -> IDXArray {
      do {
        return try IDXArray(contentsOfFile: directory + "/" + name)
      } catch {
        throw .file(name, error)
      }
    }
    trainImages = try read("train-images-idx3-ubyte")
    testImages = try read("t10k-images-idx3-ubyte")
    let train = try read("train-labels-idx1-ubyte")
    let test = try read("t10k-labels-idx1-ubyte")
    guard trainImages.shape.count == 3, testImages.shape.dropFirst() == trainImages.shape.dropFirst(),
      train.shape == [trainImages.shape[0]], test.shape == [testImages.shape[0]]
    else {
      throw .inconsistent(
        "images \(trainImages.shape) / \(testImages.shape) and labels \(train.shape) / \(test.shape) disagree")
    }
    trainLabels = train.bytes.map(Int.init)
    testLabels = test.bytes.map(Int.init)
    classes = 10
    guard (train.bytes + test.bytes).allSatisfy({ $0 < 10 }) else {
      throw .inconsistent("a label is outside 0..<10")
    }
    length = trainImages.shape[1] * trainImages.shape[2]
    let pixels = trainImages.bytes.lazy.map { Double($0) / 255 }
    let count = Double(trainImages.bytes.count)
    let average = pixels.reduce(0, +) / count
    let variance = pixels.reduce(0) { $0 + ($1 - average) * ($1 - average) } / count
    mean = Float(average)
    deviation = Float(variance.squareRoot())
  }

  /// The images `indices` of `images` as normalised features (B, L, 1) and their labels (B).
  func batch(_ indices: some Collection<Int>, test: Bool) -> (Tensor<Float>, Tensor<Int>) {
    let (images, labels) = test ? (testImages, testLabels) : (trainImages, trainLabels)
    var features: [Float] = []
    features.reserveCapacity(indices.count * length)
    for index in indices {
      let start = index * length
      for pixel in images.bytes[start..<start + length] {
        features.append((Float(pixel) / 255 - mean) / deviation)
      }
    }
    return (
      Tensor(shape: [indices.count, length, 1], scalars: features),
      Tensor(shape: [indices.count], scalars: indices.map { labels[$0] })
    )
  }
}
