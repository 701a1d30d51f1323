import ArgumentParser

/// `A:B` with either side optional (`100:`, `:50`, `10:20`): a half-open range `A ..< B` of
/// frame numbers (`--frames`) or of durations from the first frame (`--time 1m:90s`).
struct RangeArgument<Bound: Comparable & Sendable>: Sendable {
    var lower: Bound?
    var upper: Bound?

    init?(_ argument: String, parse: (Substring) -> Bound?) {
        let parts = argument.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        if parts[0].isEmpty { lower = nil } else {
            guard let v = parse(parts[0]) else { return nil }
            lower = v
        }
        if parts[1].isEmpty { upper = nil } else {
            guard let v = parse(parts[1]) else { return nil }
            upper = v
        }
        if let lower, let upper, upper < lower { return nil }
    }

    /// True when `value` is inside the range.
    func contains(_ value: Bound) -> Bool {
        if let lower, value < lower { return false }
        if let upper, value >= upper { return false }
        return true
    }

    /// True when every later value (in increasing order) is past the range.
    func isPast(_ value: Bound) -> Bool {
        if let upper { return value >= upper }
        return false
    }
}

/// `--frames A:B`: frame numbers from 0, `B` excluded.
struct FrameRangeArgument: ExpressibleByArgument, Sendable {
    var range: RangeArgument<Int>
    init?(argument: String) {
        guard let r = RangeArgument<Int>(argument, parse: { Int($0).flatMap { $0 >= 0 ? $0 : nil } }) else { return nil }
        range = r
    }
}

/// `--time T1:T2`: durations from the first frame (`90`, `90s`, `1.5m`, `500ms`), `T2` excluded.
struct TimeRangeArgument: ExpressibleByArgument, Sendable {
    /// Nanoseconds from the first frame.
    var range: RangeArgument<Int64>
    init?(argument: String) {
        let parse: (Substring) -> Int64? = { text in
            DurationArgument(argument: String(text)).map { Int64(($0.seconds * 1e9).rounded()) }
        }
        guard let r = RangeArgument<Int64>(argument, parse: parse) else { return nil }
        range = r
    }
}
