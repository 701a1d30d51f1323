// Small shared pieces of the derived-event detectors: vector arithmetic, the game-clock
// step between two frames, and per-slot state that follows the (slot, userid) pair.

extension Vector3 {
    @inline(__always) func minus(_ o: Vector3) -> Vector3 { Vector3(x - o.x, y - o.y, z - o.z) }
    @inline(__always) func plus(_ o: Vector3) -> Vector3 { Vector3(x + o.x, y + o.y, z + o.z) }
    @inline(__always) func scaled(_ k: Double) -> Vector3 { Vector3(x * k, y * k, z * k) }
    @inline(__always) func dot(_ o: Vector3) -> Double { x * o.x + y * o.y + z * o.z }
    @inline(__always) func distance(to o: Vector3) -> Double { minus(o).length }
}

extension Session {
    /// Game seconds that passed from `previous` to this frame (the clock counts down), or
    /// `nil` when either frame has no clock. 0 while the clock stands (not playing, paused).
    @inline(__always)
    func clockStep(since previous: Session) -> Double? {
        guard let before = previous.gameClock, let now = gameClock, before.isFinite, now.isFinite else { return nil }
        return before - now
    }

    /// `game_status == "playing"`.
    var isPlaying: Bool { gameStatus == "playing" }

    /// Head position of the player at `entry` (the 2018 layout's body pose when no head).
    func headPosition(at entry: SlotTable.Entry) -> Vector3? {
        let p = teams![Int(entry.teamIndex)].players![Int(entry.playerIndex)]
        return p.head?.position ?? p.legacyPose?.position
    }

    /// `velocity` of the player at `entry`.
    func velocity(at entry: SlotTable.Entry) -> Vector3? {
        teams![Int(entry.teamIndex)].players![Int(entry.playerIndex)].velocity
    }
}

/// Remembers which userid a slot's per-player state belongs to, in fixed storage for
/// slots 0..<16 (``SlotTable/directSlotCount``); derived detectors ignore other slots.
struct SlotOwners: Sendable {
    static let count = Int(SlotTable.directSlotCount)
    private var owners: [UInt64?] = Array(repeating: nil, count: SlotOwners.count)
    private var present: [Bool] = Array(repeating: false, count: SlotOwners.count)

    /// Index for `entry` if it has fixed storage; `isNew` when the slot changed hands
    /// (or was empty), so the caller resets that slot's state.
    @inline(__always)
    mutating func claim(_ entry: SlotTable.Entry) -> (index: Int, isNew: Bool)? {
        guard entry.isPresent, entry.slot >= 0, entry.slot < SlotTable.directSlotCount else { return nil }
        let i = Int(entry.slot)
        let isNew = !present[i] || owners[i] != entry.userID
        owners[i] = entry.userID
        present[i] = true
        return (i, isNew)
    }

    mutating func release(_ index: Int) { present[index] = false }

    mutating func reset() {
        for i in 0..<Self.count { present[i] = false; owners[i] = nil }
    }
}
