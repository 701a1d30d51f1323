/// Why bytes read from a `.nvr` file could not be decoded (wrapped into ``NVRError`` with the
/// file, block and offset by the reader).
struct NVRCorrupt: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Little-endian and LEB128 output for the `.nvr` codec.
struct NVRByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    @inline(__always)
    mutating func u8(_ v: UInt8) { bytes.append(v) }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    @inline(__always)
    mutating func varint(_ value: Int) { varint(UInt64(value)) }

    @inline(__always)
    mutating func signed(_ value: Int64) { varint(NVRByteWriter.zigzag(value)) }

    @inline(__always)
    static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }

    @inline(__always)
    static func varintLength(_ v: UInt64) -> Int { v == 0 ? 1 : (64 - v.leadingZeroBitCount + 6) / 7 }

    mutating func u32(_ v: UInt32) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
    }

    mutating func u64(_ v: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    /// Length-prefixed bytes.
    mutating func blob(_ b: [UInt8]) {
        varint(b.count)
        bytes.append(contentsOf: b)
    }

    mutating func blob(_ b: ArraySlice<UInt8>) {
        varint(b.count)
        bytes.append(contentsOf: b)
    }

    mutating func string(_ s: String) { blob(Array(s.utf8)) }
}

/// Bounds-checked input: every read says what was expected when the bytes run out.
struct NVRByteReader {
    let bytes: [UInt8]
    var position: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.position = start
        self.end = end ?? bytes.count
    }

    var isAtEnd: Bool { position >= end }
    var remaining: Int { end - position }

    @inline(__always)
    mutating func u8() throws(NVRCorrupt) -> UInt8 {
        guard position < end else { throw NVRCorrupt("ends inside a byte field at \(position)") }
        let b = bytes[position]
        position &+= 1
        return b
    }

    @inline(__always)
    mutating func varint() throws(NVRCorrupt) -> UInt64 {
        if position < end {
            let b = bytes[position]
            if b < 0x80 {
                position &+= 1
                return UInt64(b)
            }
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw NVRCorrupt("ends inside a varint at \(position)") }
            let b = bytes[position]
            position &+= 1
            if shift == 63 && b > 1 { throw NVRCorrupt("varint longer than 64 bits at \(position - 1)") }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw NVRCorrupt("varint longer than 10 bytes at \(position - 1)") }
        }
    }

    @inline(__always)
    mutating func signed() throws(NVRCorrupt) -> Int64 {
        let z = try varint()
        return Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1)
    }

    /// A count or length, at most `limit` (and never more than the bytes left when `bytesEach` > 0).
    mutating func count(_ what: String, limit: Int, bytesEach: Int = 0) throws(NVRCorrupt) -> Int {
        let v = try varint()
        guard v <= UInt64(limit) else { throw NVRCorrupt("\(what) \(v) exceeds the limit \(limit)") }
        let n = Int(v)
        if bytesEach > 0 && n > remaining / bytesEach { throw NVRCorrupt("\(what) \(n) exceeds the \(remaining) bytes left") }
        return n
    }

    mutating func u32() throws(NVRCorrupt) -> UInt32 {
        guard remaining >= 4 else { throw NVRCorrupt("ends inside a 32-bit field at \(position)") }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[position + i]) << (8 * UInt32(i)) }
        position += 4
        return v
    }

    mutating func u64() throws(NVRCorrupt) -> UInt64 {
        guard remaining >= 8 else { throw NVRCorrupt("ends inside a 64-bit field at \(position)") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return v
    }

    mutating func take(_ n: Int) throws(NVRCorrupt) -> ArraySlice<UInt8> {
        guard n >= 0, n <= remaining else { throw NVRCorrupt("needs \(n) bytes at \(position), \(remaining) left") }
        defer { position += n }
        return bytes[position..<(position + n)]
    }

    mutating func blob(_ what: String, limit: Int = 1 << 28) throws(NVRCorrupt) -> ArraySlice<UInt8> {
        let n = try count("\(what) length", limit: limit, bytesEach: 1)
        return try take(n)
    }

    mutating func string(_ what: String) throws(NVRCorrupt) -> String {
        let b = try blob(what, limit: 1 << 20)
        return String(decoding: b, as: UTF8.self)
    }
}
