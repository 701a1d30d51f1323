/// Tunable thresholds of the event detectors.
///
/// ```swift
/// var options = EventDetectionOptions()
/// options.discThrownMinimumSpeed = 4   // m/s
/// var processor = FrameProcessor(options: options)
/// ```
public struct EventDetectionOptions: Hashable, Sendable {
    /// A release counts as a throw (`DiscThrown`) only when the disc moves at least
    /// this fast (m/s) in the first frame nobody holds it. Slower releases are drops.
    public var discThrownMinimumSpeed: Double
    /// How many frames after a goal's first signal (`score` status or points rising)
    /// the detector waits for `last_score` to show the new goal before it reports the
    /// goal with whatever `last_score` it has. The game updates `last_score` up to one
    /// frame after the status.
    public var goalScoreTrailFrames: Int
    /// Thresholds of the derived (Spark-style) detectors.
    public var derived: DerivedEventThresholds

    /// Options with the defaults the detectors were tuned with (3 m/s, one trailing frame,
    /// Spark's derived-event thresholds).
    public init(discThrownMinimumSpeed: Double = 3.0, goalScoreTrailFrames: Int = 1, derived: DerivedEventThresholds = .init()) {
        self.discThrownMinimumSpeed = discThrownMinimumSpeed
        self.goalScoreTrailFrames = goalScoreTrailFrames
        self.derived = derived
    }
}
