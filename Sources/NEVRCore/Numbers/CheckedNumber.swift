/// Conversions of numbers taken from input that never trap.
///
/// Swift's `Int32(_:)`/`Int64(_:)` from a `Double` trap when the value is out of range or
/// not finite, and a huge number in a frame (`blue_points` 1e308) must never bring a process
/// down. Every conversion of an input number goes through one of these: each returns `nil`
/// when the value cannot be represented, and the caller decides (refuse the record, report it).
public enum CheckedNumber {
    /// `value` rounded toward zero as an `Int32`, or `nil` when it is NaN, infinite or out of range.
    @inlinable
    public static func int32(towardZero value: Double) -> Int32? {
        // Compared as doubles first: both bounds are exact in Double, so no conversion can trap.
        guard value.isFinite, value > -2_147_483_649.0, value < 2_147_483_648.0 else { return nil }
        return Int32(value.rounded(.towardZero))
    }

    /// `value` rounded to the nearest integer as an `Int64`, or `nil` when it is NaN,
    /// infinite or outside `Int64` (2^63 is exactly representable and already out of range).
    @inlinable
    public static func int64(rounding value: Double) -> Int64? {
        let r = value.rounded()
        guard r.isFinite, r >= -9_223_372_036_854_775_808.0, r < 9_223_372_036_854_775_808.0 else { return nil }
        return Int64(r)
    }

    /// Whole nanoseconds in `seconds`, or `nil` when they do not fit `Int64` (about ±292 years).
    @inlinable
    public static func nanoseconds(seconds: Double) -> Int64? {
        int64(rounding: seconds * 1e9)
    }

    /// A TCP/UDP port from text: 1...65535 (0 too when `allowZero`, "any free port"), digits only.
    @inlinable
    public static func port<S: StringProtocol>(_ text: S, allowZero: Bool = false) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let v = Int(text) else {
            return nil
        }
        guard v <= 65_535, allowZero || v > 0 else { return nil }
        return v
    }
}
