/// The derived-event detectors as one group, run after the stat events of a frame.
///
/// Order inside the group (fixed, so the same input gives the same bytes): `Joust`
/// (blue, then orange), `BigBoost` (by team, then array order), `PlayspaceAbuse` (same),
/// `Interception` (confirmations, oldest first) then `Turnover`, `ThrowDetails`, `Stun`
/// (victim-order matches, then stunner-order), `RestartRequest` (blue, orange),
/// `PauseRequest`.
public struct DerivedEventDetectors: FrameEventDetector {
    private var joust: JoustDetector
    private var boost: BigBoostDetector
    private var playspace: PlayspaceAbuseDetector
    private var turnover: TurnoverDetector
    private var throwDetails: ThrowDetailsDetector
    private var stun: StunVictimDetector
    private var requests = TerminalRequestDetector()
    private let enabled: Bool

    /// The group with each detector using `thresholds`; with `thresholds.enabled` false it detects nothing.
    public init(thresholds: DerivedEventThresholds = .init()) {
        enabled = thresholds.enabled
        joust = JoustDetector(thresholds: thresholds)
        boost = BigBoostDetector(thresholds: thresholds)
        playspace = PlayspaceAbuseDetector(thresholds: thresholds)
        turnover = TurnoverDetector(thresholds: thresholds)
        throwDetails = ThrowDetailsDetector(thresholds: thresholds)
        stun = StunVictimDetector(thresholds: thresholds)
    }

    /// Forgets every player's state: a new session starts at `baseline` (nothing is reported for it).
    public mutating func reset(baseline: Session, slots: SlotTable) {
        guard enabled else { return }
        joust.reset(baseline: baseline, slots: slots)
        boost.reset(baseline: baseline, slots: slots)
        playspace.reset(baseline: baseline, slots: slots)
        turnover.reset(baseline: baseline, slots: slots)
        throwDetails.reset(baseline: baseline, slots: slots)
        stun.reset(baseline: baseline, slots: slots)
        requests.reset(baseline: baseline, slots: slots)
    }

    /// Appends this detector's events between `previous` and `current`, in the order the type's discussion gives.
    public mutating func detect(
        previous: Session, current: Session,
        previousSlots: SlotTable, currentSlots: SlotTable,
        into events: inout [Event]
    ) {
        guard enabled else { return }
        joust.detect(previous: previous, current: current, previousSlots: previousSlots, currentSlots: currentSlots, into: &events)
        boost.detect(previous: previous, current: current, previousSlots: previousSlots, currentSlots: currentSlots, into: &events)
        playspace.detect(previous: previous, current: current, previousSlots: previousSlots, currentSlots: currentSlots, into: &events)
        turnover.detect(previous: previous, current: current, previousSlots: previousSlots, currentSlots: currentSlots, into: &events)
        throwDetails.detect(previous: previous, current: current, previousSlots: previousSlots, currentSlots: currentSlots, into: &events)
        stun.detect(previous: previous, current: current, previousSlots: previousSlots, currentSlots: currentSlots, into: &events)
        requests.detect(previous: previous, current: current, previousSlots: previousSlots, currentSlots: currentSlots, into: &events)
    }
}
