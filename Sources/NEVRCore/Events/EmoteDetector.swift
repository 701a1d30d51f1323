/// `EmotePlayed` when `is_emote_playing` goes false -> true for a player present
/// (same slot and userid) in both frames, in ascending slot order.
///
/// The API does not say which emote, so the type is always unspecified. Builds
/// before 2022 lack the key; the rule is then off.
public struct EmoteDetector: FrameEventDetector {
    /// A detector (it keeps no state).
    public init() {}

    /// Keeps no state between frames: nothing to forget.
    public mutating func reset(baseline: Session, slots: SlotTable) {}

    /// Appends one `EmotePlayed` per player whose emote started, by slot.
    public mutating func detect(
        previous: Session, current: Session,
        previousSlots: SlotTable, currentSlots: SlotTable,
        into events: inout [Event]
    ) {
        SlotTable.forEachSlot(previousSlots, currentSlots) { before, now in
            guard before.isPresent, now.isPresent, before.userID == now.userID else { return }
            if previous.isEmotePlaying(at: before) == false && current.isEmotePlaying(at: now) == true {
                events.append(.emotePlayed(slot: now.slot, emote: .unspecified))
            }
        }
    }
}
