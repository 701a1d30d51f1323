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
    /// Longest spelling: `-1.2345678e-38` (14 bytes); `null` for non-finite values.
    public static let maxLength = 24

    /// Writes the spelling of `Float(value)` at `out` and returns its length.
    ///
    /// Values with no JSON spelling (NaN, infinities, magnitudes beyond `Float`) are
    /// written as `null`.
    @inlinable
    public static func format(_ value: Double, into out: UnsafeMutablePointer<UInt8>) -> Int {
        let f = Float(value)
        guard f.isFinite else {
            out[0] = 0x6E; out[1] = 0x75; out[2] = 0x6C; out[3] = 0x6C  // null
            return 4
        }
        var n = 0
        if f.sign == .minus {
            out[0] = ASCII.minus
            n = 1
        }
        let a = Double(f.magnitude)
        if a == 0 {
            out[n] = ASCII.zero; out[n &+ 1] = ASCII.dot; out[n &+ 2] = ASCII.zero
            return n &+ 3
        }
        // Decimal exponent estimate from the binary one: floor(b * log10 2), then corrected.
        var e = (Int(a.exponent) &* 1233) >> 12
        var digits: UInt64 = 0
        var attempts = 0
        while true {
            let k = 7 &- e
            guard k >= -22 && k <= 22 else { return n &+ slowFormat(a, into: out + n) }
            let scaled = k >= 0 ? a * exactPowersOfTen[k] : a / exactPowersOfTen[-k]
            if scaled < 1e7 && attempts < 2 {
                e &-= 1; attempts &+= 1; continue
            }
            if scaled >= 1e8 && attempts < 2 {
                e &+= 1; attempts &+= 1; continue
            }
            guard scaled >= 1e7 && scaled < 1e8 else { return n &+ slowFormat(a, into: out + n) }
            let floorValue = scaled.rounded(.down)
            let fraction = scaled - floorValue
            if abs(fraction - 0.5) < 1e-6 { return n &+ slowFormat(a, into: out + n) }
            digits = UInt64(floorValue) &+ (fraction > 0.5 ? 1 : 0)
            if digits == 100_000_000 {
                digits = 10_000_000
                e &+= 1
            }
            break
        }
        return n &+ spell(digits: digits, exponent: e, into: out + n)
    }

    /// Spells 8 significant digits `digits` (10^7 ... 10^8-1) times 10^(exponent-7) as `%g` does.
    @inlinable
    static func spell(digits: UInt64, exponent e: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
        // The eight digits, most significant first, and how many remain without trailing zeros.
        var d = (UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0))
        var significant = 8
        withUnsafeMutableBytes(of: &d) { buf in
            var x = digits
            var k = 7
            var trailing = true
            while k >= 0 {
                let (q, r) = x.quotientAndRemainder(dividingBy: 10)
                buf[k] = ASCII.zero &+ UInt8(truncatingIfNeeded: r)
                if trailing {
                    if r == 0 { significant &-= 1 } else { trailing = false }
                }
                x = q
                k &-= 1
            }
        }
        return withUnsafeBytes(of: &d) { digit in
            var n = 0
            if e < -4 || e >= 8 {
                out[0] = digit[0]
                n = 1
                if significant > 1 {
                    out[1] = ASCII.dot
                    n = 2
                    for j in 1..<significant { out[n] = digit[j]; n &+= 1 }
                }
                out[n] = ASCII.lowerE
                n &+= 1
                var x = e
                if x < 0 { out[n] = ASCII.minus; n &+= 1; x = -x }
                if x >= 10 { out[n] = ASCII.zero &+ UInt8(x / 10); n &+= 1 }
                out[n] = ASCII.zero &+ UInt8(x % 10)
                return n &+ 1
            }
            if e >= 0 {
                for j in 0...e { out[n] = digit[j]; n &+= 1 }
                out[n] = ASCII.dot
                n &+= 1
                if significant > e &+ 1 {
                    for j in (e &+ 1)..<significant { out[n] = digit[j]; n &+= 1 }
                } else {
                    out[n] = ASCII.zero
                    n &+= 1
                }
                return n
            }
            out[0] = ASCII.zero
            out[1] = ASCII.dot
            n = 2
            for _ in 0..<(-e &- 1) { out[n] = ASCII.zero; n &+= 1 }
            for j in 0..<significant { out[n] = digit[j]; n &+= 1 }
            return n
        }
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
