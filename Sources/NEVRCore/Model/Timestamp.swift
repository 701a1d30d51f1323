/// A capture instant: nanoseconds since 1970-01-01 00:00:00 of the wall clock
/// the recorder used.
///
/// `.echoreplay` timestamps carry no time zone (Spark wrote local time before
/// 2021-12-18, UTC after). This type never applies a zone: a wall-clock reading
/// goes in and the same reading comes out, so round trips cannot shift time.
public struct Timestamp: Hashable, Comparable, Sendable {
    /// Nanoseconds since 1970-01-01 00:00:00 of the recorder's wall clock (no time zone).
    public var nanosecondsSinceEpoch: Int64

    /// An instant from nanoseconds since the epoch.
    @inlinable
    public init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    /// An instant from milliseconds since the epoch (the `.echoreplay` resolution).
    @inlinable
    public init(millisecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = millisecondsSinceEpoch &* 1_000_000
    }

    /// `google.protobuf.Timestamp` form.
    @inlinable
    public init(seconds: Int64, nanos: Int32) {
        self.nanosecondsSinceEpoch = seconds &* 1_000_000_000 &+ Int64(nanos)
    }

    /// Whole seconds (floor) for `google.protobuf.Timestamp.seconds`.
    @inlinable
    public var seconds: Int64 {
        let (q, r) = nanosecondsSinceEpoch.quotientAndRemainder(dividingBy: 1_000_000_000)
        return r < 0 ? q - 1 : q
    }

    /// Non-negative nanoseconds within the second for `google.protobuf.Timestamp.nanos`.
    @inlinable
    public var nanos: Int32 {
        let r = nanosecondsSinceEpoch % 1_000_000_000
        return Int32(r < 0 ? r + 1_000_000_000 : r)
    }

    /// Milliseconds since the epoch, rounded toward negative infinity.
    @inlinable
    public var milliseconds: Int64 {
        let (q, r) = nanosecondsSinceEpoch.quotientAndRemainder(dividingBy: 1_000_000)
        return r < 0 ? q - 1 : q
    }

    /// Seconds as a floating-point value (for durations and rates).
    @inlinable
    public var secondsDouble: Double { Double(nanosecondsSinceEpoch) / 1e9 }

    /// Earlier instants sort first.
    @inlinable
    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        a.nanosecondsSinceEpoch < b.nanosecondsSinceEpoch
    }
}

extension Timestamp {
    /// Calendar fields of this instant (proleptic Gregorian, no time zone).
    public struct Components: Hashable, Sendable {
        /// Year, e.g. 2021.
        public var year: Int
        /// Month, 1...12.
        public var month: Int
        /// Day of the month, 1...31.
        public var day: Int
        /// Hour, 0...23.
        public var hour: Int
        /// Minute, 0...59.
        public var minute: Int
        /// Second, 0...59.
        public var second: Int
        /// Nanoseconds within the second, 0..<1,000,000,000.
        public var nanosecond: Int

        /// Calendar fields (midnight by default).
        public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, nanosecond: Int = 0) {
            self.year = year
            self.month = month
            self.day = day
            self.hour = hour
            self.minute = minute
            self.second = second
            self.nanosecond = nanosecond
        }
    }

    /// Builds an instant from calendar fields. `second` may be 60 (a leap second),
    /// which lands on the first second of the next minute.
    ///
    /// Instants outside the representable span (about the years 1678 to 2261) are
    /// clamped to its ends rather than trapping; use ``init(exactly:)`` to detect them.
    public init(_ c: Components) {
        if let exact = Timestamp(exactly: c) {
            self = exact
        } else {
            self.init(nanosecondsSinceEpoch: c.year < 1970 ? .min : .max)
        }
    }

    /// Builds an instant from calendar fields, or `nil` when it falls outside the span
    /// an `Int64` of nanoseconds can hold.
    public init?(exactly c: Components) {
        let days = Int64(Timestamp.daysFromCivil(year: c.year, month: c.month, day: c.day))
        let (daySeconds, o1) = days.multipliedReportingOverflow(by: 86_400)
        let (secs, o2) = daySeconds.addingReportingOverflow(Int64(c.hour * 3600 + c.minute * 60 + c.second))
        let (nanos, o3) = secs.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, o4) = nanos.addingReportingOverflow(Int64(c.nanosecond))
        if o1 || o2 || o3 || o4 { return nil }
        self.init(nanosecondsSinceEpoch: total)
    }

    /// The calendar fields of this instant.
    public var components: Components {
        let s = seconds
        var days = s / 86_400
        var rem = s % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let (y, m, d) = Timestamp.civilFromDays(Int(days))
        return Components(
            year: y, month: m, day: d, hour: Int(rem / 3600), minute: Int(rem % 3600 / 60),
            second: Int(rem % 60), nanosecond: Int(nanos))
    }

    /// ISO 8601 with milliseconds and no zone designator, e.g. `2021-11-20T21:05:33.407`.
    /// (The wall clock's zone is unknown; see the type's documentation.)
    public var iso8601: String {
        let c = components
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
        }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)).\(pad(c.nanosecond / 1_000_000, 3))"
    }

    // Howard Hinnant's days-from-civil algorithms: exact, no tables, no Foundation.
    @usableFromInline
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    @usableFromInline
    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
