/// Where every player of one frame sits, looked up by slot number.
///
/// Detectors compare players by (slot, userid) between two frames. Building a
/// dictionary per frame would allocate on every frame, so the table keeps fixed
/// storage for the usual slots 0..<16 and a small sorted overflow list for any other
/// slot number; both buffers are reused from frame to frame (steady state: no
/// allocation). Players without a `playerid` cannot be identified and are left out.
public struct SlotTable: Sendable {
    /// One player's position in `teams[teamIndex].players[playerIndex]`.
    public struct Entry: Hashable, Sendable {
        /// The player's `playerid` (slot number).
        public var slot: Int32
        /// Index into `teams` (0 blue, 1 orange, 2 spectators); -1 when the slot is empty.
        public var teamIndex: Int32
        /// Index into the team's `players`; -1 when the slot is empty.
        public var playerIndex: Int32
        /// The player's `userid`, when the frame has it.
        public var userID: UInt64?

        /// Whether a player sits in this slot.
        public var isPresent: Bool { teamIndex >= 0 }

        static func empty(_ slot: Int32) -> Entry { Entry(slot: slot, teamIndex: -1, playerIndex: -1, userID: nil) }
    }

    /// Slots with fixed storage; other slot numbers go through the overflow list.
    public static let directSlotCount: Int32 = 16

    var direct: [Entry]
    var overflow: [Entry]
    /// Slot of the disc holder, -1 for nobody.
    public private(set) var holderSlot: Int32 = -1
    /// `userid` of the disc holder, when known.
    public private(set) var holderUserID: UInt64?
    /// Team index of the holder, -1 for nobody.
    public private(set) var holderTeamIndex: Int32 = -1
    /// False when the frame has neither the top-level `possession` pair nor any
    /// player's `possession` key (older builds): possession rules are then disabled.
    public private(set) var holderKnown = false
    /// `match_type` starts with `Social`: players are social participants, not teams.
    public private(set) var isSocialLobby = false

    /// An empty table (no player, nobody holding the disc), with its storage allocated.
    public init() {
        direct = (0..<Self.directSlotCount).map { Entry.empty($0) }
        overflow = []
        overflow.reserveCapacity(4)
    }

    /// The table for `session`.
    public init(_ session: Session) {
        self.init()
        rebuild(from: session)
    }

    /// Refills the table from `session`, reusing its storage.
    public mutating func rebuild(from session: Session) {
        for i in direct.indices { direct[i] = Entry.empty(Int32(i)) }
        overflow.removeAll(keepingCapacity: true)
        holderSlot = -1
        holderUserID = nil
        holderTeamIndex = -1
        holderKnown = false
        isSocialLobby = session.matchType?.hasPrefix("Social") ?? false
        guard let teams = session.teams else { return }
        var flaggedHolder: Entry?
        for t in teams.indices {
            guard let players = teams[t].players else { continue }
            for p in players.indices {
                let player = players[p]
                if let possession = player.possession {
                    holderKnown = true
                    if possession, flaggedHolder == nil, let slot = player.slot {
                        flaggedHolder = Entry(slot: slot, teamIndex: Int32(t), playerIndex: Int32(p), userID: player.userID)
                    }
                }
                guard let slot = player.slot else { continue }
                let entry = Entry(slot: slot, teamIndex: Int32(t), playerIndex: Int32(p), userID: player.userID)
                if slot >= 0 && slot < Self.directSlotCount {
                    // A duplicated slot (malformed frame): the first occurrence wins.
                    if !direct[Int(slot)].isPresent { direct[Int(slot)] = entry }
                } else {
                    overflow.append(entry)
                }
            }
        }
        normalizeOverflow()
        if let pair = session.possession {
            holderKnown = true
            if !pair.isNobody, Int(pair.teamIndex) < teams.count,
               let players = teams[Int(pair.teamIndex)].players, Int(pair.playerIndex) < players.count,
               let slot = players[Int(pair.playerIndex)].slot {
                setHolder(Entry(slot: slot, teamIndex: pair.teamIndex, playerIndex: pair.playerIndex,
                                userID: players[Int(pair.playerIndex)].userID))
            }
        } else if let flaggedHolder {
            setHolder(flaggedHolder)
        }
    }

    private mutating func setHolder(_ e: Entry) {
        holderSlot = e.slot
        holderUserID = e.userID
        holderTeamIndex = e.teamIndex
    }

    /// Sorts the overflow list by slot and keeps the first occurrence of a duplicated slot.
    /// Entries were appended in (team, player) order, so sorting by (slot, team, player) keeps
    /// that order among equal slots. O(n log n) once per frame; the former insertion into a
    /// sorted list was O(n^2) (150,000 players took a minute).
    private mutating func normalizeOverflow() {
        guard overflow.count > 1 else { return }
        overflow.sort {
            ($0.slot, $0.teamIndex, $0.playerIndex) < ($1.slot, $1.teamIndex, $1.playerIndex)
        }
        var kept = 1
        for i in 1..<overflow.count where overflow[i].slot != overflow[kept - 1].slot {
            overflow[kept] = overflow[i]
            kept += 1
        }
        overflow.removeLast(overflow.count - kept)
    }

    /// The player in `slot`, or an empty entry (binary search in the sorted overflow list).
    public func entry(slot: Int32) -> Entry {
        if slot >= 0 && slot < Self.directSlotCount { return direct[Int(slot)] }
        var lo = 0
        var hi = overflow.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if overflow[mid].slot < slot { lo = mid + 1 } else { hi = mid }
        }
        if lo < overflow.count, overflow[lo].slot == slot { return overflow[lo] }
        return Entry(slot: slot, teamIndex: -1, playerIndex: -1, userID: nil)
    }

    /// Every slot present in `a` or `b`, in ascending slot order, with both entries
    /// (empty where absent). No allocation.
    public static func forEachSlot(_ a: SlotTable, _ b: SlotTable, _ body: (Entry, Entry) -> Void) {
        var ia = 0, ib = 0
        let oa = a.overflow, ob = b.overflow
        // Negative overflow slots come first, then 0..<16, then the rest.
        func mergeOverflow(while belowZero: Bool) {
            while true {
                let sa = ia < oa.count && (oa[ia].slot < 0) == belowZero ? oa[ia].slot : nil
                let sb = ib < ob.count && (ob[ib].slot < 0) == belowZero ? ob[ib].slot : nil
                switch (sa, sb) {
                case (nil, nil): return
                case (let x?, nil): body(oa[ia], Entry.empty(x)); ia += 1
                case (nil, let y?): body(Entry.empty(y), ob[ib]); ib += 1
                case (let x?, let y?):
                    if x == y { body(oa[ia], ob[ib]); ia += 1; ib += 1 }
                    else if x < y { body(oa[ia], Entry.empty(x)); ia += 1 }
                    else { body(Entry.empty(y), ob[ib]); ib += 1 }
                }
            }
        }
        mergeOverflow(while: true)
        for s in 0..<Int(directSlotCount) {
            let ea = a.direct[s], eb = b.direct[s]
            if ea.isPresent || eb.isPresent { body(ea, eb) }
        }
        mergeOverflow(while: false)
    }
}

extension Session {
    /// The player at a table entry (which must be present and come from this session).
    public func player(at entry: SlotTable.Entry) -> Player {
        teams![Int(entry.teamIndex)].players![Int(entry.playerIndex)]
    }

    /// The stats of the player at `entry` (read in place: no copy of the player).
    func stats(at entry: SlotTable.Entry) -> Stats? {
        teams![Int(entry.teamIndex)].players![Int(entry.playerIndex)].stats
    }

    /// `is_emote_playing` of the player at `entry`.
    func isEmotePlaying(at entry: SlotTable.Entry) -> Bool? {
        teams![Int(entry.teamIndex)].players![Int(entry.playerIndex)].isEmotePlaying
    }

    /// `stunned` of the player at `entry`.
    func isStunned(at entry: SlotTable.Entry) -> Bool? {
        teams![Int(entry.teamIndex)].players![Int(entry.playerIndex)].stunned
    }

    /// A frame the detectors may compare: it has `teams` and no non-zero `err_code`.
    /// Error objects and `{"err_code":0}`-only answers are not game frames.
    public var isGameFrame: Bool {
        (errCode ?? 0) == 0 && teams != nil
    }
}

extension Role {
    /// The role of a player on team `teamIndex`: in a social lobby every player is a
    /// social participant; otherwise 0 blue, 1 orange, 2 spectator (events.md rule 4).
    public init(teamIndex: Int, socialLobby: Bool) {
        if socialLobby {
            self = .socialParticipant
        } else {
            self.init(teamIndex: teamIndex)
        }
    }
}
