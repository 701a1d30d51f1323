/// A half-open range of frame positions, written `A:B` (0-based, in reading order, `B` not
/// included; `A:` runs to the end, `:B` starts at the first frame), as `nevr cat --frames` takes it.
public struct CaptureFrameRange: Hashable, Sendable, CustomStringConvertible {
    /// The first frame.
    public var lowerBound: Int
    /// The frame after the last one, or `nil` for "to the end".
    public var upperBound: Int?

    /// A range from `lowerBound` up to, not including, `upperBound`.
    public init(lowerBound: Int, upperBound: Int?) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
    }

    /// Parses `A:B`, `A:` or `:B` (non-negative integers, `A <= B`); `nil` for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        func number(_ s: Substring) -> Int?? {
            if s.isEmpty { return .some(nil) }
            guard s.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(s) else { return nil }
            return .some(n)
        }
        guard let lower = number(parts[0]), let upper = number(parts[1]) else { return nil }
        if let l = lower, let u = upper, l > u { return nil }
        self.init(lowerBound: lower ?? 0, upperBound: upper)
    }

    /// Number of frames in the range, `nil` when it runs to the end.
    public var count: Int? { upperBound.map { $0 - lowerBound } }

    /// `A:B`, `A:` as parsed.
    public var description: String { "\(lowerBound):\(upperBound.map(String.init) ?? "")" }
}
