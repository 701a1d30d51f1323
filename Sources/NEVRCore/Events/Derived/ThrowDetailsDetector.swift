/// `ThrowDetails` for every player's throw, from the disc and the thrower's hands
/// (`spark-events.md`; the game's `last_throw` describes only the recording client's).
///
/// A release starts when the previous frame's holder P (``SlotTable``) either still holds
/// the disc or nobody does now, the disc moves in both frames, and
/// |disc velocity - P's velocity| > ``DerivedEventThresholds/throwRelativeSpeed`` now; or
/// when P is the recording client and `last_throw.total_speed` changed (by > 0.001) to a
/// non-zero value. The release's figures are taken then: disc speed, relative speed, the
/// hand nearer the disc in the previous frame, and underhandedness = head-up ·
/// (that hand - head) in the previous frame. After
/// ``DerivedEventThresholds/throwConfirmSeconds`` of game clock, if nobody else had caught
/// the disc and it still moved in the last frame at or before that time (what Spark's
/// delayed check reads), the throw is reported in the first frame at or after it. A disc standing
/// exactly still cancels a pending release; one release is pending at a time. A stunned
/// holder losing the disc is not throwing (as for `DiscThrown`; Spark does not check).
public struct ThrowDetailsDetector: FrameEventDetector {
    /// The thresholds this detector was made with (Spark's defaults unless changed).
    public let thresholds: DerivedEventThresholds
    private var pending: DerivedEvent.ThrowDetails?
    private var pendingUserID: UInt64?
    private var pendingClock = 0.0
    /// The player whose release was taken last: no new release for them until the disc
    /// changes hands or stops (Spark's "throw pending" flag), so a game that keeps
    /// `possession` on the thrower during the flight gives one throw, not one per frame.
    private var latchedSlot: Int32 = -1
    private var latchedUserID: UInt64?

    /// A detector using `thresholds` (Spark's defaults unless given).
    public init(thresholds: DerivedEventThresholds = .init()) {
        self.thresholds = thresholds
    }

    /// Forgets every player's state: a new session starts at `baseline` (nothing is reported for it).
    public mutating func reset(baseline: Session, slots: SlotTable) {
        pending = nil
        latchedSlot = -1
    }

    /// Appends this detector's events between `previous` and `current`, in the order the type's discussion gives.
    public mutating func detect(
        previous: Session, current: Session,
        previousSlots: SlotTable, currentSlots: SlotTable,
        into events: inout [Event]
    ) {
        guard currentSlots.holderKnown, previousSlots.holderKnown, let disc = current.disc?.velocity else {
            pending = nil
            latchedSlot = -1
            return
        }
        if latchedSlot >= 0 && (disc == .zero || currentSlots.holderSlot != latchedSlot || currentSlots.holderUserID != latchedUserID) {
            latchedSlot = -1
        }
        if let p = pending {
            let otherHolder = currentSlots.holderSlot >= 0
                && (currentSlots.holderSlot != p.slot || currentSlots.holderUserID != pendingUserID)
            let elapsed = current.gameClock.map { pendingClock - $0 }
            // Spark checks the newest frame it has when the confirmation time comes: the last
            // frame at or before it. A frame past it confirms the throw on the previous
            // frame's evidence (which did not cancel it); only a frame exactly at the time,
            // or before it, is judged on its own.
            let past = elapsed.map { $0 > thresholds.throwConfirmSeconds + 1e-6 || $0 < 0 } ?? false
            if past {
                events.append(.derived(.throwDetails(p)))
                pending = nil
            } else if disc == .zero || otherHolder {
                pending = nil
            } else if let elapsed, elapsed >= thresholds.throwConfirmSeconds - 1e-6 {
                events.append(.derived(.throwDetails(p)))
                pending = nil
            }
            if pending != nil { return }
        }
        let holder = previousSlots.holderSlot
        guard holder >= 0, holder != latchedSlot || previousSlots.holderUserID != latchedUserID else { return }
        let nowHolder = currentSlots.holderSlot
        guard nowHolder < 0 || (nowHolder == holder && currentSlots.holderUserID == previousSlots.holderUserID) else { return }
        let before = previousSlots.entry(slot: holder)
        let now = currentSlots.entry(slot: holder)
        guard before.isPresent, now.isPresent, now.userID == before.userID, current.isStunned(at: now) != true else { return }
        let playerNow = current.player(at: now)
        let relative = disc.minus(playerNow.velocity ?? .zero).length
        var released = disc != .zero && (previous.disc?.velocity ?? .zero) != .zero && relative > thresholds.throwRelativeSpeed
        if !released, let client = current.clientName, client == playerNow.name,
           let speed = current.lastThrow?.totalSpeed, speed != 0, abs(speed - (previous.lastThrow?.totalSpeed ?? 0)) > 0.001 {
            released = true
        }
        guard released, relative.isFinite, let clock = current.gameClock else { return }
        let playerBefore = previous.player(at: before)
        var hand = DerivedEvent.Hand.unspecified
        var under = 0.0
        if let discAt = previous.disc?.position {
            let left = playerBefore.leftHand?.position, right = playerBefore.rightHand?.position
            let dl = left.map { $0.distance(to: discAt) } ?? .infinity
            let dr = right.map { $0.distance(to: discAt) } ?? .infinity
            if dl.isFinite || dr.isFinite {
                hand = dl < dr ? .left : .right
                if let head = playerBefore.head, let headAt = head.position, let up = head.up, let h = (dl < dr ? left : right) {
                    under = up.dot(h.minus(headAt))
                    if !under.isFinite { under = 0 }
                }
            }
        }
        pending = .init(slot: holder, discSpeed: disc.length, relativeSpeed: relative, hand: hand, underhandedness: under)
        pendingUserID = before.userID
        pendingClock = clock
        latchedSlot = holder
        latchedUserID = before.userID
        if thresholds.throwConfirmSeconds <= 0 {
            events.append(.derived(.throwDetails(pending!)))
            pending = nil
        }
    }
}
