#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Spells a number the way the game prints its 32-bit floats: `printf("%.8g", (double)f)`
/// with a `.0` added when there is neither a decimal point nor an exponent, and a bare
/// exponent (`6.6384706e-7`, `1e20`: no `+`, no zero padding).
///
/// `snprintf` per float is far too slow for ~580 floats a frame, so the 8 significant
/// digits are computed directly: the float's exact `Double` is scaled by an exact power
/// of ten into [10^7, 10^8) with one correctly rounded operation (error below 1e-8) and
/// rounded to an integer. Only when the scaled value lies within 1e-6 of a rounding tie,
/// or the power of ten needed is not exact (|exponent| > 22), does it defer to `snprintf`.
public enum GameFloatFormatter {
    /// Room ``format(_:into:)`` needs at its destination: the longest spelling is
    /// `-1.2345678e-38` (14 bytes), and the fast path stores whole 8-byte words.
    public static let maxLength = 32

    /// Writes the spelling of `Float(value)` at `out` (which must have ``maxLength`` bytes
    /// of room) and returns its length.
    ///
    /// Values with no JSON spelling (NaN, infinities, magnitudes beyond `Float`) are
    /// written as `null`.
    @inlinable
    public static func format(_ value: Double, into out: UnsafeMutablePointer<UInt8>) -> Int {
        let f = Float(value)
        let bits = f.bitPattern
        let biased = Int((bits >> 23) & 0xFF)
        if biased == 0xFF {
            out[0] = 0x6E; out[1] = 0x75; out[2] = 0x6C; out[3] = 0x6C  // null
            return 4
        }
        var n = 0
        if bits >> 31 != 0 {
            out[0] = ASCII.minus
            n = 1
        }
        if bits & 0x7FFF_FFFF == 0 {
            out[n] = ASCII.zero; out[n &+ 1] = ASCII.dot; out[n &+ 2] = ASCII.zero
            return n &+ 3
        }
        // Subnormals: rare enough for snprintf.
        if biased == 0 { return n &+ slowFormat(Double(f.magnitude), into: out + n) }
        let a = Double(f.magnitude)
        // Decimal exponent estimate floor(e2 * log10 2) (within 2 of the truth), then corrected.
        var e = ((biased &- 127) &* 1233) >> 12
        var attempts = 0
        while true {
            let k = 7 &- e
            guard k >= -22 && k <= 22 else { return n &+ slowFormat(a, into: out + n) }
            let scaled = k >= 0 ? a * powerOfTen(k) : a / powerOfTen(-k)
            if scaled < 1e7 || scaled >= 1e8 {
                attempts &+= 1
                if attempts > 3 { return n &+ slowFormat(a, into: out + n) }
                e &+= scaled < 1e7 ? -1 : 1
                continue
            }
            // scaled is within 1e-8 of the exact value; round half to even is decided exactly
            // unless the fraction is (nearly) one half.
            let whole = UInt64(scaled)
            let fraction = scaled - Double(whole)
            if abs(fraction - 0.5) < 1e-6 { return n &+ slowFormat(a, into: out + n) }
            var digits = whole &+ (fraction > 0.5 ? 1 : 0)
            if digits == 100_000_000 {
                digits = 10_000_000
                e &+= 1
            }
            return n &+ spell(digits: digits, exponent: e, into: out + n)
        }
    }

    /// 10^k for 0 <= k <= 22 (all exact in a `Double`).
    @inline(__always) @usableFromInline
    static func powerOfTen(_ k: Int) -> Double {
        switch k {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// "00" ... "99".
    @usableFromInline
    static let digitPairs: StaticString =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    /// The eight ASCII digits of `v` (< 10^8) as a little-endian word: first digit in the low byte.
    @inline(__always) @usableFromInline
    static func eightDigits(_ v: UInt64) -> UInt64 {
        let pairs = UnsafeRawPointer(digitPairs.utf8Start)
        let hi = v / 10_000
        let lo = v &- hi &* 10_000
        let p0 = UInt64(pairs.loadUnaligned(fromByteOffset: Int(hi / 100) &* 2, as: UInt16.self))
        let p1 = UInt64(pairs.loadUnaligned(fromByteOffset: Int(hi % 100) &* 2, as: UInt16.self))
        let p2 = UInt64(pairs.loadUnaligned(fromByteOffset: Int(lo / 100) &* 2, as: UInt16.self))
        let p3 = UInt64(pairs.loadUnaligned(fromByteOffset: Int(lo % 100) &* 2, as: UInt16.self))
        return p0 | p1 << 16 | p2 << 32 | p3 << 48
    }

    /// Spells 8 significant digits `digits` (10^7 ... 10^8-1) times 10^(exponent-7) as `%g`
    /// does, with the game's adjustments. Writes at most 16 bytes past `out` (scratch included).
    @inline(__always) @usableFromInline
    static func spell(digits: UInt64, exponent e: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
        let word = eightDigits(digits)
        // The first digit is never '0', so the XOR has a non-zero low byte.
        let significant = 8 &- (word ^ 0x3030_3030_3030_3030).leadingZeroBitCount >> 3
        let raw = UnsafeMutableRawPointer(out)
        if e >= 0 && e < 8 {
            // ddd.ddd: all eight digits, then the fraction digits again one byte to the right.
            raw.storeBytes(of: word.littleEndian, as: UInt64.self)
            let intDigits = e &+ 1
            if significant > intDigits {
                raw.storeBytes(of: (word >> UInt64(intDigits &* 8)).littleEndian, toByteOffset: intDigits &+ 1, as: UInt64.self)
                out[intDigits] = ASCII.dot
                return significant &+ 1
            }
            out[intDigits] = ASCII.dot
            out[intDigits &+ 1] = ASCII.zero
            return intDigits &+ 2
        }
        if e < 0 && e >= -4 {
            // 0.000ddd
            raw.storeBytes(of: UInt64(0x3030_3030_3030_2E30).littleEndian, as: UInt64.self)  // "0.000000"
            raw.storeBytes(of: word.littleEndian, toByteOffset: 1 &- e, as: UInt64.self)
            return 1 &- e &+ significant
        }
        // d.ddde-x / de-x
        out[0] = UInt8(truncatingIfNeeded: word)
        var n = 1
        if significant > 1 {
            raw.storeBytes(of: (word >> 8).littleEndian, toByteOffset: 2, as: UInt64.self)
            out[1] = ASCII.dot
            n = significant &+ 1
        }
        out[n] = ASCII.lowerE
        n &+= 1
        var x = e
        if x < 0 {
            out[n] = ASCII.minus
            n &+= 1
            x = -x
        }
        if x >= 10 {
            out[n] = ASCII.zero &+ UInt8(truncatingIfNeeded: x / 10)
            n &+= 1
        }
        out[n] = ASCII.zero &+ UInt8(truncatingIfNeeded: x % 10)
        return n &+ 1
    }

    /// `snprintf("%.8g")` with the game's adjustments, for values the fast path cannot decide.
    @usableFromInline
    static func slowFormat(_ magnitude: Double, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var buffer = [CChar](repeating: 0, count: 40)
        let length = buffer.withUnsafeMutableBufferPointer { b in
            withVaList([magnitude]) { vsnprintf(b.baseAddress, 40, "%.8g", $0) }
        }
        return adjust(printf: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, into: out)
    }

    /// Applies the game's adjustments to a `%.8g` spelling: `.0` when there is neither a
    /// decimal point nor an exponent; exponent without `+` and leading zeros.
    @usableFromInline
    static func adjust(printf text: [UInt8], into out: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        if let ePos = text.firstIndex(of: ASCII.lowerE) {
            for c in text[..<ePos] { out[n] = c; n &+= 1 }
            out[n] = ASCII.lowerE
            n &+= 1
            var j = ePos + 1
            if j < text.count && (text[j] == ASCII.plus || text[j] == ASCII.minus) {
                if text[j] == ASCII.minus { out[n] = ASCII.minus; n &+= 1 }
                j += 1
            }
            while j < text.count - 1 && text[j] == ASCII.zero { j += 1 }
            while j < text.count { out[n] = text[j]; n &+= 1; j += 1 }
            return n
        }
        for c in text { out[n] = c; n &+= 1 }
        if !text.contains(ASCII.dot) {
            out[n] = ASCII.dot
            out[n &+ 1] = ASCII.zero
            n &+= 2
        }
        return n
    }

    /// The reference spelling through `snprintf("%.8g", Double(Float(value)))` plus the
    /// adjustments: what ``format(_:into:)`` must equal (used by tests).
    public static func referenceSpelling(_ value: Double) -> [UInt8] {
        let f = Float(value)
        guard f.isFinite else { return Array("null".utf8) }
        var buffer = [CChar](repeating: 0, count: 40)
        let length = buffer.withUnsafeMutableBufferPointer { b in
            withVaList([Double(f)]) { vsnprintf(b.baseAddress, 40, "%.8g", $0) }
        }
        let text = buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }
        var out = [UInt8](repeating: 0, count: 48)
        let n = out.withUnsafeMutableBufferPointer { adjust(printf: text, into: $0.baseAddress!) }
        return Array(out[..<n])
    }

    /// The fast spelling as bytes.
    public static func spelling(_ value: Double) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: maxLength)
        let n = out.withUnsafeMutableBufferPointer { format(value, into: $0.baseAddress!) }
        return Array(out[..<n])
    }
}
