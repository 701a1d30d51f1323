/// Finds the top-level members of one JSON object without decoding their values.
///
/// The hub routes JSON messages by a few small keys (`type`, `match`, `index`,
/// `timestamp_ns`) and forwards the large ones (`session`, `bones`, `events`) as
/// byte ranges, so it never builds a typed `Session` for a JSON-in, JSON-out path.
/// Values are skipped structurally (strings with escapes, nested objects and arrays).
struct JSONObjectScanner {
    /// One top-level member: the key's bytes (without quotes, escapes untouched)
    /// and the value's byte range in the scanned buffer.
    struct Member {
        var key: Range<Int>
        var value: Range<Int>
    }

    struct Failure: Error, CustomStringConvertible {
        var offset: Int
        var expected: String
        var description: String { "malformed JSON at byte \(offset): expected \(expected)" }
    }

    /// The members of the object that `bytes` holds (leading/trailing whitespace allowed).
    static func members(of bytes: UnsafeRawBufferPointer) throws(Failure) -> [Member] {
        var members: [Member] = []
        members.reserveCapacity(12)
        var i = skipWhitespace(bytes, 0)
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { throw Failure(offset: i, expected: "'{'") }
        i = skipWhitespace(bytes, i + 1)
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { return members }
        while true {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Failure(offset: i, expected: "a key string") }
            let keyEnd = try skipString(bytes, i)
            let key = (i + 1)..<(keyEnd - 1)
            i = skipWhitespace(bytes, keyEnd)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw Failure(offset: i, expected: "':'") }
            i = skipWhitespace(bytes, i + 1)
            let valueEnd = try skipValue(bytes, i)
            members.append(Member(key: key, value: i..<valueEnd))
            i = skipWhitespace(bytes, valueEnd)
            guard i < bytes.count else { throw Failure(offset: i, expected: "',' or '}'") }
            if bytes[i] == UInt8(ascii: ",") {
                i = skipWhitespace(bytes, i + 1)
                continue
            }
            guard bytes[i] == UInt8(ascii: "}") else { throw Failure(offset: i, expected: "',' or '}'") }
            return members
        }
    }

    /// The byte ranges of the elements of the array that `bytes` holds.
    static func elements(ofArray bytes: UnsafeRawBufferPointer) throws(Failure) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = skipWhitespace(bytes, 0)
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { throw Failure(offset: i, expected: "'['") }
        i = skipWhitespace(bytes, i + 1)
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { return out }
        while true {
            let end = try skipValue(bytes, i)
            out.append(i..<end)
            i = skipWhitespace(bytes, end)
            guard i < bytes.count else { throw Failure(offset: i, expected: "',' or ']'") }
            if bytes[i] == UInt8(ascii: "]") { return out }
            guard bytes[i] == UInt8(ascii: ",") else { throw Failure(offset: i, expected: "',' or ']'") }
            i = skipWhitespace(bytes, i + 1)
        }
    }

    /// The value of top-level key `key` in an object, or nil (a linear scan of the members).
    static func value(forKey key: StaticString, in bytes: UnsafeRawBufferPointer, members: [Member]) -> Range<Int>? {
        for m in members where keyEquals(bytes, m.key, key) { return m.value }
        return nil
    }

    static func keyEquals(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ key: StaticString) -> Bool {
        guard range.count == key.utf8CodeUnitCount else { return false }
        let k = UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        var j = 0
        for i in range {
            if bytes[i] != k[j] { return false }
            j += 1
        }
        return true
    }

    /// A JSON string value without escapes decoded (enough for ids, `type`, map keys we write).
    static func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String? {
        guard range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "\""), bytes[range.upperBound - 1] == UInt8(ascii: "\"")
        else { return nil }
        let inner = UnsafeRawBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)])
        if !inner.contains(UInt8(ascii: "\\")) { return String(decoding: inner, as: UTF8.self) }
        return unescape(inner)
    }

    /// A JSON integer value.
    static func integer(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int64? {
        var i = range.lowerBound
        guard i < range.upperBound else { return nil }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        guard i < range.upperBound else { return nil }
        var v: Int64 = 0
        while i < range.upperBound {
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            v = s
            i += 1
        }
        return negative ? -v : v
    }

    static func skipWhitespace(_ bytes: UnsafeRawBufferPointer, _ start: Int) -> Int {
        var i = start
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D, 0x00: i += 1
            default: return i
            }
        }
        return i
    }

    /// `start` is at the opening quote; returns the index after the closing quote.
    static func skipString(_ bytes: UnsafeRawBufferPointer, _ start: Int) throws(Failure) -> Int {
        var i = start + 1
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { return i + 1 }
            i += c == UInt8(ascii: "\\") ? 2 : 1
        }
        throw Failure(offset: start, expected: "a closing '\"'")
    }

    /// Returns the index after the value that starts at `start`.
    static func skipValue(_ bytes: UnsafeRawBufferPointer, _ start: Int) throws(Failure) -> Int {
        guard start < bytes.count else { throw Failure(offset: start, expected: "a value") }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return try skipString(bytes, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            // Depth-count brackets outside strings; strings may contain any bracket.
            var depth = 0
            var i = start
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""):
                    i = try skipString(bytes, i)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default:
                    break
                }
                i += 1
            }
            throw Failure(offset: start, expected: "a closing bracket")
        default:
            // number, true, false, null
            var i = start
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: break
                default:
                    i += 1
                    continue
                }
                break
            }
            guard i > start else { throw Failure(offset: start, expected: "a value") }
            return i
        }
    }

    private static func unescape(_ inner: UnsafeRawBufferPointer) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(inner.count)
        var i = 0
        while i < inner.count {
            let c = inner[i]
            guard c == UInt8(ascii: "\\") else {
                out.append(c)
                i += 1
                continue
            }
            guard i + 1 < inner.count else { return nil }
            let e = inner[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard i + 4 <= inner.count, let v = UInt32(String(decoding: inner[i..<(i + 4)], as: UTF8.self), radix: 16)
                else { return nil }
                i += 4
                var scalar = v
                if (0xD800..<0xDC00).contains(v), i + 6 <= inner.count, inner[i] == UInt8(ascii: "\\"),
                    let lo = UInt32(String(decoding: inner[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16),
                    (0xDC00..<0xE000).contains(lo)
                {
                    scalar = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
                    i += 6
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
            default: out.append(e)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
