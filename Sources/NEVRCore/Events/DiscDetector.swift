/// `DiscPossessionChanged`, `DiscThrown` and `DiscCaught`, from who holds the disc.
///
/// The holder is the player named by the top-level `possession` pair when the frame
/// has it, else the first player whose `possession` is true; -1 for nobody (see
/// ``SlotTable``). A holder is (slot, userid). Emitted in this order:
///
/// - `DiscPossessionChanged(new, previous)` when the holder changed.
/// - `DiscThrown(P)` when P held the disc before, nobody holds it now, P is still in
///   the game and not stunned, and the disc moves at least
///   ``EventDetectionOptions/discThrownMinimumSpeed``. `throw_details` is attached
///   only when `last_throw` changed in the same frame and the recording client
///   (`client_name`) is P: the API reports only the client's own throws.
/// - `DiscCaught(Q)` when Q holds the disc now and nobody or another player held it.
///
/// Frames without any possession information switch these rules off; `DiscThrown`
/// also needs the disc's velocity.
public struct DiscDetector: FrameEventDetector {
    /// Slowest disc speed (m/s) counted as a throw; ``EventDetectionOptions/discThrownMinimumSpeed``.
    public var minimumThrowSpeed: Double

    /// A detector with the given throw threshold.
    public init(minimumThrowSpeed: Double = EventDetectionOptions().discThrownMinimumSpeed) {
        self.minimumThrowSpeed = minimumThrowSpeed
    }

    /// Keeps no state between frames: nothing to forget.
    public mutating func reset(baseline: Session, slots: SlotTable) {}

    /// Appends possession changed, thrown and caught, in that order.
    public mutating func detect(
        previous: Session, current: Session,
        previousSlots: SlotTable, currentSlots: SlotTable,
        into events: inout [Event]
    ) {
        guard previousSlots.holderKnown, currentSlots.holderKnown else { return }
        let before = previousSlots.holderSlot
        let now = currentSlots.holderSlot
        let changed = before != now || (now >= 0 && previousSlots.holderUserID != currentSlots.holderUserID)
        guard changed else { return }
        events.append(.discPossessionChanged(slot: now, previousSlot: before))

        if before >= 0 && now < 0 {
            let thrower = currentSlots.entry(slot: before)
            if thrower.isPresent && thrower.userID == previousSlots.holderUserID,
               let velocity = current.disc?.velocity, velocity.length >= minimumThrowSpeed {
                if current.isStunned(at: thrower) != true {
                    var details: LastThrow?
                    if let thrown = current.lastThrow, previous.lastThrow != thrown,
                       let client = current.clientName, client == current.player(at: thrower).name {
                        details = thrown
                    }
                    events.append(.discThrown(slot: before, details: details))
                }
            }
        }
        if now >= 0 {
            events.append(.discCaught(slot: now))
        }
    }
}
