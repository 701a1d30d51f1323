/// `Stun`: a stunner matched with the player they stunned (`spark-events.md`).
///
/// Two half-events: a player's `stats.stuns` rises (one half per unit of the rise), and a
/// player's `stunned` goes false -> true. A stunner half and a victim half of two
/// different players within ``DerivedEventThresholds/stunMatchSeconds`` of game clock of
/// each other, in either order, make one event (reported in the frame of the later
/// half). A victim on the stunner's opposing team is preferred, then the earliest. Halves
/// that find no partner in time are dropped; a clock that runs backwards (a new round)
/// drops them all. At most 32 halves of each kind wait at a time.
public struct StunVictimDetector: FrameEventDetector {
    /// The thresholds this detector was made with (Spark's defaults unless changed).
    public let thresholds: DerivedEventThresholds

    private struct Half {
        var slot: Int32
        var userID: UInt64?
        var teamIndex: Int32
        var clock: Double
    }

    private var stunners: [Half] = []
    private var victims: [Half] = []
    private var lastClock: Double?
    private static let maximumWaiting = 32

    /// A detector using `thresholds` (Spark's defaults unless given).
    public init(thresholds: DerivedEventThresholds = .init()) {
        self.thresholds = thresholds
        stunners.reserveCapacity(Self.maximumWaiting)
        victims.reserveCapacity(Self.maximumWaiting)
    }

    /// Forgets every player's state: a new session starts at `baseline` (nothing is reported for it).
    public mutating func reset(baseline: Session, slots: SlotTable) {
        stunners.removeAll(keepingCapacity: true)
        victims.removeAll(keepingCapacity: true)
        lastClock = baseline.gameClock
    }

    /// Appends this detector's events between `previous` and `current`, in the order the type's discussion gives.
    public mutating func detect(
        previous: Session, current: Session,
        previousSlots: SlotTable, currentSlots: SlotTable,
        into events: inout [Event]
    ) {
        guard let clock = current.gameClock, clock.isFinite else { return }
        if let lastClock, clock > lastClock {
            stunners.removeAll(keepingCapacity: true)
            victims.removeAll(keepingCapacity: true)
        }
        lastClock = clock
        let window = thresholds.stunMatchSeconds
        stunners.removeAll { $0.clock - clock > window }
        victims.removeAll { $0.clock - clock > window }

        // Victims first, so that a stunner and victim of the same frame pair up.
        let teams = current.teams!
        for t in teams.indices {
            guard let players = teams[t].players else { continue }
            for p in players.indices where players[p].stunned == true {
                let player = players[p]
                guard let slot = player.slot else { continue }
                let before = previousSlots.entry(slot: slot)
                guard before.isPresent, before.userID == player.userID, previous.isStunned(at: before) == false else { continue }
                let half = Half(slot: slot, userID: player.userID, teamIndex: Int32(t), clock: clock)
                if let k = partner(for: half, in: stunners) {
                    let s = stunners.remove(at: k)
                    events.append(.derived(.stun(.init(slot: s.slot, victimSlot: slot))))
                } else if victims.count < Self.maximumWaiting {
                    victims.append(half)
                }
            }
        }
        for t in teams.indices {
            guard let players = teams[t].players else { continue }
            for p in players.indices {
                let player = players[p]
                guard let slot = player.slot, let now = player.stats?.stuns else { continue }
                let before = previousSlots.entry(slot: slot)
                guard before.isPresent, before.userID == player.userID, let was = previous.stats(at: before)?.stuns,
                      now > was, now - was <= StatsDetector.maximumRisePerFrame else { continue }
                for _ in 0..<(now - was) {
                    let half = Half(slot: slot, userID: player.userID, teamIndex: Int32(t), clock: clock)
                    if let k = partner(for: half, in: victims) {
                        let v = victims.remove(at: k)
                        events.append(.derived(.stun(.init(slot: slot, victimSlot: v.slot))))
                    } else if stunners.count < Self.maximumWaiting {
                        stunners.append(half)
                    }
                }
            }
        }
    }

    /// The best waiting half of the other kind for `half`: another player, opposing team first.
    private func partner(for half: Half, in list: [Half]) -> Int? {
        var best: Int?
        for k in list.indices {
            let c = list[k]
            guard c.slot != half.slot || c.userID != half.userID else { continue }
            let opposing = c.teamIndex != half.teamIndex && c.teamIndex < 2 && half.teamIndex < 2
            if let b = best {
                let bestOpposing = list[b].teamIndex != half.teamIndex && list[b].teamIndex < 2 && half.teamIndex < 2
                if opposing && !bestOpposing { best = k }
            } else {
                best = k
            }
        }
        return best
    }
}
