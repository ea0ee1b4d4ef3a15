import StateSpace
import Testing
import _FFTKernels
import _TestSupport

/// The recurrent product of the LSTM and GRU time loops (`s4rnn_product`, RecurrentPanels.h)
/// through the register panels of both shapes, AVX-512's (blocks of up to 8 rows × the whole
/// panel) and AVX2's (1–2 rows × the whole panel, or blocks of 3–6 rows × each half), on any
/// machine: every row count past one group of 16 rows, full and partial panels, with and
/// without an initial value, against the sums in Double. The block tests run only the
/// machine's shape.
@Suite("Recurrent product panels")
struct RecurrentProductTests {
  static let depth = 37
  /// A value the product must leave alone: the rows after `rows` and the columns after
  /// `width` of c.
  static let untouched = 1e30

  @Test(arguments: [false, true], [false, true])
  func everyShapeAndRowCount(wide: Bool, double: Bool) {
    let panel = double ? 16 : 32
    for rows in 1...19 {
      for width in [panel, panel / 2, 3] {
        for hasInit in [false, true] {
          let error =
            double
            ? Self.error(Double.self, wide: wide, rows: rows, width: width, panel: panel, hasInit: hasInit)
            : Self.error(Float.self, wide: wide, rows: rows, width: width, panel: panel, hasInit: hasInit)
          #expect(
            error < (double ? 1e-14 : 1e-6),
            "wide \(wide) rows \(rows) width \(width) init \(hasInit): \(error)")
        }
      }
    }
  }

  /// The largest error of one product relative to its largest sum, or infinity when a scalar
  /// outside the result changed.
  static func error<Scalar: BinaryFloatingPoint>(
    _: Scalar.Type, wide: Bool, rows: Int, width: Int, panel: Int, hasInit: Bool
  ) -> Double {
    var generator = SeededGenerator(seed: UInt64(100 * rows + width))
    func random(_ count: Int) -> [Double] {
      (0..<count).map { _ in Double.random(in: -1...1, using: &generator) }
    }
    // Leading dimensions wider than the rows, so that a wrong stride shows.
    let (lda, ldi, ldc) = (depth + 2, panel + 1, panel + 3)
    let a = random(rows * lda), w = random(depth * panel), initial = random(rows * ldi)
    var c = [Scalar](repeating: Scalar(untouched), count: (rows + 1) * ldc)
    let a1 = a.map { Scalar($0) }, w1 = w.map { Scalar($0) }, initial1 = initial.map { Scalar($0) }
    a1.withUnsafeBufferPointer { a in
      w1.withUnsafeBufferPointer { w in
        initial1.withUnsafeBufferPointer { initial in
          c.withUnsafeMutableBufferPointer { c in
            let start = hasInit ? initial.baseAddress : nil
            if Scalar.self == Float.self {
              s4rnn_product_f32(
                wide ? 1 : 0, rows, width, depth, asFloat(a.baseAddress), lda, asFloat(w.baseAddress),
                panel, asFloat(start), ldi, asMutableFloat(c.baseAddress), ldc)
            } else {
              s4rnn_product_f64(
                wide ? 1 : 0, rows, width, depth, asDouble(a.baseAddress), lda, asDouble(w.baseAddress),
                panel, asDouble(start), ldi, asMutableDouble(c.baseAddress), ldc)
            }
          }
        }
      }
    }
    var worst = 0.0, scale = 0.0
    for r in 0...rows {
      for n in 0..<ldc {
        let value = Double(c[r * ldc + n])
        guard r < rows, n < width else {
          if value != Double(Scalar(untouched)) { return .infinity }
          continue
        }
        // The reference from the scalars the kernel saw.
        var sum = hasInit ? Double(initial1[r * ldi + n]) : 0
        for k in 0..<depth { sum += Double(a1[r * lda + k]) * Double(w1[k * panel + n]) }
        worst = max(worst, abs(value - sum))
        scale = max(scale, abs(sum))
      }
    }
    return worst / scale
  }

  static func asFloat<T>(_ p: UnsafePointer<T>?) -> UnsafePointer<Float>? {
    p.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) }
  }
  static func asDouble<T>(_ p: UnsafePointer<T>?) -> UnsafePointer<Double>? {
    p.map { UnsafeRawPointer($0).assumingMemoryBound(to: Double.self) }
  }
  static func asMutableFloat<T>(_ p: UnsafeMutablePointer<T>?) -> UnsafeMutablePointer<Float>? {
    p.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Float.self) }
  }
  static func asMutableDouble<T>(_ p: UnsafeMutablePointer<T>?) -> UnsafeMutablePointer<Double>? {
    p.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Double.self) }
  }
}
