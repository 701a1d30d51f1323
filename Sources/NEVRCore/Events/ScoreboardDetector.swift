/// `ScoreboardUpdated` when any of `blue_points`, `orange_points`,
/// `blue_round_score`, `orange_round_score` differs from the previous frame.
///
/// A score is compared only when both frames carry it (older builds lack round
/// scores). Points are compared as the integers the event carries, so Combat's
/// fractional capture progress does not flood the stream.
public struct ScoreboardDetector: FrameEventDetector {
    /// A detector (it keeps no state).
    public init() {}

    /// Keeps no state between frames: nothing to forget.
    public mutating func reset(baseline: Session, slots: SlotTable) {}

    /// Appends one `ScoreboardUpdated` when points or round scores changed.
    public mutating func detect(
        previous: Session, current: Session,
        previousSlots: SlotTable, currentSlots: SlotTable,
        into events: inout [Event]
    ) {
        let changed =
            Self.differs(previous.bluePoints.map(Self.points), current.bluePoints.map(Self.points))
            || Self.differs(previous.orangePoints.map(Self.points), current.orangePoints.map(Self.points))
            || Self.differs(previous.blueRoundScore, current.blueRoundScore)
            || Self.differs(previous.orangeRoundScore, current.orangeRoundScore)
        guard changed else { return }
        events.append(.scoreboardUpdated(Event.Scoreboard(
            bluePoints: current.bluePoints.map(Self.points) ?? 0,
            orangePoints: current.orangePoints.map(Self.points) ?? 0,
            blueRoundScore: current.blueRoundScore ?? 0,
            orangeRoundScore: current.orangeRoundScore ?? 0,
            gameClockDisplay: current.gameClockDisplay ?? "")))
    }

    @inline(__always)
    static func differs(_ a: Int32?, _ b: Int32?) -> Bool {
        guard let a, let b else { return false }
        return a != b
    }

    @inline(__always)
    static func points(_ value: Double) -> Int32 {
        value.isFinite && abs(value) < 2e9 ? Int32(value) : 0
    }
}
