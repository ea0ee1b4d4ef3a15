import Foundation
import Testing

@testable import Training

@Suite("IDX files: the MNIST and Fashion-MNIST format")
struct IDXArrayTests {
  /// An IDX file written byte by byte from the format's definition, independent of `encoded`.
  func handWritten(shape: [Int], bytes: [UInt8]) -> [UInt8] {
    var file: [UInt8] = [0, 0, 8, UInt8(shape.count)]
    for extent in shape {
      var bigEndian = UInt32(extent).bigEndian
      file += withUnsafeBytes(of: &bigEndian) { Array($0) }
    }
    return file + bytes
  }

  @Test func decodesAHandWrittenFile() throws {
    let bytes = (0..<2 * 3 * 300).map { UInt8($0 % 251) }
    let array = try IDXArray(decoding: handWritten(shape: [2, 3, 300], bytes: bytes))
    #expect(array.shape == [2, 3, 300])
    #expect(array.bytes == bytes)
    #expect(array.encoded == handWritten(shape: [2, 3, 300], bytes: bytes))
  }

  @Test func readsAFileFromDisk() throws {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("idx-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let labels = IDXArray(shape: [5], bytes: [3, 1, 4, 1, 5])
    try Data(labels.encoded).write(to: URL(fileURLWithPath: path))
    #expect(try IDXArray(contentsOfFile: path) == labels)
  }

  @Test func malformedFilesThrowTypedErrors() {
    let good = handWritten(shape: [2, 2], bytes: [1, 2, 3, 4])
    #expect(throws: IDXError.compressed) { try IDXArray(decoding: [0x1F, 0x8B, 8, 0]) }
    #expect(throws: IDXError.badMagic(1, 0)) { try IDXArray(decoding: [1] + good.dropFirst()) }
    #expect(throws: IDXError.unsupportedElementType(0x0D)) {
      try IDXArray(decoding: [0, 0, 0x0D] + good.dropFirst(3))
    }
    #expect(throws: IDXError.noDimensions) { try IDXArray(decoding: [0, 0, 8, 0]) }
    #expect(throws: IDXError.truncated(expectedBytes: 4, actualBytes: 2)) { try IDXArray(decoding: [0, 0]) }
    #expect(throws: IDXError.truncated(expectedBytes: 12, actualBytes: 9)) {
      try IDXArray(decoding: Array(good.prefix(9)))
    }
    #expect(throws: IDXError.truncated(expectedBytes: 16, actualBytes: 15)) {
      try IDXArray(decoding: Array(good.dropLast()))
    }
    #expect(throws: IDXError.trailingBytes(count: 1)) { try IDXArray(decoding: good + [9]) }
    // Extents whose product overflows Int: reported as truncated, never a trap.
    let huge = handWritten(shape: [1 << 31, 1 << 31, 1 << 31], bytes: [])
    #expect(throws: IDXError.truncated(expectedBytes: Int.max, actualBytes: huge.count)) {
      try IDXArray(decoding: huge)
    }
  }

  @Test func missingFileIsAFileSystemError() {
    #expect {
      try IDXArray(contentsOfFile: "/nonexistent/train-images-idx3-ubyte")
    } throws: { error in
      guard case .fileSystem(let operation, _, let number) = error as? IDXError else { return false }
      return operation == "open" && number == ENOENT
    }
  }
}
