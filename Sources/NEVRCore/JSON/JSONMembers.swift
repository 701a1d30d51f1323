/// The top-level members of a JSON object (or elements of an array) as byte ranges, found
/// by the core scanner, which validates every value on the way: strings and escapes, numbers,
/// literals, nesting (at most 64 levels), and nothing but whitespace after the document.
///
/// Message routers (the hub) read a few small keys (`type`, `match`, `index`) and forward the
/// large ones (`session`, `bones`, `events`) as byte ranges, so they never build a typed
/// `Session`; because the ranges come from a validating scan, what they forward is valid JSON.
///
/// ```swift
/// let members = try JSONMembers.object(bytes)
/// if let r = JSONMembers.value(forKey: "type", in: bytes, members: members) { print(JSONMembers.string(bytes, r) ?? "") }
/// ```
public enum JSONMembers {
    /// One member: the key's bytes (between the quotes, escapes not decoded) and the value's range.
    public struct Member: Hashable, Sendable {
        /// The key's bytes, between its quotes (escapes not decoded).
        public var key: Range<Int>
        /// The value's bytes, from its first to its last character.
        public var value: Range<Int>
    }

    /// The members of the object `bytes` holds (whitespace around it and trailing NULs allowed).
    public static func object(_ bytes: UnsafeRawBufferPointer) throws(GameJSONError) -> [Member] {
        var s = JSONScanner(bytes)
        var members: [Member] = []
        members.reserveCapacity(12)
        if try s.beginObject("message") {
            repeat {
                let key = try s.readKey()
                let range = try s.skipValue()
                members.append(Member(key: key.start..<(key.start + key.count), value: range))
            } while try s.nextMember(close: ASCII.closeBrace)
        }
        try finish(&s)
        return members
    }

    /// The element ranges of the array `bytes` holds.
    public static func array(_ bytes: UnsafeRawBufferPointer) throws(GameJSONError) -> [Range<Int>] {
        var s = JSONScanner(bytes)
        var out: [Range<Int>] = []
        if try s.beginArray("value") {
            repeat {
                out.append(try s.skipValue())
            } while try s.nextMember(close: ASCII.closeBracket)
        }
        try finish(&s)
        return out
    }

    private static func finish(_ s: inout JSONScanner) throws(GameJSONError) {
        s.skipWhitespace()
        guard s.atEnd else { throw s.malformed("the end of the document") }
    }

    /// The value of top-level key `key`, or nil (the first member of that name).
    public static func value(forKey key: StaticString, in bytes: UnsafeRawBufferPointer, members: [Member]) -> Range<Int>? {
        let k = UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        for m in members where m.key.count == k.count && bytes[m.key].elementsEqual(k) { return m.value }
        return nil
    }

    /// The key of `member`, escapes decoded.
    public static func key(_ bytes: UnsafeRawBufferPointer, _ member: Member) -> String {
        var out: [UInt8] = []
        let raw = UnsafeBufferPointer(rebasing: bytes.bindMemory(to: UInt8.self)[member.key])
        JSONScanner.unescape(raw, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The string a `"..."` value at `range` holds (escapes decoded), or nil when it is not a string.
    public static func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String? {
        guard range.count >= 2, bytes[range.lowerBound] == ASCII.quote, bytes[range.upperBound - 1] == ASCII.quote else { return nil }
        var out: [UInt8] = []
        let raw = UnsafeBufferPointer(rebasing: bytes.bindMemory(to: UInt8.self)[(range.lowerBound + 1)..<(range.upperBound - 1)])
        JSONScanner.unescape(raw, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The integer at `range` (digits with an optional minus, fitting `Int64`), or nil.
    public static func integer(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int64? {
        var i = range.lowerBound
        let negative = i < range.upperBound && bytes[i] == ASCII.minus
        if negative { i += 1 }
        guard i < range.upperBound else { return nil }
        var magnitude: UInt64 = 0
        while i < range.upperBound {
            let d = bytes[i] &- ASCII.zero
            guard d < 10 else { return nil }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            guard !o1, !o2 else { return nil }
            magnitude = s
            i += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return Int64(bitPattern: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// True when the value at `range` is `null`.
    public static func isNull(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        range.count == 4 && bytes[range.lowerBound] == ASCII.lowerN
    }
}
