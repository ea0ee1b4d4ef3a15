import StateSpace

/// A set of named tensors and string metadata in the safetensors format, the checkpoint format
/// PyTorch users read with `safetensors.torch.load_file`.
///
/// The file layout: an 8-byte little-endian unsigned header length `N`; `N` bytes of UTF-8 JSON
/// mapping each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` plus an
/// optional `"__metadata__"` map of strings (padded with spaces to a multiple of 8 bytes); then
/// the data section, in which each tensor's little-endian row-major bytes occupy
/// `[begin, end)`. Tensors cover the data section exactly, without holes or overlaps.
///
/// Writing is atomic (``write(toFile:)``); reading (``init(contentsOfFile:)``) validates every
/// field and reports each kind of malformation as its own ``CheckpointError``.
public struct SafeTensorsArchive: Sendable, Equatable {
  /// One stored tensor: its element type, its shape and its little-endian bytes.
  public struct Entry: Sendable, Equatable {
    /// The element type.
    public let dtype: SafeTensorsDType
    /// The extent of each axis.
    public let shape: [Int]
    /// The row-major little-endian data, `shape` product × `dtype.byteCount` bytes.
    public let bytes: [UInt8]
  }

  /// The largest header accepted, as in the reference implementation (100 MB).
  public static let maximumHeaderLength: UInt64 = 100_000_000
  /// The header key that holds the metadata map.
  public static let metadataKey = "__metadata__"

  /// The stored tensors by name.
  public internal(set) var entries: [String: Entry] = [:]
  /// Free-form string metadata (the header's `"__metadata__"`).
  public var metadata: [String: String] = [:]

  /// An empty archive.
  public init() {}

  /// The names of the stored tensors, sorted.
  public var tensorNames: [String] { entries.keys.sorted() }

  /// Stores `tensor` under `name` (replacing any tensor of that name) as F32 or F64.
  ///
  /// - Parameters:
  ///   - tensor: A `Float` or `Double` tensor.
  ///   - name: The key; not empty and not `__metadata__`.
  public mutating func setTensor<Scalar: DifferentiableScalar>(
    _ tensor: Tensor<Scalar>, named name: String
  ) {
    precondition(
      !name.isEmpty && name != Self.metadataKey,
      "SafeTensorsArchive.setTensor: '\(name)' cannot name a tensor")
    let bytes = tensor.withUnsafeBufferPointer { scalars in
      var bytes = Array(UnsafeRawBufferPointer(scalars))
      #if _endian(big)
        let width = MemoryLayout<Scalar>.size
        for start in stride(from: 0, to: bytes.count, by: width) {
          bytes[start..<start + width].reverse()
        }
      #endif
      return bytes
    }
    entries[name] = Entry(dtype: .of(Scalar.self), shape: tensor.shape, bytes: bytes)
  }

  /// The tensor stored under `name`, read as `Scalar`.
  ///
  /// - Parameters:
  ///   - name: The key.
  ///   - type: `Float` (for F32 data) or `Double` (for F64 data).
  /// - Returns: The tensor.
  /// - Throws: ``CheckpointError/missingTensor(_:)`` or
  ///   ``CheckpointError/dtypeMismatch(tensor:expected:found:)``.
  public func tensor<Scalar: DifferentiableScalar>(
    named name: String, as type: Scalar.Type = Scalar.self
  ) throws(CheckpointError) -> Tensor<Scalar> {
    guard let entry = entries[name] else { throw .missingTensor(name) }
    let expected = SafeTensorsDType.of(Scalar.self)
    guard entry.dtype == expected else {
      throw .dtypeMismatch(tensor: name, expected: expected.rawValue, found: entry.dtype.rawValue)
    }
    let count = Tensor<Scalar>.scalarCount(of: entry.shape)
    let scalars = [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
      let raw = UnsafeMutableRawBufferPointer(buffer)
      entry.bytes.withUnsafeBytes { raw.copyMemory(from: $0) }
      #if _endian(big)
        let width = MemoryLayout<Scalar>.size
        for start in stride(from: 0, to: raw.count, by: width) {
          raw[start..<start + width].reverse()
        }
      #endif
      initialized = count
    }
    return Tensor(shape: entry.shape, scalars: scalars)
  }

  /// The tensor stored under `name`, read as `Scalar` and required to have `shape`.
  ///
  /// - Throws: As ``tensor(named:as:)``, and
  ///   ``CheckpointError/shapeMismatch(tensor:expected:found:)``.
  public func tensor<Scalar: DifferentiableScalar>(
    named name: String, as type: Scalar.Type = Scalar.self, shape: [Int]
  ) throws(CheckpointError) -> Tensor<Scalar> {
    guard let entry = entries[name] else { throw .missingTensor(name) }
    guard entry.shape == shape else {
      throw .shapeMismatch(tensor: name, expected: shape, found: entry.shape)
    }
    return try tensor(named: name, as: type)
  }

  /// The archive in the safetensors byte layout: tensors and metadata keys in sorted order,
  /// the header padded with spaces to a multiple of 8 bytes.
  public func encoded() -> [UInt8] {
    var header = "{"
    var members: [String] = []
    if !metadata.isEmpty {
      let pairs = metadata.keys.sorted().map {
        HeaderJSON.quoted($0) + ":" + HeaderJSON.quoted(metadata[$0]!)
      }
      members.append(HeaderJSON.quoted(Self.metadataKey) + ":{" + pairs.joined(separator: ",") + "}")
    }
    var offset = 0
    let names = tensorNames
    for name in names {
      let entry = entries[name]!
      let end = offset + entry.bytes.count
      members.append(
        HeaderJSON.quoted(name) + ":{\"dtype\":\"\(entry.dtype.rawValue)\",\"shape\":["
          + entry.shape.map(String.init).joined(separator: ",") + "],\"data_offsets\":[\(offset),\(end)]}")
      offset = end
    }
    header += members.joined(separator: ",") + "}"
    var headerBytes = Array(header.utf8)
    headerBytes += [UInt8](repeating: 0x20, count: (8 - headerBytes.count % 8) % 8)

    var file = [UInt8]()
    file.reserveCapacity(8 + headerBytes.count + offset)
    withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { file += $0 }
    file += headerBytes
    for name in names { file += entries[name]!.bytes }
    return file
  }
}
