/// Player stat events from the cumulative counters of each player.
///
/// For a player present (same slot and userid) in both frames, a counter that rose
/// from N to N+k gives k events carrying the running totals N+1 ... N+k, so that over
/// any capture the number of events equals the last value minus the first. Counters
/// that fall (a match restart) give nothing: the new value is the baseline. A counter
/// missing from either frame is skipped. A rise of more than
/// ``maximumRisePerFrame`` is treated as corrupt input and re-baselined too.
///
/// Order: by slot, then `PlayerGoal`, `PlayerSave`, `PlayerStun`, `PlayerPass`,
/// `PlayerSteal`, `PlayerBlock`, `PlayerInterception`, `PlayerAssist`,
/// `PlayerShotTaken` (the `.nevrcap` id order).
///
/// `PlayerGoal.points` is the rise of the player's `points` when one goal was scored,
/// else `last_score.point_amount`. `PlayerSteal.victim_player_slot` is the last other
/// player who held the disc, when on the other team; -1 otherwise.
public struct StatsDetector: FrameEventDetector {
    /// Larger single-frame rises are not real play; they are re-baselined, not reported.
    public static let maximumRisePerFrame: Int32 = 10_000

    /// Last two distinct disc holders (slot, userid, team index), most recent first.
    private var lastHolder = Holder.nobody
    private var holderBefore = Holder.nobody

    private struct Holder: Equatable {
        var slot: Int32
        var userID: UInt64?
        var teamIndex: Int32
        static let nobody = Holder(slot: -1, userID: nil, teamIndex: -1)
    }

    /// A detector with no disc holder remembered.
    public init() {}

    /// Starts a session: remembers the baseline's disc holder for steals.
    public mutating func reset(baseline: Session, slots: SlotTable) {
        lastHolder = .nobody
        holderBefore = .nobody
        noteHolder(slots)
    }

    private mutating func noteHolder(_ slots: SlotTable) {
        guard slots.holderSlot >= 0 else { return }
        let h = Holder(slot: slots.holderSlot, userID: slots.holderUserID, teamIndex: slots.holderTeamIndex)
        if h != lastHolder {
            holderBefore = lastHolder
            lastHolder = h
        }
    }

    /// Appends stat events by slot, then kind.
    public mutating func detect(
        previous: Session, current: Session,
        previousSlots: SlotTable, currentSlots: SlotTable,
        into events: inout [Event]
    ) {
        let lastHolder = lastHolder, holderBefore = holderBefore
        SlotTable.forEachSlot(previousSlots, currentSlots) { before, now in
            guard before.isPresent, now.isPresent, before.userID == now.userID,
                  let a = previous.stats(at: before), let b = current.stats(at: now) else { return }
            let slot = now.slot
            Self.rises(a.goals, b.goals) { total, k in
                let pointsRise = (b.points ?? 0) &- (a.points ?? 0)
                let points = k == 1 && pointsRise > 0 ? pointsRise : (current.lastScore?.pointAmount ?? 0)
                events.append(.playerGoal(slot: slot, totalGoals: total, points: points))
            }
            Self.rises(a.saves, b.saves) { total, _ in events.append(.playerSave(slot: slot, total: total)) }
            Self.rises(a.stuns, b.stuns) { total, _ in events.append(.playerStun(slot: slot, total: total)) }
            Self.rises(a.passes, b.passes) { total, _ in events.append(.playerPass(slot: slot, total: total)) }
            Self.rises(a.steals, b.steals) { total, _ in
                let victim = lastHolder.slot != slot || lastHolder.userID != now.userID ? lastHolder : holderBefore
                let victimSlot = victim.slot >= 0 && victim.teamIndex != now.teamIndex ? victim.slot : -1
                events.append(.playerSteal(slot: slot, total: total, victimSlot: victimSlot))
            }
            Self.rises(a.blocks, b.blocks) { total, _ in events.append(.playerBlock(slot: slot, total: total)) }
            Self.rises(a.interceptions, b.interceptions) { total, _ in events.append(.playerInterception(slot: slot, total: total)) }
            Self.rises(a.assists, b.assists) { total, _ in events.append(.playerAssist(slot: slot, total: total)) }
            Self.rises(a.shotsTaken, b.shotsTaken) { total, _ in events.append(.playerShotTaken(slot: slot, total: total)) }
        }
        noteHolder(currentSlots)
    }

    /// Calls `body(total, k)` for each total N+1 ... N+k when a counter rose from N to N+k.
    @inline(__always)
    static func rises(_ before: Int32?, _ now: Int32?, _ body: (Int32, Int32) -> Void) {
        guard let before, let now, now > before else { return }
        let k = now &- before
        guard k > 0 && k <= maximumRisePerFrame else { return }
        var total = before
        while total < now {
            total += 1
            body(total, k)
        }
    }
}
