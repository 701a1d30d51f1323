/// Thresholds of the derived-event detectors; defaults are Spark's (`spark-events.md`).
///
/// ```swift
/// var options = EventDetectionOptions()
/// options.derived.bigBoostStartSpeed = 18
/// options.derived.playspaceAbuseDistance = 2
/// ```
///
/// Every value is checked by ``problem`` (the CLI reports it); detectors clamp values out
/// of range so that no setting can crash or stall them.
public struct DerivedEventThresholds: Hashable, Sendable {
    /// False switches every derived detector off (the seed's events only).
    public var enabled = true

    // Joust
    /// A joust is timed for at most this many game seconds.
    public var joustMaximumSeconds: Double = 10
    /// |disc z| below this at `round_start -> playing`: a neutral joust.
    public var joustNeutralDiscZ: Double = 0.1
    /// Disc z within this of ±``joustDefensiveDiscZ``: a defensive joust.
    public var joustDefensiveTolerance: Double = 1
    /// Disc |z| (m) at `round_start -> playing` for a defensive joust (the disc waits at one end after a goal), within ``joustDefensiveTolerance``.
    public var joustDefensiveDiscZ: Double = 27.5
    /// Head |z| at which a player leaves the launch tube.
    public var joustTubeExitZ: Double = 40

    // Big boost
    /// Speed samples kept per player (Spark: 10 × 33.3).
    public var bigBoostWindowSamples: Int = 333
    /// Samples averaged for the smoothed speed (the newest is skipped).
    public var bigBoostSmoothingSamples: Int = 32
    /// A boost needs more samples than this.
    public var bigBoostMinimumSamples: Int = 10
    /// Smoothed speed (m/s) above which a boost starts.
    public var bigBoostStartSpeed: Double = 20
    /// Smoothed speed (m/s) below which it ends (and is reported).
    public var bigBoostEndSpeed: Double = 10
    /// The reported percentile of the window's speeds.
    public var bigBoostPercentile: Double = 0.99

    // Playspace abuse
    /// Head further than this (m) from the playspace point is abuse.
    public var playspaceAbuseDistance: Double = 1.7
    /// The point drifts toward the head at this speed (m/s).
    public var playspacePullSpeed: Double = 0.05
    /// Frames with |dt| (or smoothed |dt|) at or above this reset the point instead (s).
    public var playspaceMaximumFrameSeconds: Double = 0.1

    // Turnover / interception
    /// Game seconds after a turnover at which it is confirmed as an interception.
    public var interceptionDelaySeconds: Double = 2

    // Throw details
    /// |disc velocity - player velocity| (m/s) above which the holder is throwing.
    public var throwRelativeSpeed: Double = 3
    /// Game seconds after the release at which the throw is confirmed.
    public var throwConfirmSeconds: Double = 0.15

    // Stun
    /// A stunner's `stuns` rise and a victim's `stunned` are matched within this (game s).
    public var stunMatchSeconds: Double = 4

    /// Spark's defaults (`spark-events.md`), derived events enabled.
    public init() {}

    /// A description of the first value out of range, or `nil`.
    public var problem: String? {
        func positive(_ v: Double, _ name: String) -> String? { v.isFinite && v > 0 ? nil : "\(name) must be a positive number (got \(v))" }
        let checks: [String?] = [
            positive(joustMaximumSeconds, "joust maximum seconds"), positive(joustNeutralDiscZ, "joust neutral disc z"),
            positive(joustDefensiveTolerance, "joust defensive tolerance"), positive(joustDefensiveDiscZ, "joust defensive disc z"),
            positive(joustTubeExitZ, "joust tube exit z"),
            (1...100_000).contains(bigBoostWindowSamples) ? nil : "big boost window must be 1...100000 samples",
            (1...bigBoostWindowSamples - 1).contains(bigBoostSmoothingSamples) || bigBoostWindowSamples < 2
                ? nil : "big boost smoothing must be 1...(window - 1) samples",
            (0...bigBoostWindowSamples).contains(bigBoostMinimumSamples) ? nil : "big boost minimum samples must be 0...window",
            positive(bigBoostStartSpeed, "big boost start speed"), positive(bigBoostEndSpeed, "big boost end speed"),
            bigBoostEndSpeed <= bigBoostStartSpeed ? nil : "big boost end speed must not exceed the start speed",
            bigBoostPercentile >= 0 && bigBoostPercentile <= 1 ? nil : "big boost percentile must be within 0...1",
            positive(playspaceAbuseDistance, "playspace abuse distance"),
            playspacePullSpeed.isFinite && playspacePullSpeed >= 0 ? nil : "playspace pull speed must be >= 0",
            positive(playspaceMaximumFrameSeconds, "playspace maximum frame seconds"),
            positive(interceptionDelaySeconds, "interception delay"), positive(throwRelativeSpeed, "throw relative speed"),
            throwConfirmSeconds.isFinite && throwConfirmSeconds >= 0 ? nil : "throw confirmation must be >= 0 s",
            positive(stunMatchSeconds, "stun match seconds"),
        ]
        return checks.compactMap { $0 }.first
    }
}
