/// The adaptive binary range coder of `.nvr` column streams (stream method 2,
/// docs/nvr-format.md "Arithmetic-coded columns"): LZMA's binary coder (11-bit probabilities,
/// adaptation shift 5, 32-bit range, carry through a cached byte).
struct NVRRangeEncoder {
    static let probBits: UInt32 = 11
    static let probInit: UInt16 = 1 << 10
    static let moveBits: UInt16 = 5
    static let top: UInt32 = 1 << 24

    var out: [UInt8] = []
    private var low: UInt64 = 0
    private var range: UInt32 = 0xFFFF_FFFF
    private var cache: UInt8 = 0
    private var cacheSize: Int = 1

    init(capacity: Int = 1024) { out.reserveCapacity(capacity) }

    @inline(__always)
    private mutating func shiftLow() {
        if low < 0xFF00_0000 || low >= (1 << 32) {
            let carry = UInt8(truncatingIfNeeded: low >> 32)
            var temp = cache
            repeat {
                out.append(temp &+ carry)
                temp = 0xFF
                cacheSize -= 1
            } while cacheSize != 0
            cache = UInt8(truncatingIfNeeded: low >> 24)
        }
        cacheSize += 1
        low = (low & 0x00FF_FFFF) << 8
    }

    @inline(__always)
    mutating func bit(_ b: Bool, _ p: inout UInt16) {
        let bound = (range >> NVRRangeEncoder.probBits) &* UInt32(p)
        if !b {
            range = bound
            p &+= ((1 << 11) &- p) >> NVRRangeEncoder.moveBits
        } else {
            low &+= UInt64(bound)
            range &-= bound
            p &-= p >> NVRRangeEncoder.moveBits
        }
        while range < NVRRangeEncoder.top {
            range <<= 8
            shiftLow()
        }
    }

    /// An equiprobable bit (no model).
    @inline(__always)
    mutating func direct(_ b: Bool) {
        range >>= 1
        if b { low &+= UInt64(range) }
        while range < NVRRangeEncoder.top {
            range <<= 8
            shiftLow()
        }
    }

    mutating func finish() -> [UInt8] {
        for _ in 0..<5 { shiftLow() }
        return out
    }
}

/// Decoder side of ``NVRRangeEncoder``. Reading past the end of the input reads zero bytes
/// (callers bound how many symbols they decode, so damaged input cannot loop).
struct NVRRangeDecoder {
    private let bytes: [UInt8]
    private var position: Int
    private let end: Int
    private var range: UInt32 = 0xFFFF_FFFF
    private var code: UInt32 = 0
    /// Bytes asked for beyond the end (a sign of damage).
    private(set) var overrun = 0

    init(_ bytes: [UInt8], from start: Int, to end: Int) {
        self.bytes = bytes
        self.position = start
        self.end = end
        _ = next()
        for _ in 0..<4 { code = (code << 8) | UInt32(next()) }
    }

    @inline(__always)
    private mutating func next() -> UInt8 {
        if position < end {
            let b = bytes[position]
            position &+= 1
            return b
        }
        overrun &+= 1
        return 0
    }

    @inline(__always)
    mutating func bit(_ p: inout UInt16) -> Bool {
        let bound = (range >> NVRRangeEncoder.probBits) &* UInt32(p)
        let b: Bool
        if code < bound {
            range = bound
            p &+= ((1 << 11) &- p) >> NVRRangeEncoder.moveBits
            b = false
        } else {
            range &-= bound
            code &-= bound
            p &-= p >> NVRRangeEncoder.moveBits
            b = true
        }
        while range < NVRRangeEncoder.top {
            range <<= 8
            code = (code << 8) | UInt32(next())
        }
        return b
    }

    @inline(__always)
    mutating func direct() -> Bool {
        range >>= 1
        let b = code >= range
        if b { code &-= range }
        while range < NVRRangeEncoder.top {
            range <<= 8
            code = (code << 8) | UInt32(next())
        }
        return b
    }
}

/// The adaptive models of one arithmetic-coded column stream (reset for every block, so
/// blocks stay independent).
struct NVRColumnModels {
    /// Residual classes 0...15 by a column's mean; class 16 codes velocity scales (version 2);
    /// classes 17...24 code row 0 of a column by its kind (version 3: a keyframe value is a
    /// whole value, not a residual, and its size depends on what the column holds).
    static let classes = 25
    static let scaleClass = 16
    /// The class of row 0 of a column whose row-0 kind is `kind` (version 3).
    @inline(__always)
    static func keyframeClass(kind: Int) -> Int { 17 &+ kind }
    /// Per class: [0] zero flag, [1...64] unary length bits, [65...128] first mantissa bit by length.
    static let perClass = 129
    var residual = [UInt16](repeating: NVRRangeEncoder.probInit, count: classes * perClass)
    /// Header symbols: kind (3-bit tree, 8) per previous kind (8) = 64; mixed flag 2;
    /// row kinds 8; predictor (2-bit tree, 4) per kind (8) = 32; class (4-bit tree, 16) per kind = 128.
    var kind = [UInt16](repeating: NVRRangeEncoder.probInit, count: 64)
    var mixed = [UInt16](repeating: NVRRangeEncoder.probInit, count: 2)
    var rowKind = [UInt16](repeating: NVRRangeEncoder.probInit, count: 8)
    /// Predictor trees: 2 bits (version 1) or 3 bits (version 2) per kind.
    var predictor = [UInt16](repeating: NVRRangeEncoder.probInit, count: 64)
    var klass = [UInt16](repeating: NVRRangeEncoder.probInit, count: 128)
    var previousKind = 0
    /// Version 3: "predictor and class as the sibling's" flag, by the column's kind.
    var same = [UInt16](repeating: NVRRangeEncoder.probInit, count: 8)
    /// The scale of the stream's previous velocity column (version 2).
    var previousScale: Int64 = 0

    /// Codes `value` (`bits` wide, most significant first) with a binary tree of models at
    /// `models[base + node]`.
    @inline(__always)
    static func encodeTree(_ e: inout NVRRangeEncoder, _ models: inout [UInt16], base: Int, bits: Int, _ value: Int) {
        var node = 1
        for i in stride(from: bits - 1, through: 0, by: -1) {
            let b = (value >> i) & 1 == 1
            e.bit(b, &models[base + node])
            node = node * 2 + (b ? 1 : 0)
        }
    }

    @inline(__always)
    static func decodeTree(_ d: inout NVRRangeDecoder, _ models: inout [UInt16], base: Int, bits: Int) -> Int {
        var node = 1
        for _ in 0..<bits {
            let b = d.bit(&models[base + node])
            node = node * 2 + (b ? 1 : 0)
        }
        return node - (1 << bits)
    }

    /// Zigzag value `u` with class `c`: zero flag; bit length n-1 in unary (contexts by
    /// position); the bit below the leading one with a context by n; the rest direct.
    @inline(__always)
    mutating func encode(_ e: inout NVRRangeEncoder, _ u: UInt64, class c: Int) {
        let base = c * NVRColumnModels.perClass
        if u == 0 {
            e.bit(false, &residual[base])
            return
        }
        e.bit(true, &residual[base])
        let n = 64 - u.leadingZeroBitCount
        for i in 0..<(n - 1) { e.bit(true, &residual[base + 1 + i]) }
        if n < 64 { e.bit(false, &residual[base + n]) }
        if n >= 2 {
            e.bit((u >> UInt64(n - 2)) & 1 == 1, &residual[base + 64 + n])
            if n >= 3 {
                for i in stride(from: n - 3, through: 0, by: -1) { e.direct((u >> UInt64(i)) & 1 == 1) }
            }
        }
    }

    @inline(__always)
    mutating func decode(_ d: inout NVRRangeDecoder, class c: Int) -> UInt64 {
        let base = c * NVRColumnModels.perClass
        if !d.bit(&residual[base]) { return 0 }
        var n = 1
        while n < 64 && d.bit(&residual[base + n]) { n += 1 }
        var u: UInt64 = 1
        if n >= 2 {
            u = (u << 1) | (d.bit(&residual[base + 64 + n]) ? 1 : 0)
            if n >= 3 {
                for _ in 0..<(n - 2) { u = (u << 1) | (d.direct() ? 1 : 0) }
            }
        }
        return u
    }
}
