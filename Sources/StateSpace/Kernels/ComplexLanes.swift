/// Eight complex numbers in split (real, imaginary) planes, for the per-node Woodbury algebra.
struct ComplexLanes<Scalar: SSMScalar> {
  var real: KernelLanes<Scalar>
  var imaginary: KernelLanes<Scalar>

  @inline(__always)
  init(real: KernelLanes<Scalar>, imaginary: KernelLanes<Scalar>) {
    self.real = real
    self.imaginary = imaginary
  }

  /// Loads lanes `offset..<offset+8` of a (real plane, imaginary plane) pair.
  @inline(__always)
  init(planes: UnsafePointer<Scalar>, planeLength: Int, offset: Int) {
    real = KernelLaneMemory.load(planes, offset)
    imaginary = KernelLaneMemory.load(planes, planeLength + offset)
  }

  @inline(__always)
  var conjugate: ComplexLanes { ComplexLanes(real: real, imaginary: -imaginary) }

  /// 1/z = z̄/|z|².
  @inline(__always)
  var reciprocal: ComplexLanes {
    let scale = 1 / (real * real + imaginary * imaginary)
    return ComplexLanes(real: real * scale, imaginary: -(imaginary * scale))
  }

  @inline(__always)
  static func + (a: ComplexLanes, b: ComplexLanes) -> ComplexLanes {
    ComplexLanes(real: a.real + b.real, imaginary: a.imaginary + b.imaginary)
  }

  @inline(__always)
  static func - (a: ComplexLanes, b: ComplexLanes) -> ComplexLanes {
    ComplexLanes(real: a.real - b.real, imaginary: a.imaginary - b.imaginary)
  }

  @inline(__always)
  static func * (a: ComplexLanes, b: ComplexLanes) -> ComplexLanes {
    ComplexLanes(
      real: a.real * b.real - a.imaginary * b.imaginary,
      imaginary: a.real * b.imaginary + a.imaginary * b.real)
  }

  @inline(__always)
  static prefix func - (a: ComplexLanes) -> ComplexLanes {
    ComplexLanes(real: -a.real, imaginary: -a.imaginary)
  }

  /// Stores the lanes into `offset..<offset+8` of a (real plane, imaginary plane) pair.
  @inline(__always)
  func store(planes: UnsafeMutablePointer<Scalar>, planeLength: Int, offset: Int) {
    KernelLaneMemory.store(real, planes, offset)
    KernelLaneMemory.store(imaginary, planes, planeLength + offset)
  }
}
