extension SafeTensorsArchive {
  /// Reads an archive from the bytes of a safetensors file, validating every field.
  ///
  /// The checks, in order: the 8-byte length is present; the header fits the file and the
  /// 100 MB limit; it is a JSON object; every entry has a known dtype, a shape of
  /// non-negative integers and offsets spanning exactly its size; sorted by offset, the
  /// tensors neither overlap nor leave holes; the data section is as long as they need.
  ///
  /// - Parameter bytes: The whole file.
  /// - Throws: The ``CheckpointError`` of the first check that fails.
  public init(decoding bytes: [UInt8]) throws(CheckpointError) {
    guard bytes.count >= 8 else { throw .truncated(expectedBytes: 8, actualBytes: bytes.count) }
    var headerLength: UInt64 = 0
    for index in (0..<8).reversed() { headerLength = headerLength << 8 | UInt64(bytes[index]) }
    guard headerLength <= Self.maximumHeaderLength, headerLength <= UInt64(bytes.count - 8) else {
      throw .headerLengthOutOfRange(length: headerLength, fileSize: bytes.count)
    }
    let dataStart = 8 + Int(headerLength)
    guard headerLength > 0, bytes[8] == UInt8(ascii: "{") else {
      throw .invalidJSON(offset: 0, reason: "the header must start with '{'")
    }
    guard case .object(let members) = try HeaderJSON.parse(bytes[8..<dataStart]) else {
      throw .invalidHeader("the header is not a JSON object")
    }

    var layouts: [(name: String, dtype: SafeTensorsDType, shape: [Int], begin: Int, end: Int)] = []
    var metadata: [String: String] = [:]
    for (name, member) in members {
      if name == Self.metadataKey {
        metadata = try Self.decodeMetadata(member)
        continue
      }
      let (dtype, shape, begin, end) = try Self.decodeLayout(of: name, member)
      layouts.append((name, dtype, shape, begin, end))
    }

    // Sorted by offset, each tensor must start where the previous one ended.
    layouts.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
    var cursor = 0
    var previous: String?
    for layout in layouts {
      if layout.begin < cursor, let previous {
        throw .overlappingTensors(previous, layout.name)
      }
      if layout.begin > cursor {
        throw .unindexedBytes(offset: cursor, count: layout.begin - cursor)
      }
      cursor = layout.end
      previous = layout.name
    }
    let dataLength = bytes.count - dataStart
    guard cursor <= dataLength else {
      throw .truncated(expectedBytes: dataStart + cursor, actualBytes: bytes.count)
    }
    guard cursor == dataLength else {
      throw .unindexedBytes(offset: cursor, count: dataLength - cursor)
    }

    self.init()
    self.metadata = metadata
    for layout in layouts {
      let data = Array(bytes[(dataStart + layout.begin)..<(dataStart + layout.end)])
      entries[layout.name] = Entry(dtype: layout.dtype, shape: layout.shape, bytes: data)
    }
  }

  private static func decodeMetadata(_ member: HeaderJSON) throws(CheckpointError) -> [String: String] {
    guard case .object(let pairs) = member else {
      throw .invalidHeader("\(metadataKey) is not an object")
    }
    var metadata: [String: String] = [:]
    for (key, value) in pairs {
      guard case .string(let text) = value else {
        throw .invalidHeader("metadata entry '\(key)' is not a string")
      }
      metadata[key] = text
    }
    return metadata
  }

  private static func decodeLayout(
    of name: String, _ member: HeaderJSON
  ) throws(CheckpointError) -> (SafeTensorsDType, [Int], Int, Int) {
    guard case .object(let fields) = member else {
      throw .invalidHeader("the entry of tensor '\(name)' is not an object")
    }
    guard case .string(let dtypeName)? = fields["dtype"] else {
      throw .invalidHeader("tensor '\(name)' has no dtype string")
    }
    guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
      throw .unknownDType(tensor: name, dtype: dtypeName)
    }
    guard case .array(let extents)? = fields["shape"] else {
      throw .invalidHeader("tensor '\(name)' has no shape array")
    }
    var shape: [Int] = []
    var elementCount = 1
    for extent in extents {
      guard let value = extent.nonNegativeInteger else {
        throw .invalidHeader("tensor '\(name)' has a shape entry that is not a non-negative integer")
      }
      let (product, overflow) = elementCount.multipliedReportingOverflow(by: value)
      guard !overflow else { throw .invalidHeader("tensor '\(name)' has a shape too large to address") }
      elementCount = product
      shape.append(value)
    }
    let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: dtype.byteCount)
    guard !overflow else { throw .invalidHeader("tensor '\(name)' has a shape too large to address") }
    guard case .array(let offsets)? = fields["data_offsets"], offsets.count == 2,
      let begin = offsets[0].nonNegativeInteger, let end = offsets[1].nonNegativeInteger
    else {
      throw .invalidHeader("tensor '\(name)' needs data_offsets [begin, end] of non-negative integers")
    }
    guard begin <= end, end - begin == byteCount else {
      throw .invalidOffsets(tensor: name, begin: begin, end: end, expectedByteCount: byteCount)
    }
    return (dtype, shape, begin, end)
  }
}
