/// One small, independent event rule set over a pair of consecutive game frames.
///
/// ``EventDetector`` owns one value of each detector and calls them in a fixed order.
/// A detector keeps whatever state it needs between frames (for example whether the
/// match already ended) and must not allocate when it has nothing to report. It is
/// only ever given game frames (``Session/isGameFrame``) of one session: the set
/// handles baselines, session changes and non-game frames for all detectors.
///
/// Adding a detector (joust times, turnovers, ...) means a new type conforming to this
/// protocol and one line in ``EventDetector``; nothing else changes.
public protocol FrameEventDetector: Sendable {
    /// Forgets all state: `baseline` is the first game frame of a session. Nothing is
    /// reported for it.
    mutating func reset(baseline: Session, slots: SlotTable)

    /// Appends the events between `previous` and `current` to `events`, in this
    /// detector's documented order.
    mutating func detect(
        previous: Session, current: Session,
        previousSlots: SlotTable, currentSlots: SlotTable,
        into events: inout [Event]
    )
}
