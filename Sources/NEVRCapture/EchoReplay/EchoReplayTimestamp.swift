import NEVRCore

/// The 23-character `.echoreplay` timestamp, `yyyy/MM/dd HH:mm:ss.fff`.
///
/// The format carries no time zone, and none is ever applied: the wall-clock
/// reading in the file becomes a ``Timestamp`` with the same reading, and
/// ``format(_:)`` writes that reading back, so round trips are exact to the
/// millisecond.
///
/// ```swift
/// let t = EchoReplayTimestamp.parse("2021.11.20 21.05.33.407")   // locale separators are fine
/// EchoReplayTimestamp.string(t!)                                  // "2021/11/20 21:05:33.407"
/// ```
public enum EchoReplayTimestamp {
    /// Characters in a timestamp.
    public static let length = 23

    /// Parses a timestamp by character position (year 0-3, month 5-6, day 8-9,
    /// hour 11-12, minute 14-15, second 17-18, milliseconds 20-22).
    ///
    /// Separators may be any byte (writers used their locale's, e.g. `.`), but
    /// every digit position must hold a digit and every value must be in range
    /// (second 60, a leap second, is accepted and lands on the next minute).
    /// Returns `nil` for anything else, including input that is not exactly 23 bytes
    /// and years outside 1679...2261 (the span of ``Timestamp``'s Int64 nanoseconds).
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Timestamp? {
        guard bytes.count == length else { return nil }
        @inline(__always) func digits(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for i in from ..< from + count {
                let d = Int(bytes[i]) &- 48
                guard d >= 0, d <= 9 else { return nil }
                value = value * 10 + d
            }
            return value
        }
        guard let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
              let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
              let millis = digits(20, 3)
        else { return nil }
        // `Timestamp` counts Int64 nanoseconds: whole years 1679 through 2261 fit.
        guard year >= 1679, year <= 2261, (1 ... 12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60
        else { return nil }
        return Timestamp(Timestamp.Components(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second,
            nanosecond: millis * 1_000_000))
    }

    /// Parses a timestamp from a byte array (see ``parse(_:)-(UnsafeRawBufferPointer)``).
    public static func parse(_ bytes: [UInt8]) -> Timestamp? {
        bytes.withUnsafeBytes { parse($0) }
    }

    /// Parses a timestamp from a string (see ``parse(_:)-(UnsafeRawBufferPointer)``).
    public static func parse(_ string: String) -> Timestamp? {
        parse(Array(string.utf8))
    }

    /// True when `timestamp` can be written in the format (years 0 through 9999).
    public static func isRepresentable(_ timestamp: Timestamp) -> Bool {
        let year = timestamp.components.year
        return year >= 0 && year <= 9999
    }

    /// The 23 bytes of `timestamp` as `yyyy/MM/dd HH:mm:ss.fff` (sub-millisecond
    /// digits are dropped, rounding toward the past). Years outside 0...9999 cannot
    /// be represented; check ``isRepresentable(_:)`` first (the writer does).
    public static func format(_ timestamp: Timestamp) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(length)
        append(timestamp, into: &out)
        return out
    }

    /// The timestamp as a `String` (see ``format(_:)``).
    public static func string(_ timestamp: Timestamp) -> String {
        String(decoding: format(timestamp), as: UTF8.self)
    }

    /// Appends the 23 bytes of `timestamp` to `out` (see ``format(_:)``).
    public static func append(_ timestamp: Timestamp, into out: inout [UInt8]) {
        let c = timestamp.components
        @inline(__always) func put(_ value: Int, _ width: Int) {
            var v = value
            var scratch: (UInt8, UInt8, UInt8, UInt8) = (48, 48, 48, 48)
            withUnsafeMutableBytes(of: &scratch) { s in
                var i = width - 1
                while i >= 0 {
                    s[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
                    v /= 10
                    i -= 1
                }
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: s[0 ..< width]))
            }
        }
        put(((c.year % 10000) + 10000) % 10000, 4)
        out.append(UInt8(ascii: "/"))
        put(c.month, 2)
        out.append(UInt8(ascii: "/"))
        put(c.day, 2)
        out.append(UInt8(ascii: " "))
        put(c.hour, 2)
        out.append(UInt8(ascii: ":"))
        put(c.minute, 2)
        out.append(UInt8(ascii: ":"))
        put(c.second, 2)
        out.append(UInt8(ascii: "."))
        put(c.nanosecond / 1_000_000, 3)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
