/// `Turnover` and Spark-style `Interception` (`spark-events.md`).
///
/// A catch is a new disc holder Q (``SlotTable``'s holder, a (slot, userid) other than
/// the last one). When the player who held the disc last before Q (the thrower, or the
/// player Q took it from) is on the other team (blue/orange) and Q's `saves` did not rise
/// in this frame, it is a `Turnover(Q, previous holder)`. If
/// ``DerivedEventThresholds/interceptionDelaySeconds`` of game clock later Q is still in
/// the game and their `saves` are still unchanged, the same pair is reported again as an
/// `Interception` (Spark counts a save followed by a catch as neither). A clock that runs
/// backwards (a new round) settles the pending checks at once. Other-team catches that
/// come with a save are not turnovers (Spark then calls them passes).
///
/// Spark compares with the last thrower's `possession` flag in the previous frame; here
/// the last holder is remembered, which works whether the game keeps `possession` on the
/// thrower during the flight or clears it.
public struct TurnoverDetector: FrameEventDetector {
    /// The thresholds this detector was made with (Spark's defaults unless changed).
    public let thresholds: DerivedEventThresholds
    private var last = Holder.nobody

    private struct Holder: Equatable {
        var slot: Int32
        var userID: UInt64?
        var teamIndex: Int32
        static let nobody = Holder(slot: -1, userID: nil, teamIndex: -1)
    }

    private struct Pending {
        var catcher: Holder
        var from: Int32
        var saves: Int32
        var clock: Double
    }

    /// Pending interception checks (at most a few: one per catch within two seconds).
    private var pending: [Pending] = []

    /// A detector using `thresholds` (Spark's defaults unless given).
    public init(thresholds: DerivedEventThresholds = .init()) {
        self.thresholds = thresholds
        pending.reserveCapacity(8)
    }

    /// Forgets every player's state: a new session starts at `baseline` (nothing is reported for it).
    public mutating func reset(baseline: Session, slots: SlotTable) {
        pending.removeAll(keepingCapacity: true)
        last = slots.holderSlot >= 0 ? Holder(slot: slots.holderSlot, userID: slots.holderUserID, teamIndex: slots.holderTeamIndex) : .nobody
    }

    /// Appends this detector's events between `previous` and `current`, in the order the type's discussion gives.
    public mutating func detect(
        previous: Session, current: Session,
        previousSlots: SlotTable, currentSlots: SlotTable,
        into events: inout [Event]
    ) {
        let clock = current.gameClock
        if !pending.isEmpty { settle(current, currentSlots, clock: clock, into: &events) }
        guard currentSlots.holderKnown, currentSlots.holderSlot >= 0 else { return }
        let now = Holder(slot: currentSlots.holderSlot, userID: currentSlots.holderUserID, teamIndex: currentSlots.holderTeamIndex)
        guard now != last else { return }
        let from = last
        last = now
        guard from.slot >= 0, from.teamIndex < 2, now.teamIndex < 2, from.teamIndex != now.teamIndex else { return }
        let entry = currentSlots.entry(slot: now.slot)
        let savesNow = current.stats(at: entry)?.saves ?? 0
        let before = previousSlots.entry(slot: now.slot)
        let savesBefore = before.isPresent && before.userID == now.userID ? (previous.stats(at: before)?.saves ?? savesNow) : savesNow
        guard savesNow == savesBefore else { return }
        events.append(.derived(.turnover(.init(slot: now.slot, previousSlot: from.slot))))
        if let clock, pending.count < 64 {
            pending.append(Pending(catcher: now, from: from.slot, saves: savesNow, clock: clock))
        }
    }

    private mutating func settle(_ current: Session, _ slots: SlotTable, clock: Double?, into events: inout [Event]) {
        var k = 0
        while k < pending.count {
            let p = pending[k]
            let elapsed = clock.map { p.clock - $0 } ?? 0
            guard elapsed >= thresholds.interceptionDelaySeconds || elapsed < 0 else { k += 1; continue }
            let entry = slots.entry(slot: p.catcher.slot)
            if entry.isPresent && entry.userID == p.catcher.userID, (current.stats(at: entry)?.saves ?? p.saves) == p.saves {
                events.append(.derived(.interception(.init(slot: p.catcher.slot, previousSlot: p.from))))
            }
            pending.remove(at: k)
        }
    }
}
