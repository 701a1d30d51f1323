/// Bounds-checked little-endian reads over decompressed `.butter` bytes; every read past the
/// end throws instead of trapping.
struct ButterCursor {
    struct End: Error {
        var needed: Int
        var at: Int
    }

    let bytes: [UInt8]
    var position: Int

    init(_ bytes: [UInt8], position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var isAtEnd: Bool { position >= bytes.count }
    var remaining: Int { bytes.count - position }

    mutating func need(_ n: Int) throws(End) {
        if n > bytes.count - position { throw End(needed: n, at: position) }
    }

    mutating func u8() throws(End) -> UInt8 {
        try need(1)
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u16() throws(End) -> UInt16 {
        try need(2)
        defer { position += 2 }
        return UInt16(bytes[position]) | UInt16(bytes[position + 1]) << 8
    }

    mutating func u32() throws(End) -> UInt32 {
        try need(4)
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[position + i]) << (8 * UInt32(i)) }
        position += 4
        return v
    }

    mutating func u64() throws(End) -> UInt64 {
        try need(8)
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return v
    }

    mutating func f32() throws(End) -> Float { Float(bitPattern: try u32()) }

    /// IEEE 754 binary16.
    mutating func half() throws(End) -> Float { ButterCursor.halfToFloat(try u16()) }

    static func halfToFloat(_ h: UInt16) -> Float {
        let sign: Float = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = Float(h & 0x3FF)
        switch exponent {
        case 0: return sign * mantissa * 0x1p-24
        case 31: return mantissa == 0 ? sign * .infinity : .nan
        default: return sign * (1 + mantissa / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }

    /// NUL-terminated ASCII (bytes above 0x7F kept as Latin-1 code points), at most `limit` bytes.
    mutating func cString(limit: Int = 4096) throws(End) -> String {
        var scalars = String.UnicodeScalarView()
        var n = 0
        while true {
            let b = try u8()
            if b == 0 { return String(scalars) }
            n += 1
            if n > limit { throw End(needed: 1, at: position) }
            scalars.append(Unicode.Scalar(b))
        }
    }

    /// Mirror-style varint (`ConverterExtensions.cs`).
    mutating func varint() throws(End) -> UInt64 {
        let a = try u8()
        switch a {
        case 0...240: return UInt64(a)
        case 241...248: return 240 + 256 * UInt64(a - 241) + UInt64(try u8())
        case 249:
            let b1 = UInt64(try u8())
            let b2 = UInt64(try u8())
            return 2288 + 256 * b1 + b2
        default:
            let n = Int(a) - 247  // 250 → 3 bytes … 255 → 8 bytes
            try need(n)
            var v: UInt64 = 0
            for i in 0..<n { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
            position += n
            return v
        }
    }

    mutating func zigzag() throws(End) -> Int64 {
        let n = try varint()
        return Int64(bitPattern: n >> 1) ^ -Int64(bitPattern: n & 1)
    }
}
