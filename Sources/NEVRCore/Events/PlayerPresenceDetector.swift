/// `PlayerJoined`, `PlayerLeft` and `PlayerSwitchedTeam`, by (slot, userid).
///
/// A player is the pair (slot, userid): a slot taken over by another userid is a
/// leave followed by a join. The team is the index of the `teams` entry holding the
/// player (events.md rule 4). Per slot, in ascending slot order: left, joined,
/// switched team. Players without a `playerid` cannot be tracked and are ignored.
public struct PlayerPresenceDetector: FrameEventDetector {
    /// A detector (it keeps no state).
    public init() {}

    /// Keeps no state between frames: nothing to forget.
    public mutating func reset(baseline: Session, slots: SlotTable) {}

    /// Appends left, joined and switched-team events, by slot.
    public mutating func detect(
        previous: Session, current: Session,
        previousSlots: SlotTable, currentSlots: SlotTable,
        into events: inout [Event]
    ) {
        SlotTable.forEachSlot(previousSlots, currentSlots) { before, now in
            let samePlayer = before.isPresent && now.isPresent && before.userID == now.userID
            if before.isPresent && !samePlayer {
                events.append(.playerLeft(slot: before.slot, displayName: previous.player(at: before).name ?? ""))
            }
            if now.isPresent && !samePlayer {
                events.append(.playerJoined(
                    player: current.player(at: now),
                    role: Role(teamIndex: Int(now.teamIndex), socialLobby: currentSlots.isSocialLobby)))
            }
            if samePlayer && before.teamIndex != now.teamIndex {
                events.append(.playerSwitchedTeam(
                    slot: now.slot,
                    newRole: Role(teamIndex: Int(now.teamIndex), socialLobby: currentSlots.isSocialLobby),
                    previousRole: Role(teamIndex: Int(before.teamIndex), socialLobby: previousSlots.isSocialLobby)))
            }
        }
    }
}
