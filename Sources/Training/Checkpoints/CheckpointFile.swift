#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Whole-file reads and crash-safe writes on POSIX.
///
/// A write goes to a fresh temporary file in the target's directory, which is flushed to disk
/// (`fsync`) and then renamed over the target; the directory is flushed too so that the rename
/// itself survives a power loss. `rename` replaces the target atomically, so at any moment the
/// target is either the complete old file or the complete new one.
enum CheckpointFile {
  /// A failure injected into a write after a number of bytes, to test that interrupted writes
  /// leave the target intact.
  struct WriteFault {
    enum Effect {
      /// The write throws an I/O error (`EIO`), as a full disk would.
      case ioError
      /// The process exits on the spot, as in a crash (the temporary file stays behind).
      case terminateProcess
    }

    let afterBytes: Int
    let effect: Effect
  }

  /// The bytes are written in pieces of this size.
  static let chunkSize = 1 << 20

  /// The contents of the file at `path`.
  static func readAll(_ path: String) throws(CheckpointError) -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw .fileSystem(operation: "open", path: path, errno: errno) }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw .fileSystem(operation: "fstat", path: path, errno: errno)
    }
    var contents = [UInt8]()
    contents.reserveCapacity(Int(status.st_size))
    var chunk = [UInt8](repeating: 0, count: chunkSize)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw .fileSystem(operation: "read", path: path, errno: errno)
      }
      if count == 0 { return contents }
      contents += chunk[0..<count]
    }
  }

  /// Replaces the file at `path` by `bytes` atomically.
  ///
  /// - Parameters:
  ///   - bytes: The new contents.
  ///   - path: The target; its directory must exist and be writable.
  ///   - fault: A failure to inject (tests only).
  static func writeAtomically(
    _ bytes: [UInt8], to path: String, fault: WriteFault? = nil
  ) throws(CheckpointError) {
    var template = Array((path + ".tmp-XXXXXX").utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard descriptor >= 0 else {
      throw .fileSystem(operation: "mkstemp", path: path, errno: errno)
    }
    let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    do throws(CheckpointError) {
      try writeAll(bytes, to: descriptor, path: temporary, fault: fault)
      guard fchmod(descriptor, 0o644) == 0 else {
        throw .fileSystem(operation: "fchmod", path: temporary, errno: errno)
      }
      guard fsync(descriptor) == 0 else {
        throw .fileSystem(operation: "fsync", path: temporary, errno: errno)
      }
    } catch {
      close(descriptor)
      unlink(temporary)
      throw error
    }
    guard close(descriptor) == 0 else {
      let code = errno
      unlink(temporary)
      throw .fileSystem(operation: "close", path: temporary, errno: code)
    }
    guard rename(temporary, path) == 0 else {
      let code = errno
      unlink(temporary)
      throw .fileSystem(operation: "rename", path: path, errno: code)
    }
    syncDirectory(containing: path)
  }

  private static func writeAll(
    _ bytes: [UInt8], to descriptor: Int32, path: String, fault: WriteFault?
  ) throws(CheckpointError) {
    var written = 0
    while written < bytes.count {
      var end = min(written + chunkSize, bytes.count)
      if let fault, fault.afterBytes < end {
        end = max(fault.afterBytes, written)
        if end == written {
          switch fault.effect {
          case .ioError: throw .fileSystem(operation: "write", path: path, errno: EIO)
          case .terminateProcess: _exit(3)
          }
        }
      }
      let count = bytes.withUnsafeBytes { raw in
        write(descriptor, raw.baseAddress! + written, end - written)
      }
      if count < 0 {
        if errno == EINTR { continue }
        throw .fileSystem(operation: "write", path: path, errno: errno)
      }
      written += count
    }
  }

  /// Flushes the directory entry of `path`, so that a completed rename survives a power loss.
  /// Best effort: some file systems do not support syncing directories.
  private static func syncDirectory(containing path: String) {
    let directory: String
    if let slash = path.lastIndex(of: "/") {
      directory = slash == path.startIndex ? "/" : String(path[..<slash])
    } else {
      directory = "."
    }
    let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    _ = fsync(descriptor)
    close(descriptor)
  }
}
