/// The subset of JSON a safetensors header needs, read strictly from bytes and written with
/// proper escaping. Parsing reports the byte offset of the first error and never recurses
/// deeper than ``maximumDepth``, so hostile headers cannot exhaust the stack.
enum HeaderJSON: Equatable {
  case object([String: HeaderJSON])
  case array([HeaderJSON])
  case string(String)
  /// The number's literal text, validated against JSON's grammar.
  case number(String)
  case bool(Bool)
  case null

  static let maximumDepth = 32

  /// The non-negative integer this value holds, if it is one that fits an `Int`.
  var nonNegativeInteger: Int? {
    guard case .number(let text) = self, !text.isEmpty,
      text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
    else { return nil }
    return Int(text)
  }

  /// Parses one JSON value filling `bytes` (surrounding whitespace allowed).
  static func parse(_ bytes: ArraySlice<UInt8>) throws(CheckpointError) -> HeaderJSON {
    var parser = Parser(bytes: bytes)
    parser.skipWhitespace()
    let value = try parser.value(depth: 0)
    parser.skipWhitespace()
    guard parser.isAtEnd else { throw parser.failure("unexpected data after the value") }
    return value
  }

  /// `text` as a JSON string literal.
  static func quoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          result.unicodeScalars.append(scalar)
        }
      }
    }
    return result + "\""
  }
}

private struct Parser {
  let bytes: ArraySlice<UInt8>
  var index: Int

  init(bytes: ArraySlice<UInt8>) {
    self.bytes = bytes
    self.index = bytes.startIndex
  }

  var isAtEnd: Bool { index >= bytes.endIndex }

  func failure(_ reason: String) -> CheckpointError {
    .invalidJSON(offset: index - bytes.startIndex, reason: reason)
  }

  mutating func skipWhitespace() {
    while index < bytes.endIndex,
      [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index])
    {
      index += 1
    }
  }

  mutating func expect(_ byte: UInt8) throws(CheckpointError) {
    guard index < bytes.endIndex, bytes[index] == byte else {
      throw failure("expected '\(Character(Unicode.Scalar(byte)))'")
    }
    index += 1
  }

  mutating func value(depth: Int) throws(CheckpointError) -> HeaderJSON {
    guard depth < HeaderJSON.maximumDepth else { throw failure("nested too deeply") }
    guard index < bytes.endIndex else { throw failure("unexpected end of header") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try object(depth: depth)
    case UInt8(ascii: "["): return try array(depth: depth)
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
    default: throw failure("unexpected character")
    }
  }

  mutating func object(depth: Int) throws(CheckpointError) -> HeaderJSON {
    try expect(UInt8(ascii: "{"))
    var members: [String: HeaderJSON] = [:]
    skipWhitespace()
    if index < bytes.endIndex, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") else {
        throw failure("expected a member name")
      }
      let keyOffset = index
      let key = try string()
      skipWhitespace()
      try expect(UInt8(ascii: ":"))
      skipWhitespace()
      let member = try value(depth: depth + 1)
      guard members.updateValue(member, forKey: key) == nil else {
        index = keyOffset
        throw failure("duplicate member '\(key)'")
      }
      skipWhitespace()
      guard index < bytes.endIndex else { throw failure("unterminated object") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
      } else {
        try expect(UInt8(ascii: "}"))
        return .object(members)
      }
    }
  }

  mutating func array(depth: Int) throws(CheckpointError) -> HeaderJSON {
    try expect(UInt8(ascii: "["))
    var elements: [HeaderJSON] = []
    skipWhitespace()
    if index < bytes.endIndex, bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try value(depth: depth + 1))
      skipWhitespace()
      guard index < bytes.endIndex else { throw failure("unterminated array") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
      } else {
        try expect(UInt8(ascii: "]"))
        return .array(elements)
      }
    }
  }

  mutating func literal(_ word: String) throws(CheckpointError) {
    for byte in word.utf8 { try expect(byte) }
  }

  mutating func number() throws(CheckpointError) -> String {
    let start = index
    func digits(_ parser: inout Parser) -> Int {
      let first = parser.index
      while parser.index < parser.bytes.endIndex,
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index])
      {
        parser.index += 1
      }
      return parser.index - first
    }
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    let integerStart = index
    let integerDigits = digits(&self)
    guard integerDigits > 0 else { throw failure("a number needs digits") }
    guard integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else {
      throw failure("leading zero in a number")
    }
    if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard digits(&self) > 0 else { throw failure("a fraction needs digits") }
    }
    if index < bytes.endIndex, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      index += 1
      if index < bytes.endIndex, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
        index += 1
      }
      guard digits(&self) > 0 else { throw failure("an exponent needs digits") }
    }
    return String(decoding: bytes[start..<index], as: UTF8.self)
  }

  mutating func string() throws(CheckpointError) -> String {
    try expect(UInt8(ascii: "\""))
    var utf8: [UInt8] = []
    while true {
      guard index < bytes.endIndex else { throw failure("unterminated string") }
      let byte = bytes[index]
      index += 1
      switch byte {
      case UInt8(ascii: "\""):
        guard let text = String(validating: utf8, as: UTF8.self) else {
          throw failure("a string is not valid UTF-8")
        }
        return text
      case UInt8(ascii: "\\"):
        try escape(into: &utf8)
      case 0..<0x20:
        index -= 1
        throw failure("control character in a string")
      default:
        utf8.append(byte)
      }
    }
  }

  mutating func escape(into utf8: inout [UInt8]) throws(CheckpointError) {
    guard index < bytes.endIndex else { throw failure("unterminated escape") }
    let byte = bytes[index]
    index += 1
    switch byte {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(byte)
    case UInt8(ascii: "b"): utf8.append(0x08)
    case UInt8(ascii: "f"): utf8.append(0x0C)
    case UInt8(ascii: "n"): utf8.append(0x0A)
    case UInt8(ascii: "r"): utf8.append(0x0D)
    case UInt8(ascii: "t"): utf8.append(0x09)
    case UInt8(ascii: "u"):
      var code = try hexQuad()
      if (0xD800..<0xDC00).contains(code) {
        // A high surrogate must be followed by an escaped low surrogate.
        try expect(UInt8(ascii: "\\"))
        try expect(UInt8(ascii: "u"))
        let low = try hexQuad()
        guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate") }
        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
      }
      guard let scalar = Unicode.Scalar(code) else { throw failure("unpaired surrogate") }
      utf8.append(contentsOf: String(Character(scalar)).utf8)
    default:
      index -= 1
      throw failure("invalid escape")
    }
  }

  mutating func hexQuad() throws(CheckpointError) -> UInt32 {
    guard index + 4 <= bytes.endIndex else { throw failure("short \\u escape") }
    var code: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw failure("invalid hex digit in \\u escape")
      }
      code = code << 4 | UInt32(digit)
      index += 1
    }
    return code
  }
}
