// Key primitives of the predicting readers. The key tables themselves (players, their poses
// and stats, in the order the game sends them) are generated (GameJSONReader.generated.swift).
// The reader first checks whether the input continues with the key that usually comes next
// (`"name":` compared in 8-byte words); only when it does not does it scan the key and look it up.

extension JSONScanner {
    /// If the input continues with `pattern` (a key with its quotes and colon), consumes it
    /// and any whitespace after it.
    @inline(__always) @usableFromInline
    mutating func consumeKey(_ pattern: StaticString) -> Bool {
        let n = pattern.utf8CodeUnitCount
        guard i &+ n <= end, JSONScanner.bytesEqual(p + i, pattern.utf8Start, n) else { return false }
        i &+= n
        if i < end && p[i] <= 0x20 { skipWhitespace() }
        return true
    }

    /// `n` bytes at `a` and `b` are equal, compared in words when `n` >= 4.
    @inline(__always) @usableFromInline
    static func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let ra = UnsafeRawPointer(a)
        let rb = UnsafeRawPointer(b)
        if n >= 8 {
            var k = 0
            while k &+ 8 < n {
                if ra.loadUnaligned(fromByteOffset: k, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: k, as: UInt64.self) {
                    return false
                }
                k &+= 8
            }
            return ra.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
                == rb.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
        }
        if n >= 4 {
            return ra.loadUnaligned(as: UInt32.self) == rb.loadUnaligned(as: UInt32.self)
                && ra.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
                    == rb.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
        }
        var k = 0
        while k < n {
            if a[k] != b[k] { return false }
            k &+= 1
        }
        return true
    }

    /// A known key whose value is not of its type (`null`) kept raw under the key's name.
    @usableFromInline
    mutating func extra(pattern: StaticString) throws(GameJSONError) -> ExtraField {
        let range = try skipValue()
        let name = String(decoding: UnsafeBufferPointer(start: pattern.utf8Start + 1, count: pattern.utf8CodeUnitCount - 3), as: UTF8.self)
        return ExtraField(key: name, json: Array(UnsafeBufferPointer(start: p + range.lowerBound, count: range.count)))
    }
}
