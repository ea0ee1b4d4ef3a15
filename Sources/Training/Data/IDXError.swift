/// Why an IDX file could not be read. Every malformed file maps to one of these cases; reading
/// never traps on bad data.
public enum IDXError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A system call failed (`errno` is POSIX's error number).
  case fileSystem(operation: String, path: String, errno: Int32)
  /// The file is gzip-compressed (the data sets ship as `.gz`).
  case compressed
  /// The first two bytes are not zero.
  case badMagic(UInt8, UInt8)
  /// The element type is not unsigned bytes (`0x08`).
  case unsupportedElementType(UInt8)
  /// The header declares zero dimensions.
  case noDimensions
  /// The file ends before the header or the elements it declares.
  case truncated(expectedBytes: Int, actualBytes: Int)
  /// Bytes follow the elements the header declares.
  case trailingBytes(count: Int)

  /// A sentence describing the problem.
  public var description: String {
    switch self {
    case .fileSystem(let operation, let path, let number):
      "IDX: \(operation) failed for \(path) (errno \(number))"
    case .compressed:
      "IDX: the file is gzip-compressed; decompress it first (gunzip, or `make data`)"
    case .badMagic(let first, let second):
      "IDX: the file starts with bytes \(first), \(second) instead of 0, 0: not an IDX file"
    case .unsupportedElementType(let type):
      "IDX: element type 0x\(String(type, radix: 16)) is not unsigned bytes (0x08)"
    case .noDimensions:
      "IDX: the header declares no dimensions"
    case .truncated(let expected, let actual):
      "IDX: the file has \(actual) bytes, its header needs \(expected)"
    case .trailingBytes(let count):
      "IDX: \(count) bytes follow the elements the header declares"
    }
  }
}
