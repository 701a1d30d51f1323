/// Decides which frames go out as `frame_1hz` / `frame_10hz` / `frame_30hz`.
///
/// A frame is sent when the time since the previous send reaches the period, with a
/// fifth of a period of tolerance so jitter in the input (a 60 Hz source read at
/// 59.8 Hz) does not halve the output rate. The next deadline advances by whole periods,
/// so the long-run rate never exceeds the nominal one.
public struct FrameRateLimiter: Sendable {
    /// Seconds between sends (1, 0.1 or 1/30).
    public let period: Double
    private var next: Double?

    /// A limiter that sends the first frame it sees.
    public init(period: Double) {
        self.period = period
    }

    /// True when a frame arriving at `now` (seconds, any monotonic origin) is due.
    public mutating func admit(now: Double) -> Bool {
        guard now.isFinite else { return false }
        guard let due = next else {
            next = now + period
            return true
        }
        guard now >= due - period * 0.2 else { return false }
        // After a pause in the input, start again from now instead of bursting to catch up.
        next = max(due + period, now + period * 0.5)
        return true
    }
}
