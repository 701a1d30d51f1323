// The byte-level JSON primitives the game-JSON reader is built from.
//
// Everything works on a raw pointer into the caller's buffer: no copies, no
// `String` for keys, typed throws so errors never box into `any Error`.

/// A key just read: where its bytes are in the input (between the quotes).
@usableFromInline
struct JSONKey {
    @usableFromInline var start: Int
    @usableFromInline var count: Int
    /// The key contains a backslash escape (never a known key; decoded only for `extras`).
    @usableFromInline var hasEscapes: Bool
}

/// ASCII code units used by the scanner.
@usableFromInline
enum ASCII {
    @usableFromInline static let quote: UInt8 = 0x22  // "
    @usableFromInline static let backslash: UInt8 = 0x5C
    @usableFromInline static let comma: UInt8 = 0x2C
    @usableFromInline static let colon: UInt8 = 0x3A
    @usableFromInline static let openBrace: UInt8 = 0x7B
    @usableFromInline static let closeBrace: UInt8 = 0x7D
    @usableFromInline static let openBracket: UInt8 = 0x5B
    @usableFromInline static let closeBracket: UInt8 = 0x5D
    @usableFromInline static let minus: UInt8 = 0x2D
    @usableFromInline static let plus: UInt8 = 0x2B
    @usableFromInline static let dot: UInt8 = 0x2E
    @usableFromInline static let zero: UInt8 = 0x30
    @usableFromInline static let nine: UInt8 = 0x39
    @usableFromInline static let lowerE: UInt8 = 0x65
    @usableFromInline static let upperE: UInt8 = 0x45
    @usableFromInline static let lowerT: UInt8 = 0x74
    @usableFromInline static let lowerF: UInt8 = 0x66
    @usableFromInline static let lowerN: UInt8 = 0x6E
}

/// A forward-only cursor over one JSON document.
@usableFromInline
struct JSONScanner {
    @usableFromInline let p: UnsafePointer<UInt8>
    /// One past the last byte that belongs to the document (trailing NUL and whitespace removed).
    @usableFromInline let end: Int
    @usableFromInline var i: Int

    /// Nesting allowed inside a value the model has no type for (kept raw in `extras`).
    @usableFromInline static let maxSkipDepth = 64

    @usableFromInline
    init(_ bytes: UnsafeRawBufferPointer) {
        if let base = bytes.baseAddress, bytes.count > 0 {
            p = base.assumingMemoryBound(to: UInt8.self)
            var e = bytes.count
            // Builds before mid-2020 appended a NUL; files add newlines.
            while e > 0 {
                let c = p[e - 1]
                if c == 0 || c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { e -= 1 } else { break }
            }
            end = e
        } else {
            // Never dereferenced: `end` is 0.
            p = UnsafePointer(bitPattern: 0x10)!
            end = 0
        }
        i = 0
        // A UTF-8 byte order mark is not JSON, but editors add it.
        if end >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { i = 3 }
    }

    // MARK: Errors

    @usableFromInline
    func malformed(_ expected: String) -> GameJSONError {
        GameJSONError(offset: i, reason: .malformed(expected: expected))
    }

    @usableFromInline
    func malformed(_ expected: String, at offset: Int) -> GameJSONError {
        GameJSONError(offset: offset, reason: .malformed(expected: expected))
    }

    @usableFromInline
    func invalid(_ key: StaticString, _ expected: String) -> GameJSONError {
        GameJSONError(offset: i, reason: .invalidValue(key: key.description, expected: expected))
    }

    @usableFromInline
    func invalid(_ key: String, _ expected: String) -> GameJSONError {
        GameJSONError(offset: i, reason: .invalidValue(key: key, expected: expected))
    }

    // MARK: Bytes

    /// The current byte, or 0 at the end (0 is never valid JSON outside strings).
    @inline(__always) @usableFromInline
    var peek: UInt8 { i < end ? p[i] : 0 }

    @inline(__always) @usableFromInline
    var atEnd: Bool { i >= end }

    @inline(__always) @usableFromInline
    mutating func skipWhitespace() {
        while i < end {
            let c = p[i]
            // Fast exit for the common case: any byte above space is not whitespace.
            if c > 0x20 { return }
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i &+= 1 } else { return }
        }
    }

    /// Skips whitespace, then requires `byte`.
    @inline(__always) @usableFromInline
    mutating func expect(_ byte: UInt8, _ what: StaticString) throws(GameJSONError) {
        if i < end && p[i] == byte { i &+= 1; return }
        skipWhitespace()
        if i < end && p[i] == byte { i &+= 1; return }
        throw malformed(what.description)
    }

    /// After a member value: `true` for `,` (another member follows), `false` for `close`.
    @inline(__always) @usableFromInline
    mutating func nextMember(close: UInt8) throws(GameJSONError) -> Bool {
        if i < end {
            let c = p[i]
            if c == ASCII.comma { i &+= 1; return true }
            if c == close { i &+= 1; return false }
        }
        skipWhitespace()
        if i < end {
            let c = p[i]
            if c == ASCII.comma { i &+= 1; return true }
            if c == close { i &+= 1; return false }
        }
        throw malformed(close == ASCII.closeBrace ? "',' or '}'" : "',' or ']'")
    }

    /// Opens an object: consumes `{` and reports whether it has members (`false` for `{}`).
    @inline(__always) @usableFromInline
    mutating func beginObject(_ key: StaticString) throws(GameJSONError) -> Bool {
        skipWhitespace()
        guard i < end, p[i] == ASCII.openBrace else { throw invalid(key, "an object") }
        i &+= 1
        skipWhitespace()
        if i < end && p[i] == ASCII.closeBrace { i &+= 1; return false }
        return true
    }

    /// Opens an array: consumes `[` and reports whether it has elements (`false` for `[]`).
    @inline(__always) @usableFromInline
    mutating func beginArray(_ key: StaticString) throws(GameJSONError) -> Bool {
        skipWhitespace()
        guard i < end, p[i] == ASCII.openBracket else { throw invalid(key, "an array") }
        i &+= 1
        skipWhitespace()
        if i < end && p[i] == ASCII.closeBracket { i &+= 1; return false }
        return true
    }

    /// Reads `"key"` and the `:` after it, leaving the cursor at the value's first byte.
    @inline(__always) @usableFromInline
    mutating func readKey() throws(GameJSONError) -> JSONKey {
        if !(i < end && p[i] == ASCII.quote) {
            skipWhitespace()
            guard i < end, p[i] == ASCII.quote else { throw malformed("a key string") }
        }
        i &+= 1
        let start = i
        var escapes = false
        while true {
            guard i < end else { throw malformed("'\"' closing the key", at: i) }
            let c = p[i]
            if c == ASCII.quote { break }
            if c == ASCII.backslash {
                escapes = true
                i &+= 2
                continue
            }
            if c < 0x20 { throw malformed("a printable character in the key") }
            i &+= 1
        }
        let key = JSONKey(start: start, count: i &- start, hasEscapes: escapes)
        i &+= 1
        if i < end && p[i] == ASCII.colon {
            i &+= 1
        } else {
            try expect(ASCII.colon, "':' after the key")
        }
        if i < end && p[i] > 0x20 { return key }
        skipWhitespace()
        return key
    }

    /// True when `key` is spelled exactly `name`.
    @inline(__always) @usableFromInline
    func keyIs(_ key: JSONKey, _ name: StaticString) -> Bool {
        key.count == name.utf8CodeUnitCount && JSONScanner.bytesEqual(p + key.start, name.utf8Start, key.count)
    }

    /// The key decoded as a `String` (for `extras` and error messages).
    @usableFromInline
    func keyString(_ key: JSONKey) -> String {
        let raw = UnsafeBufferPointer(start: p + key.start, count: key.count)
        if !key.hasEscapes { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        JSONScanner.unescape(raw, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Literals

    /// `true` / `false`. Leaves the cursor unchanged and returns nil if the value is not a boolean.
    @inline(__always) @usableFromInline
    mutating func boolean() -> Bool? {
        if i &+ 4 <= end && p[i] == ASCII.lowerT && p[i &+ 1] == 0x72 && p[i &+ 2] == 0x75 && p[i &+ 3] == 0x65 {
            i &+= 4
            return true
        }
        if i &+ 5 <= end && p[i] == ASCII.lowerF && p[i &+ 1] == 0x61 && p[i &+ 2] == 0x6C && p[i &+ 3] == 0x73
            && p[i &+ 4] == 0x65
        {
            i &+= 5
            return false
        }
        return nil
    }

    @inline(__always) @usableFromInline
    mutating func bool(_ key: StaticString) throws(GameJSONError) -> Bool {
        guard let b = boolean() else { throw invalid(key, "true or false") }
        return b
    }

    /// Consumes `null` if it is next.
    @inline(__always) @usableFromInline
    mutating func null() -> Bool {
        if i &+ 4 <= end && p[i] == ASCII.lowerN && p[i &+ 1] == 0x75 && p[i &+ 2] == 0x6C && p[i &+ 3] == 0x6C {
            i &+= 4
            return true
        }
        return false
    }

    // MARK: Numbers

    @inline(__always) @usableFromInline
    static func isDigit(_ c: UInt8) -> Bool { c &- ASCII.zero < 10 }

    /// Consumes an optional `-` and requires a digit after it; true when negative.
    @inline(__always) @usableFromInline
    mutating func sign(_ key: StaticString, _ expected: String) throws(GameJSONError) -> Bool {
        var negative = false
        if i < end && p[i] == ASCII.minus {
            negative = true
            i &+= 1
        }
        guard i < end, JSONScanner.isDigit(p[i]) else {
            if negative { throw malformed("a digit after '-'") }
            throw invalid(key, expected)
        }
        return negative
    }

    /// The run of digits at the cursor (at least one) as a `UInt64`, and whether it overflowed.
    @inline(__always) @usableFromInline
    mutating func unsignedDigits() -> (value: UInt64, overflow: Bool) {
        var value: UInt64 = 0
        var overflow = false
        repeat {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(p[i] &- ASCII.zero))
            overflow = overflow || o1 || o2
            value = s
            i &+= 1
        } while i < end && JSONScanner.isDigit(p[i])
        return (value, overflow)
    }

    /// A JSON number as the `Double` nearest to its decimal text.
    ///
    /// Fast path (every number the game prints): up to 19 significant digits
    /// accumulated exactly in a `UInt64`, then one correctly rounded multiply or
    /// divide by an exact power of ten when the mantissa is below 2^53 and the
    /// decimal exponent within ±22 (Clinger's fast path). Anything else goes to
    /// the standard library's correctly rounded conversion.
    @inline(__always) @usableFromInline
    mutating func number(_ key: StaticString) throws(GameJSONError) -> Double {
        let start = i
        let negative = try sign(key, "a number")
        var mantissa: UInt64 = 0
        var digits = 0  // significant digits held in `mantissa`
        var exponent = 0
        var truncated = false
        if p[i] == ASCII.zero {
            i &+= 1
        } else {
            repeat {
                let d = UInt64(p[i] &- ASCII.zero)
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ d
                    digits &+= 1
                } else {
                    exponent &+= 1
                    truncated = true
                }
                i &+= 1
            } while i < end && JSONScanner.isDigit(p[i])
        }
        if i < end && p[i] == ASCII.dot {
            i &+= 1
            guard i < end, JSONScanner.isDigit(p[i]) else { throw malformed("a digit after '.'") }
            // Game floats carry 8 significant digits: take eight fraction digits at once.
            if i &+ 8 <= end && digits <= 11 {
                let word = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
                if JSONScanner.isEightDigits(word) {
                    mantissa = mantissa &* 100_000_000 &+ JSONScanner.eightDigitsValue(word)
                    digits &+= 8
                    exponent &-= 8
                    i &+= 8
                }
            }
            while i < end && JSONScanner.isDigit(p[i]) {
                let d = UInt64(p[i] &- ASCII.zero)
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ d
                    digits &+= 1
                    exponent &-= 1
                } else if d != 0 {
                    truncated = true
                }
                i &+= 1
            }
        }
        if i < end && (p[i] | 0x20) == ASCII.lowerE {
            i &+= 1
            var expNegative = false
            if i < end && (p[i] == ASCII.minus || p[i] == ASCII.plus) {
                expNegative = p[i] == ASCII.minus
                i &+= 1
            }
            guard i < end, JSONScanner.isDigit(p[i]) else { throw malformed("a digit in the exponent") }
            var e = 0
            repeat {
                if e < 100_000 { e = e &* 10 &+ Int(p[i] &- ASCII.zero) }
                i &+= 1
            } while i < end && JSONScanner.isDigit(p[i])
            exponent &+= expNegative ? -e : e
        }
        if mantissa == 0 && !truncated { return negative ? -0.0 : 0.0 }
        if !truncated && mantissa < (1 << 53) && exponent >= -22 && exponent <= 22 {
            let m = Double(mantissa)
            let v = exponent < 0 ? m / GameFloatFormatter.powerOfTen(-exponent) : m * GameFloatFormatter.powerOfTen(exponent)
            return negative ? -v : v
        }
        return try slowNumber(from: start)
    }

    /// True when all eight bytes of `word` are ASCII digits.
    @inline(__always) @usableFromInline
    static func isEightDigits(_ word: UInt64) -> Bool {
        ((word & 0xF0F0_F0F0_F0F0_F0F0) | (((word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4))
            == 0x3333_3333_3333_3333
    }

    /// The value of eight ASCII digits (first digit in the low byte), by SWAR multiplies.
    @inline(__always) @usableFromInline
    static func eightDigitsValue(_ word: UInt64) -> UInt64 {
        var v = word &- 0x3030_3030_3030_3030
        v = (v &* 10) &+ (v >> 8)
        let a = (v & 0x0000_00FF_0000_00FF) &* (100 &+ (1_000_000 << 32))
        let b = ((v >> 16) & 0x0000_00FF_0000_00FF) &* (1 &+ (10_000 << 32))
        return (a &+ b) >> 32
    }

    /// Correctly rounded conversion of the number text in `start..<i`.
    @usableFromInline
    func slowNumber(from start: Int) throws(GameJSONError) -> Double {
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: i &- start), as: UTF8.self)
        guard let v = Double(text) else { throw malformed("a number", at: start) }
        // 1e400 parses as infinity: no JSON writer can spell it again, so it is refused here
        // rather than stored as something else (the fast path above only yields finite values).
        guard v.isFinite else { throw malformed("a number within the range of a double (not \(text))", at: start) }
        return v
    }

    /// A JSON integer that must fit `Int64`. Integral numbers spelled with a fraction
    /// or exponent (`3.0`, `1e2`) are accepted; other fractions are an error.
    @inline(__always) @usableFromInline
    mutating func int64(_ key: StaticString) throws(GameJSONError) -> Int64 {
        let start = i
        let negative = try sign(key, "an integer")
        var magnitude: UInt64 = 0
        var overflow = false
        if p[i] == ASCII.zero {
            i &+= 1
        } else {
            (magnitude, overflow) = unsignedDigits()
        }
        if i < end && (p[i] == ASCII.dot || (p[i] | 0x20) == ASCII.lowerE) {
            i = start
            let v = try number(key)
            guard v == v.rounded(.towardZero), v >= -9.2e18, v <= 9.2e18 else {
                throw GameJSONError(offset: start, reason: .invalidValue(key: key.description, expected: "an integer"))
            }
            return Int64(v)
        }
        let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        if overflow || magnitude > limit {
            throw GameJSONError(offset: start, reason: .invalidValue(key: key.description, expected: "an integer in 64-bit range"))
        }
        return negative ? Int64(bitPattern: 0 &- magnitude) : Int64(magnitude)
    }

    @inline(__always) @usableFromInline
    mutating func int32(_ key: StaticString) throws(GameJSONError) -> Int32 {
        let start = i
        let v = try int64(key)
        guard let r = Int32(exactly: v) else {
            throw GameJSONError(offset: start, reason: .invalidValue(key: key.description, expected: "an integer in 32-bit range"))
        }
        return r
    }

    /// An unsigned 64-bit integer, bare or quoted (`userid`, `rules_changed_at` in re-saved files).
    @inline(__always) @usableFromInline
    mutating func uint64(_ key: StaticString) throws(GameJSONError) -> UInt64 {
        let start = i
        let quoted = i < end && p[i] == ASCII.quote
        if quoted { i &+= 1 }
        guard i < end, JSONScanner.isDigit(p[i]) else { throw invalid(key, "an unsigned integer") }
        let (value, overflow) = unsignedDigits()
        if overflow {
            throw GameJSONError(offset: start, reason: .invalidValue(key: key.description, expected: "an unsigned 64-bit integer"))
        }
        if quoted {
            guard i < end, p[i] == ASCII.quote else { throw invalid(key, "a closing '\"' after the digits") }
            i &+= 1
        } else if i < end && (p[i] == ASCII.dot || (p[i] | 0x20) == ASCII.lowerE) {
            throw invalid(key, "an unsigned integer")
        }
        return value
    }

    /// An integer field that re-saved files may spell as a boolean (restart requests).
    @inline(__always) @usableFromInline
    mutating func int32OrBool(_ key: StaticString) throws(GameJSONError) -> Int32 {
        if let b = boolean() { return b ? 1 : 0 }
        return try int32(key)
    }

    /// A number field that re-saved files may spell as a boolean (shoulder inputs).
    @inline(__always) @usableFromInline
    mutating func numberOrBool(_ key: StaticString) throws(GameJSONError) -> Double {
        if let b = boolean() { return b ? 1.0 : 0.0 }
        return try number(key)
    }

    /// `[x, y, z]`.
    @inline(__always) @usableFromInline
    mutating func vector3(_ key: StaticString) throws(GameJSONError) -> Vector3 {
        guard i < end, p[i] == ASCII.openBracket else { throw invalid(key, "[x, y, z]") }
        i &+= 1
        skipWhitespace()
        let x = try number(key)
        try expect(ASCII.comma, "',' between vector components")
        skipWhitespace()
        let y = try number(key)
        try expect(ASCII.comma, "',' between vector components")
        skipWhitespace()
        let z = try number(key)
        try expect(ASCII.closeBracket, "']' after three vector components")
        return Vector3(x, y, z)
    }

    /// An array of numbers as 32-bit floats (bones).
    @usableFromInline
    mutating func floatArray(_ key: StaticString) throws(GameJSONError) -> [Float] {
        var out: [Float] = []
        guard try beginArray(key) else { return out }
        out.reserveCapacity(96)
        repeat {
            skipWhitespace()
            out.append(Float(try number(key)))
        } while try nextMember(close: ASCII.closeBracket)
        return out
    }

    // MARK: Strings

    /// A JSON string value as a `String`.
    @inline(__always) @usableFromInline
    mutating func string(_ key: StaticString) throws(GameJSONError) -> String {
        guard i < end, p[i] == ASCII.quote else { throw invalid(key, "a string") }
        i &+= 1
        let start = i
        while i < end {
            let c = p[i]
            if c == ASCII.quote {
                let s = String(decoding: UnsafeBufferPointer(start: p + start, count: i &- start), as: UTF8.self)
                i &+= 1
                return s
            }
            if c == ASCII.backslash { return try escapedString(from: start) }
            if c < 0x20 { throw malformed("a printable character in the string (control characters must be escaped)") }
            i &+= 1
        }
        throw malformed("'\"' closing the string")
    }

    /// The rest of a string that contains escapes, validated and decoded.
    @usableFromInline
    mutating func escapedString(from start: Int) throws(GameJSONError) -> String {
        i = start
        try skipStringBody()
        var out: [UInt8] = []
        out.reserveCapacity(i &- start)
        JSONScanner.unescape(UnsafeBufferPointer(start: p + start, count: i &- 1 &- start), into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Validates a string body from just after its opening quote to just after its closing quote.
    @inline(__always) @usableFromInline
    mutating func skipStringBody() throws(GameJSONError) {
        while i < end {
            let c = p[i]
            if c == ASCII.quote { i &+= 1; return }
            if c == ASCII.backslash {
                i &+= 1
                guard i < end else { break }
                switch p[i] {
                case ASCII.quote, ASCII.backslash, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
                    i &+= 1
                case 0x75:  // u
                    i &+= 1
                    for _ in 0..<4 {
                        guard i < end, JSONScanner.hexValue(p[i]) != nil else { throw malformed("four hex digits after \\u") }
                        i &+= 1
                    }
                default:
                    throw malformed("a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
                }
                continue
            }
            if c < 0x20 { throw malformed("a printable character in the string (control characters must be escaped)") }
            i &+= 1
        }
        throw malformed("'\"' closing the string")
    }

    @inline(__always) @usableFromInline
    static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: return UInt32(c - 0x30)
        case 0x41...0x46: return UInt32(c - 0x41 + 10)
        case 0x61...0x66: return UInt32(c - 0x61 + 10)
        default: return nil
        }
    }

    /// Decodes an already validated string body (no quotes). Lone surrogates become U+FFFD.
    @usableFromInline
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var k = 0
        let n = raw.count
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= n else { return nil }
            var v: UInt32 = 0
            for j in 0..<4 {
                guard let h = hexValue(raw[at + j]) else { return nil }
                v = v << 4 | h
            }
            return v
        }
        while k < n {
            let c = raw[k]
            if c != ASCII.backslash {
                out.append(c)
                k += 1
                continue
            }
            guard k + 1 < n else { break }
            let e = raw[k + 1]
            k += 2
            switch e {
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                guard var scalar = hex4(k) else { return }
                k += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // High surrogate: combine with a following \uDC00-\uDFFF.
                    if k + 6 <= n, raw[k] == ASCII.backslash, raw[k + 1] == 0x75, let low = hex4(k + 2),
                        low >= 0xDC00 && low < 0xE000
                    {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        k += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                for unit in UTF8.encode(Unicode.Scalar(scalar) ?? "\u{FFFD}")! { out.append(unit) }
            default: out.append(e)  // \" \\ \/
            }
        }
    }

    // MARK: Values kept raw

    /// Validates any JSON value and returns where it lies (`start..<i`), without
    /// recursion: a bit stack records whether each open container is an object.
    @usableFromInline
    mutating func skipValue() throws(GameJSONError) -> Range<Int> {
        skipWhitespace()
        let start = i
        var isObject: UInt64 = 0  // bit d set: container at depth d is an object
        var depth = 0
        valueLoop: while true {
            // Expecting a value.
            guard i < end else { throw malformed("a value") }
            switch p[i] {
            case ASCII.openBrace, ASCII.openBracket:
                let object = p[i] == ASCII.openBrace
                i &+= 1
                skipWhitespace()
                if i < end && p[i] == (object ? ASCII.closeBrace : ASCII.closeBracket) {
                    i &+= 1
                } else {
                    guard depth < JSONScanner.maxSkipDepth else {
                        throw GameJSONError(offset: i, reason: .tooDeep)
                    }
                    if object { isObject |= 1 << UInt64(depth) } else { isObject &= ~(1 << UInt64(depth)) }
                    depth &+= 1
                    if object { _ = try readKey() }
                    skipWhitespace()
                    continue valueLoop
                }
            case ASCII.quote:
                i &+= 1
                try skipStringBody()
            case ASCII.lowerT, ASCII.lowerF:
                guard boolean() != nil else { throw malformed("true or false") }
            case ASCII.lowerN:
                guard null() else { throw malformed("null") }
            case ASCII.minus, ASCII.zero...ASCII.nine:
                _ = try number("value")
            default:
                throw malformed("a value")
            }
            // After a value: close containers or move to the next member.
            while depth > 0 {
                skipWhitespace()
                guard i < end else { throw malformed("',' or a closing bracket") }
                let top = isObject & (1 << UInt64(depth - 1)) != 0
                let c = p[i]
                if c == ASCII.comma {
                    i &+= 1
                    if top { _ = try readKey() }
                    skipWhitespace()
                    continue valueLoop
                }
                if c == (top ? ASCII.closeBrace : ASCII.closeBracket) {
                    i &+= 1
                    depth &-= 1
                    continue
                }
                throw malformed(top ? "',' or '}'" : "',' or ']'")
            }
            return start..<i
        }
    }

    /// The current value kept as an ``ExtraField`` under `key`.
    @usableFromInline
    mutating func extra(_ key: JSONKey) throws(GameJSONError) -> ExtraField {
        let range = try skipValue()
        return ExtraField(
            key: keyString(key), json: Array(UnsafeBufferPointer(start: p + range.lowerBound, count: range.count)))
    }
}
