/// `PlayspaceAbuse`: a player walking in their real room to move in the arena
/// (`spark-events.md`).
///
/// Each player has a playspace point: where their locomotion alone would have put their
/// head. It is set to the head in the first frame with a running clock after any frame
/// that is not `playing` (play starts or resumes after a goal: players moved while
/// nothing was integrated, even when the first `playing` frame still shows the standing
/// clock), when the player (slot, userid) appears,
/// and after a frame step |dt| ≥ ``DerivedEventThresholds/playspaceMaximumFrameSeconds``
/// (a gap in the capture; within 1 ms of the limit counts, so at 10 Hz every frame resets). Each `playing` frame with a running clock it moves by the
/// player's velocity × dt (the mean of the two frames' velocities, so that the estimate
/// does not depend on which end of the step is sampled) and then drifts toward the head
/// at ``DerivedEventThresholds/playspacePullSpeed``. A player (not a spectator) whose head
/// is further than ``DerivedEventThresholds/playspaceAbuseDistance`` from the point, in
/// a frame where both |dt| and the smoothed |dt| (exponential mean, weight 0.1) are
/// below the frame limit, is reported, and their point is set to the head again.
public struct PlayspaceAbuseDetector: FrameEventDetector {
    /// The thresholds this detector was made with (Spark's defaults unless changed).
    public let thresholds: DerivedEventThresholds
    private var owners = SlotOwners()
    private var points = Array(repeating: Vector3.zero, count: SlotOwners.count)
    private var valid = Array(repeating: false, count: SlotOwners.count)
    private var smoothedStep = 0.0
    /// A frame that is not `playing` was seen since the last integrated step.
    private var playInterrupted = true

    /// A detector using `thresholds` (Spark's defaults unless given).
    public init(thresholds: DerivedEventThresholds = .init()) {
        self.thresholds = thresholds
    }

    /// Forgets every player's state: a new session starts at `baseline` (nothing is reported for it).
    public mutating func reset(baseline: Session, slots: SlotTable) {
        owners.reset()
        for i in valid.indices { valid[i] = false }
        smoothedStep = 0
        playInterrupted = true
    }

    /// Appends this detector's events between `previous` and `current`, in the order the type's discussion gives.
    public mutating func detect(
        previous: Session, current: Session,
        previousSlots: SlotTable, currentSlots: SlotTable,
        into events: inout [Event]
    ) {
        guard current.isPlaying else { playInterrupted = true; return }
        guard let dt = current.clockStep(since: previous), dt != 0 else { return }
        // Within a millisecond of the limit counts as reaching it: the clock is a float32
        // printed to a few digits, so frames exactly 0.1 s apart read 0.1 ± a few 1e-5 s
        // and would otherwise be measured or not at random.
        let limit = thresholds.playspaceMaximumFrameSeconds - 0.001
        let restart = playInterrupted || !previous.isPlaying || abs(dt) >= limit
        playInterrupted = false
        smoothedStep = restart ? abs(dt) : smoothedStep * 0.9 + abs(dt) * 0.1
        let teams = current.teams!
        for t in teams.indices where t < 2 {
            guard let players = teams[t].players else { continue }
            for p in players.indices {
                let player = players[p]
                guard let slot = player.slot, let head = player.head?.position else { continue }
                let entry = SlotTable.Entry(slot: slot, teamIndex: Int32(t), playerIndex: Int32(p), userID: player.userID)
                guard let (i, isNew) = owners.claim(entry) else { continue }
                if isNew || restart || !valid[i] {
                    points[i] = head
                    valid[i] = true
                    continue
                }
                let now = player.velocity ?? .zero
                let before = previousSlots.entry(slot: slot)
                let then = before.isPresent && before.userID == entry.userID ? (previous.velocity(at: before) ?? now) : now
                var point = points[i].plus(now.plus(then).scaled(0.5 * dt))
                let gap = head.minus(point)
                let d = gap.length
                let pull = thresholds.playspacePullSpeed * abs(dt)
                if d > 0 { point = d <= pull ? head : point.plus(gap.scaled(pull / d)) }
                let distance = head.distance(to: point)
                guard distance.isFinite else { points[i] = head; continue }
                if distance > thresholds.playspaceAbuseDistance && abs(dt) < limit && smoothedStep < limit {
                    events.append(.derived(.playspaceAbuse(.init(slot: slot, distance: distance))))
                    point = head
                }
                points[i] = point
            }
        }
    }
}
