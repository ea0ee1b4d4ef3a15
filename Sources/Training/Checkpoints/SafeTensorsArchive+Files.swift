extension SafeTensorsArchive {
  /// Reads and validates the safetensors file at `path`.
  ///
  /// - Parameter path: The file to read.
  /// - Throws: ``CheckpointError/fileSystem(operation:path:errno:)`` when the file cannot be
  ///   read, otherwise the errors of ``init(decoding:)``.
  public init(contentsOfFile path: String) throws(CheckpointError) {
    try self.init(decoding: CheckpointFile.readAll(path))
  }

  /// Writes the archive to `path` atomically: the file at `path` is replaced only once the new
  /// contents are complete on disk, so an interrupted write leaves the old file in place.
  ///
  /// - Parameter path: The target file; its directory must exist.
  /// - Throws: ``CheckpointError/fileSystem(operation:path:errno:)``.
  public func write(toFile path: String) throws(CheckpointError) {
    try CheckpointFile.writeAtomically(encoded(), to: path)
  }

  /// ``write(toFile:)`` with an injected failure (tests only).
  func write(toFile path: String, fault: CheckpointFile.WriteFault?) throws(CheckpointError) {
    try CheckpointFile.writeAtomically(encoded(), to: path, fault: fault)
  }
}
