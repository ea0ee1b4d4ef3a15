/// A dense n-dimensional array with value semantics, stored contiguously in row-major order.
///
/// The storage is a Swift array, so copying a tensor is O(1) and the scalars are copied only
/// when one of the copies is mutated (copy on write). The last axis is the fastest: the element
/// at `[i, j, k]` of a tensor of shape `[I, J, K]` lives at offset `(i·J + j)·K + k`.
///
/// Shape legend used across the library: B batch, L sequence length, H model width (channels),
/// N state size.
public struct Tensor<Scalar: Sendable>: Sendable {
  /// The extent of each axis, outermost first.
  public private(set) var shape: [Int]

  /// The scalars in row-major order. Their count always equals the product of `shape`.
  public var scalars: [Scalar] {
    didSet {
      precondition(
        scalars.count == Tensor.scalarCount(of: shape),
        "Tensor.scalars: \(scalars.count) scalars do not fill shape \(shape)")
    }
  }

  /// Creates a tensor from its shape and its scalars in row-major order.
  ///
  /// - Parameters:
  ///   - shape: The extent of each axis; every extent must be non-negative.
  ///   - scalars: Exactly `shape.reduce(1, *)` scalars.
  public init(shape: [Int], scalars: [Scalar]) {
    precondition(
      shape.allSatisfy { $0 >= 0 }, "Tensor(shape:scalars:): negative extent in shape \(shape)")
    precondition(
      scalars.count == Tensor.scalarCount(of: shape),
      "Tensor(shape:scalars:): \(scalars.count) scalars do not fill shape \(shape)")
    self.shape = shape
    self.scalars = scalars
  }

  /// Creates a tensor of the given shape with every scalar equal to `value`.
  public init(shape: [Int], repeating value: Scalar) {
    precondition(
      shape.allSatisfy { $0 >= 0 }, "Tensor(shape:repeating:): negative extent in shape \(shape)")
    self.shape = shape
    self.scalars = Array(repeating: value, count: Tensor.scalarCount(of: shape))
  }

  /// Creates a tensor of the given shape whose scalars are produced by `body`, called once per
  /// flat (row-major) index, in order.
  ///
  /// Inlinable, so that the loop is specialised for the caller's scalar type: unspecialised,
  /// it spent most of its time in generic metadata lookups (`s4-bench blocks --filter
  /// blocks.s4.forward_backward`, whose random inputs come from here, took 20–21 s in all
  /// instead of 6.2–6.4 s).
  @inlinable
  public init(shape: [Int], generating body: (Int) throws -> Scalar) rethrows {
    precondition(
      shape.allSatisfy { $0 >= 0 }, "Tensor(shape:generating:): negative extent in shape \(shape)")
    let count = Tensor.scalarCount(of: shape)
    var scalars = [Scalar]()
    scalars.reserveCapacity(count)
    for index in 0..<count { scalars.append(try body(index)) }
    self.init(shape: shape, scalars: scalars)
  }

  /// Creates a tensor whose scalars `initializer` writes into uninitialised storage, saving
  /// the pass that would first fill it with zeros.
  ///
  /// - Parameters:
  ///   - shape: The extent of each axis.
  ///   - initializer: Must initialise every one of the `shape.reduce(1, *)` scalars.
  public init(
    shape: [Int], unsafeUninitializedScalars initializer: (UnsafeMutableBufferPointer<Scalar>) -> Void
  ) {
    precondition(
      shape.allSatisfy { $0 >= 0 },
      "Tensor(shape:unsafeUninitializedScalars:): negative extent in shape \(shape)")
    let count = Tensor.scalarCount(of: shape)
    self.shape = shape
    self.scalars = [Scalar](unsafeUninitializedCapacity: count) { buffer, initializedCount in
      initializer(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
      initializedCount = count
    }
  }

  /// The number of axes.
  public var rank: Int { shape.count }

  /// The number of scalars (the product of the extents).
  public var scalarCount: Int { scalars.count }

  /// The row-major strides of `shape`: the distance in scalars between neighbours along each axis.
  public var strides: [Int] { Tensor.rowMajorStrides(of: shape) }

  /// The scalar at a multi-dimensional index.
  ///
  /// - Precondition: one index per axis, each within its extent.
  public subscript(_ indices: Int...) -> Scalar {
    get { scalars[flatIndex(indices)] }
    set { scalars[flatIndex(indices)] = newValue }
  }

  /// The same scalars viewed with another shape of equal scalar count.
  public func reshaped(to newShape: [Int]) -> Tensor {
    precondition(
      Tensor.scalarCount(of: newShape) == scalarCount && newShape.allSatisfy { $0 >= 0 },
      "Tensor.reshaped(to:): cannot view shape \(shape) (\(scalarCount) scalars) as \(newShape)")
    var result = self
    result.shape = newShape
    return result
  }

  /// Calls `body` with a pointer to the contiguous row-major scalars.
  public func withUnsafeBufferPointer<R>(
    _ body: (UnsafeBufferPointer<Scalar>) throws -> R
  ) rethrows -> R {
    try scalars.withUnsafeBufferPointer(body)
  }

  /// Calls `body` with a mutable pointer to the contiguous row-major scalars (copying them first
  /// if the storage is shared).
  public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R
  ) rethrows -> R {
    try scalars.withUnsafeMutableBufferPointer(body)
  }

  /// Returns a tensor of the same shape with `transform` applied to every scalar.
  @inlinable
  public func map<Result: Sendable>(_ transform: (Scalar) throws -> Result) rethrows -> Tensor<
    Result
  > {
    Tensor<Result>(shape: shape, scalars: try scalars.map(transform))
  }

  private func flatIndex(_ indices: [Int]) -> Int {
    precondition(
      indices.count == shape.count,
      "Tensor subscript: \(indices.count) indices for a tensor of shape \(shape)")
    var offset = 0
    for (axis, index) in indices.enumerated() {
      precondition(
        index >= 0 && index < shape[axis],
        "Tensor subscript: index \(indices) is out of bounds for shape \(shape)")
      offset = offset * shape[axis] + index
    }
    return offset
  }

  /// The number of scalars a tensor of `shape` holds.
  public static func scalarCount(of shape: [Int]) -> Int {
    shape.reduce(1, *)
  }

  /// Row-major strides for `shape`.
  public static func rowMajorStrides(of shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var distance = 1
    for axis in shape.indices.reversed() {
      strides[axis] = distance
      distance *= shape[axis]
    }
    return strides
  }
}

extension Tensor: Equatable where Scalar: Equatable {}

extension Tensor: CustomStringConvertible {
  /// The shape and the first few scalars.
  public var description: String {
    let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
    let more = scalarCount > 8 ? ", … (\(scalarCount) scalars)" : ""
    return "Tensor\(shape)[\(shown)\(more)]"
  }
}

extension Tensor where Scalar: Numeric {
  /// A tensor of the given shape filled with zeros.
  public init(zeros shape: [Int]) {
    self.init(shape: shape, repeating: 0)
  }
}
