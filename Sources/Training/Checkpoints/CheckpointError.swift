/// Why a checkpoint could not be written or read.
///
/// Every malformed file maps to one of these cases; reading never traps on bad data and never
/// changes a model or optimizer when it throws.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A system call failed (`errno` is POSIX's error number).
  case fileSystem(operation: String, path: String, errno: Int32)
  /// The file ends before the data its header describes (or before the 8-byte header length).
  case truncated(expectedBytes: Int, actualBytes: Int)
  /// The header length is larger than the rest of the file or than the 100 MB safetensors
  /// limit.
  case headerLengthOutOfRange(length: UInt64, fileSize: Int)
  /// The header is not valid UTF-8 JSON; `offset` is the byte offset within the header.
  case invalidJSON(offset: Int, reason: String)
  /// The header is JSON but not a safetensors header (a field missing or of the wrong type).
  case invalidHeader(String)
  /// A tensor's dtype is not one of the safetensors dtypes.
  case unknownDType(tensor: String, dtype: String)
  /// A tensor's dtype is valid but not the scalar type it is read as.
  case dtypeMismatch(tensor: String, expected: String, found: String)
  /// A tensor's shape differs from the shape of the parameter it is loaded into.
  case shapeMismatch(tensor: String, expected: [Int], found: [Int])
  /// A tensor's offsets are reversed or do not span its shape times its dtype's size.
  case invalidOffsets(tensor: String, begin: Int, end: Int, expectedByteCount: Int)
  /// Two tensors' byte ranges overlap.
  case overlappingTensors(String, String)
  /// Bytes of the data section belong to no tensor (safetensors forbids holes).
  case unindexedBytes(offset: Int, count: Int)
  /// A tensor the model or optimizer needs is not in the file.
  case missingTensor(String)
  /// A metadata entry the optimizer needs is not in the file.
  case missingMetadata(key: String)
  /// A metadata entry has a value that cannot be used.
  case invalidMetadata(key: String, value: String)
  /// The file holds state of another optimizer (kind or state tensors differ).
  case optimizerMismatch(expected: String, found: String)

  /// A sentence describing the problem.
  public var description: String {
    switch self {
    case .fileSystem(let operation, let path, let errno):
      "\(operation) failed for \(path) (errno \(errno))"
    case .truncated(let expected, let actual):
      "the file is truncated: \(actual) bytes where \(expected) are needed"
    case .headerLengthOutOfRange(let length, let fileSize):
      "the header length \(length) does not fit a file of \(fileSize) bytes"
    case .invalidJSON(let offset, let reason):
      "the header is not valid JSON at byte \(offset): \(reason)"
    case .invalidHeader(let reason): "the header is not a safetensors header: \(reason)"
    case .unknownDType(let tensor, let dtype): "tensor '\(tensor)' has unknown dtype '\(dtype)'"
    case .dtypeMismatch(let tensor, let expected, let found):
      "tensor '\(tensor)' is \(found), expected \(expected)"
    case .shapeMismatch(let tensor, let expected, let found):
      "tensor '\(tensor)' has shape \(found), expected \(expected)"
    case .invalidOffsets(let tensor, let begin, let end, let expected):
      "tensor '\(tensor)' has data offsets [\(begin), \(end)) for \(expected) bytes"
    case .overlappingTensors(let first, let second):
      "the data of tensors '\(first)' and '\(second)' overlap"
    case .unindexedBytes(let offset, let count):
      "\(count) bytes of data at offset \(offset) belong to no tensor"
    case .missingTensor(let name): "tensor '\(name)' is missing"
    case .missingMetadata(let key): "metadata entry '\(key)' is missing"
    case .invalidMetadata(let key, let value): "metadata entry '\(key)' has invalid value '\(value)'"
    case .optimizerMismatch(let expected, let found):
      "the optimizer state is for \(found), expected \(expected)"
    }
  }
}
