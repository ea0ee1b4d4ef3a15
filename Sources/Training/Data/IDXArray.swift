/// An array of unsigned bytes read from an IDX file, the format of the MNIST and Fashion-MNIST
/// distributions: images (N, rows, columns) or labels (N).
///
/// IDX layout: two zero bytes, a type byte (`0x08` for unsigned bytes, the only type those
/// data sets use), the number of dimensions d, then d big-endian UInt32 extents, then the
/// elements in row-major order. The files ship gzip-compressed; decompress them first
/// (`make data` does).
///
/// ```swift
/// let images = try IDXArray(contentsOfFile: ".data/fashion-mnist/train-images-idx3-ubyte")
/// // images.shape == [60000, 28, 28]
/// ```
public struct IDXArray: Sendable, Equatable {
  /// The extents, outermost first.
  public let shape: [Int]
  /// The elements in row-major order: the product of `shape` bytes.
  public let bytes: [UInt8]

  /// Reads and checks an IDX file.
  ///
  /// - Parameter path: The decompressed file.
  /// - Throws: ``IDXError`` when the file cannot be read or is not a complete unsigned-byte
  ///   IDX array; nothing is kept of a malformed file.
  public init(contentsOfFile path: String) throws(IDXError) {
    let contents: [UInt8]
    do {
      contents = try CheckpointFile.readAll(path)
    } catch {
      guard case .fileSystem(let operation, let path, let number) = error else {
        preconditionFailure("IDXArray: readAll threw \(error), which is not a file-system error")
      }
      throw .fileSystem(operation: operation, path: path, errno: number)
    }
    try self.init(decoding: contents)
  }

  /// Decodes and checks the bytes of an IDX file.
  ///
  /// - Parameter contents: The whole file.
  /// - Throws: ``IDXError`` when `contents` is not a complete unsigned-byte IDX array.
  public init(decoding contents: [UInt8]) throws(IDXError) {
    if contents.count >= 2 && contents[0] == 0x1F && contents[1] == 0x8B { throw .compressed }
    guard contents.count >= 4 else { throw .truncated(expectedBytes: 4, actualBytes: contents.count) }
    guard contents[0] == 0, contents[1] == 0 else { throw .badMagic(contents[0], contents[1]) }
    guard contents[2] == 0x08 else { throw .unsupportedElementType(contents[2]) }
    let rank = Int(contents[3])
    guard rank >= 1 else { throw .noDimensions }
    let headerBytes = 4 + 4 * rank
    guard contents.count >= headerBytes else {
      throw .truncated(expectedBytes: headerBytes, actualBytes: contents.count)
    }
    var shape: [Int] = []
    var elements = 1
    for axis in 0..<rank {
      let offset = 4 + 4 * axis
      let extent = contents[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
      shape.append(extent)
      // Extents are below 2³², so the product stays exact until it passes any file size.
      elements = elements.multipliedReportingOverflow(by: extent).overflow ? Int.max : elements * extent
    }
    let available = contents.count - headerBytes
    guard elements <= available else {
      let expected = elements > Int.max - headerBytes ? Int.max : headerBytes + elements
      throw .truncated(expectedBytes: expected, actualBytes: contents.count)
    }
    guard elements == available else { throw .trailingBytes(count: available - elements) }
    self.shape = shape
    self.bytes = Array(contents[headerBytes...])
  }

  /// An array of the given shape and bytes, as a file would hold it.
  ///
  /// - Precondition: `bytes.count` is the product of `shape`, every extent is below 2³² and
  ///   there are 1 to 255 of them.
  public init(shape: [Int], bytes: [UInt8]) {
    precondition(
      (1...255).contains(shape.count) && shape.allSatisfy { (0..<(1 << 32)).contains($0) },
      "IDXArray: shape \(shape) needs 1 to 255 extents in 0..<2³²")
    precondition(
      bytes.count == shape.reduce(1, *),
      "IDXArray: \(bytes.count) bytes do not fill shape \(shape)")
    self.shape = shape
    self.bytes = bytes
  }

  /// The bytes of the IDX file that holds this array.
  public var encoded: [UInt8] {
    var file: [UInt8] = [0, 0, 0x08, UInt8(shape.count)]
    for extent in shape {
      file += [UInt8(extent >> 24 & 0xFF), UInt8(extent >> 16 & 0xFF), UInt8(extent >> 8 & 0xFF), UInt8(extent & 0xFF)]
    }
    return file + bytes
  }
}
