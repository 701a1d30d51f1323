import NEVRCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How one JSON value of a frame is stored in `.nvr`: a kind plus an integer (docs/nvr-format.md,
/// "Value kinds"). Every kind reproduces the value's original text byte for byte.
@usableFromInline
enum NVRValueKind: UInt8, Sendable {
    /// Text equals the game spelling of `float32(k) * float32(0.001)`: the game's 1/1000 grid.
    case grid = 0
    /// A canonical JSON integer (`0`, `-12`, at most 18 digits).
    case integer = 1
    /// Text equals the game spelling of a float32; the integer is its ordered bit pattern.
    case float32 = 2
    /// Text equals the game spelling of `float32(double(k) / 1000)` (the rarer "divide" grid).
    case gridDivide = 3
    /// A JSON string; the integer indexes the block's string table (raw bytes between the quotes).
    case string = 4
    /// `false` (0), `true` (1) or `null` (2).
    case literal = 5
    /// Any other number text (JavaScript `600`, `1.0E-5`, 20-digit integers): kept verbatim in
    /// the string table.
    case rawNumber = 6
    /// A JSON string that spells a game clock, `MM:SS.hh` (format version 3): the integer is the
    /// time in hundredths of a second, so the column predicts like a number instead of filling
    /// the string table with a new text every frame.
    case clock = 7

    /// The number of kinds a format version knows (kind 7 since version 3).
    static func count(version: Int) -> UInt8 { version >= 3 ? 8 : 7 }
}

/// Grid and float spelling shared by the `.nvr` writer (classifying number text) and reader
/// (spelling it again).
@usableFromInline
enum NVRNumbers {
    /// Largest |k| the grid kinds accept (keeps `float32(k)` exact-ish and every sum in range).
    static let gridLimit: Int64 = 1 << 31
    /// Spellings of `float32(k) * 0.001f` for |k| <= tableLimit are precomputed (1.5 MB).
    static let tableLimit = 65_535

    /// The grid value `float32(k) * float32(0.001)` (float32 multiply, as the game computes it).
    @inline(__always)
    static func gridFloat(_ k: Int64) -> Float { Float(k) * Float(0.001) }

    /// The divide-grid value `float32(double(k) / 1000)`.
    @inline(__always)
    static func gridDivideFloat(_ k: Int64) -> Float { Float(Double(k) / 1000.0) }

    /// Flat spelling table: `offsets[i]..<offsets[i+1]` spells k = i - tableLimit.
    static let table: (bytes: [UInt8], offsets: [UInt32]) = {
        var bytes: [UInt8] = []
        bytes.reserveCapacity((2 * tableLimit + 1) * 7)
        var offsets: [UInt32] = [0]
        offsets.reserveCapacity(2 * tableLimit + 2)
        var scratch = [UInt8](repeating: 0, count: GameFloatFormatter.maxLength)
        scratch.withUnsafeMutableBufferPointer { s in
            for k in -tableLimit...tableLimit {
                let n = GameFloatFormatter.format(Double(gridFloat(Int64(k))), into: s.baseAddress!)
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: s[..<n]))
                offsets.append(UInt32(bytes.count))
            }
        }
        return (bytes, offsets)
    }()

    /// Writes the spelling of the grid value k at `out` (room: `GameFloatFormatter.maxLength`).
    @inline(__always)
    static func spellGrid(_ k: Int64, into out: UnsafeMutablePointer<UInt8>) -> Int {
        if k >= -Int64(tableLimit) && k <= Int64(tableLimit) {
            let i = Int(k) &+ tableLimit
            let t = table
            let start = Int(t.offsets[i])
            let n = Int(t.offsets[i &+ 1]) &- start
            t.bytes.withUnsafeBufferPointer { out.update(from: $0.baseAddress! + start, count: n) }
            return n
        }
        return GameFloatFormatter.format(Double(gridFloat(k)), into: out)
    }

    /// The float32 bit pattern mapped to a signed integer that orders like the value
    /// (so deltas between nearby floats are small): `b` for sign 0, `-(b & 0x7FFFFFFF) - 1` otherwise.
    @inline(__always)
    static func ordered(_ f: Float) -> Int64 {
        let b = f.bitPattern
        return b >> 31 == 0 ? Int64(b) : -Int64(b & 0x7FFF_FFFF) - 1
    }

    /// Inverse of ``ordered(_:)``; `nil` outside the 32-bit range.
    @inline(__always)
    static func float(ordered o: Int64) -> Float? {
        if o >= 0 {
            guard o <= 0xFFFF_FFFF >> 1 else { return nil }
            return Float(bitPattern: UInt32(o))
        }
        guard o >= -(1 << 31) else { return nil }
        return Float(bitPattern: UInt32(-(o + 1)) | 0x8000_0000)
    }

    /// Exact powers of ten for the approximate parse.
    static let powers: [Double] = (0...22).map { i in
        var p = 1.0
        for _ in 0..<i { p *= 10 }
        return p
    }

    /// Largest clock value (hundredths of a second) the clock kind accepts.
    static let clockLimit: Int64 = 1 << 31

    /// The clock spelling of `x` hundredths (0 <= x <= ``clockLimit``): minutes (at least two
    /// digits), `:`, seconds (two digits), `.`, hundredths (two digits), without quotes.
    /// Returns the byte count written at `out` (at most 14).
    @inline(__always)
    static func spellClock(_ x: Int64, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var minutes = x / 6000
        let seconds = (x / 100) % 60
        let hundredths = x % 100
        // Minute digits least significant first, then reversed in place (no allocation).
        var n = 0
        repeat {
            out[n] = UInt8(minutes % 10) &+ 0x30
            minutes /= 10
            n &+= 1
        } while minutes > 0
        if n < 2 {
            out[n] = 0x30
            n &+= 1
        }
        var i = 0
        var j = n &- 1
        while i < j {
            let t = out[i]
            out[i] = out[j]
            out[j] = t
            i &+= 1
            j &-= 1
        }
        out[n] = 0x3A
        out[n &+ 1] = UInt8(seconds / 10) &+ 0x30
        out[n &+ 2] = UInt8(seconds % 10) &+ 0x30
        out[n &+ 3] = 0x2E
        out[n &+ 4] = UInt8(hundredths / 10) &+ 0x30
        out[n &+ 5] = UInt8(hundredths % 10) &+ 0x30
        return n &+ 6
    }

    /// The clock value of the string content `text` (the bytes between the quotes) when the
    /// clock spelling of that value reproduces it exactly (so `7:00.00`, `00:60.00` or
    /// `007:00.00` stay strings), else nil.
    static func clock(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        let n = text.count
        guard n >= 8, n <= 12, text[n &- 3] == 0x2E, text[n &- 6] == 0x3A else { return nil }
        var minutes: Int64 = 0
        for i in 0..<(n &- 6) {
            let c = text[i]
            guard c >= 0x30 && c <= 0x39 else { return nil }
            minutes = minutes &* 10 &+ Int64(c &- 0x30)
        }
        var rest: Int64 = 0
        for i in [n &- 5, n &- 4, n &- 2, n &- 1] {
            let c = text[i]
            guard c >= 0x30 && c <= 0x39 else { return nil }
            rest = rest &* 10 &+ Int64(c &- 0x30)
        }
        let seconds = rest / 100
        guard seconds < 60 else { return nil }
        let x = minutes &* 6000 &+ seconds &* 100 &+ rest % 100
        guard x <= clockLimit else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { s in
            let m = spellClock(x, into: s.baseAddress!)
            return m == n && memcmp(s.baseAddress!, text.baseAddress!, n) == 0 ? x : nil
        }
    }

    /// Classifies the number text `text` (already checked against the JSON number grammar).
    /// `hint` is the kind this slot had in the previous frame (tried first).
    @inline(__always)
    static func classify(_ text: UnsafeBufferPointer<UInt8>, isInteger: Bool, hint: NVRValueKind) -> (NVRValueKind, Int64)? {
        if isInteger { return integer(text) }
        guard let v = approximate(text) else { return float32(text, approx: nil) }
        // Grid first, always (a grid text is also a float32 text, and the grid kind predicts far
        // better); a slot that was float32 last time tries float32 before the rarer divide grid.
        let scaled = v * 1000
        var k: Int64?
        if abs(scaled) < Double(gridLimit) {
            let candidate = Int64(scaled.rounded())
            if matches(text, grid: candidate) { return (.grid, candidate) }
            k = candidate
        }
        if hint == .float32, let r = float32(text, approx: v) { return r }
        if let k, matches(text, float: gridDivideFloat(k)) { return (.gridDivide, k) }
        return float32(text, approx: v)
    }

    static func integer(_ text: UnsafeBufferPointer<UInt8>) -> (NVRValueKind, Int64)? {
        var i = 0
        let negative = text[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        let digits = text.count - i
        guard digits >= 1 && digits <= 18 else { return nil }
        if digits > 1 && text[i] == UInt8(ascii: "0") { return nil }
        var v: Int64 = 0
        while i < text.count {
            v = v &* 10 &+ Int64(text[i] &- 0x30)
            i += 1
        }
        if negative && v == 0 { return nil }  // "-0" is kept verbatim
        return (.integer, negative ? -v : v)
    }

    /// A value near the text's (within a few ulps), or `nil` when the exponent is unusual.
    @inline(__always)
    static func approximate(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        var negative = false
        if text[0] == UInt8(ascii: "-") { negative = true; i = 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var seenDot = false
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: ".") {
                seenDot = true
            } else if c >= 0x30 && c <= 0x39 {
                if digits < 18 {
                    if mantissa != 0 || c != 0x30 { digits += 1 }
                    mantissa = mantissa &* 10 &+ UInt64(c &- 0x30)
                    if seenDot { exponent -= 1 }
                } else if !seenDot {
                    exponent += 1
                }
            } else {
                break
            }
            i += 1
        }
        if i < text.count {
            // [eE][+-]?digits
            i += 1
            var expNegative = false
            if i < text.count && (text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+")) {
                expNegative = text[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            while i < text.count {
                e = e * 10 + Int(text[i] &- 0x30)
                if e > 400 { return nil }
                i += 1
            }
            exponent += expNegative ? -e : e
        }
        let m = Double(mantissa)
        let value: Double
        if exponent >= 0 {
            guard exponent <= 22 else { return nil }
            value = m * powers[exponent]
        } else {
            guard exponent >= -22 else { return nil }
            value = m / powers[-exponent]
        }
        return negative ? -value : value
    }

    @inline(__always)
    static func float32(_ text: UnsafeBufferPointer<UInt8>, approx: Double?) -> (NVRValueKind, Int64)? {
        if let approx {
            let f = Float(approx)
            if f.isFinite && matches(text, float: f) { return (.float32, ordered(f)) }
        }
        // Exact conversion (strtof is correctly rounded) for the rare texts the estimate misses.
        var buffer = [CChar](repeating: 0, count: text.count + 1)
        for i in 0..<text.count { buffer[i] = CChar(bitPattern: text[i]) }
        let f = strtof(buffer, nil)
        if f.isFinite && matches(text, float: f) { return (.float32, ordered(f)) }
        return nil
    }

    @inline(__always)
    static func matches(_ text: UnsafeBufferPointer<UInt8>, grid k: Int64) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: GameFloatFormatter.maxLength) { s in
            let n = spellGrid(k, into: s.baseAddress!)
            return n == text.count && memcmp(s.baseAddress!, text.baseAddress!, n) == 0
        }
    }

    @inline(__always)
    static func matches(_ text: UnsafeBufferPointer<UInt8>, float f: Float) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: GameFloatFormatter.maxLength) { s in
            let n = GameFloatFormatter.format(Double(f), into: s.baseAddress!)
            return n == text.count && memcmp(s.baseAddress!, text.baseAddress!, n) == 0
        }
    }
}
