/// The `nevr events --json` line format: one JSON object per event,
/// `{"frame":<index>,"timestamp":"<ISO 8601>","kind":"<oneof name>",...}`, then the
/// payload fields under their `.nevrcap` names (`nevrcap.md`), in field-number order.
///
/// ```swift
/// EventJSON.line(for: .playerSave(slot: 3, total: 2), frameIndex: 120, timestamp: t)
/// // {"frame":120,"timestamp":"2021-11-20T21:05:33.407","kind":"player_save","player_slot":3,"total_saves":2}
/// ```
///
/// Enums use their protobuf value names (`ROLE_BLUE_TEAM`). Optional fields that are
/// absent in the model are left out. A joined player carries the `TeamMember`'s
/// scalar fields and `stats`; poses and velocity are left out of the line (they are in
/// the frame). Floats use Swift's shortest round-trip spelling; non-finite ones are
/// written as `null`. Output is deterministic: same event, same bytes.
public enum EventJSON {
    /// The JSON object for `event` (no trailing newline).
    public static func line(for event: Event, frameIndex: UInt32, timestamp: Timestamp) -> String {
        var w = Writer()
        w.open()
        w.key("frame"); w.int(Int64(frameIndex))
        w.key("timestamp"); w.string(timestamp.iso8601)
        w.key("kind"); w.string(event.kind.name)
        payload(event, &w)
        w.close()
        return w.text
    }

    /// Int-index convenience.
    public static func line(for event: Event, frameIndex: Int, timestamp: Timestamp) -> String {
        line(for: event, frameIndex: UInt32(truncatingIfNeeded: frameIndex), timestamp: timestamp)
    }

    private static func payload(_ event: Event, _ w: inout Writer) {
        switch event {
        case .roundStarted(let n):
            w.key("round_number"); w.int(n)
        case .roundPaused(let p), .roundUnpaused(let p):
            w.key("pause_state"); pause(p, &w)
        case .roundEnded(let n, let winner):
            w.key("round_number"); w.int(n)
            w.key("winning_team"); w.string(winner.protoName)
        case .matchEnded(let winner):
            w.key("winning_team"); w.string(winner.protoName)
        case .scoreboardUpdated(let s):
            w.key("blue_points"); w.int(s.bluePoints)
            w.key("orange_points"); w.int(s.orangePoints)
            w.key("blue_round_score"); w.int(s.blueRoundScore)
            w.key("orange_round_score"); w.int(s.orangeRoundScore)
            w.key("game_clock_display"); w.string(s.gameClockDisplay)
        case .playerJoined(let player, let role):
            w.key("player"); teamMember(player, &w)
            w.key("role"); w.string(role.protoName)
        case .playerLeft(let slot, let name):
            w.key("player_slot"); w.int(slot)
            w.key("display_name"); w.string(name)
        case .playerSwitchedTeam(let slot, let new, let previous):
            w.key("player_slot"); w.int(slot)
            w.key("new_role"); w.string(new.protoName)
            w.key("prev_role"); w.string(previous.protoName)
        case .emotePlayed(let slot, let emote):
            w.key("player_slot"); w.int(slot)
            w.key("emote"); w.string(emote.protoName)
        case .discPossessionChanged(let slot, let previous):
            w.key("player_slot"); w.int(slot)
            w.key("previous_player_slot"); w.int(previous)
        case .discThrown(let slot, let details):
            w.key("player_slot"); w.int(slot)
            if let details { w.key("throw_details"); lastThrow(details, &w) }
        case .discCaught(let slot):
            w.key("player_slot"); w.int(slot)
        case .goalScored(let s):
            w.key("score_details"); lastScore(s, &w)
        case .playerGoal(let slot, let total, let points):
            w.key("player_slot"); w.int(slot)
            w.key("total_goals"); w.int(total)
            w.key("points"); w.int(points)
        case .playerSave(let slot, let total): slotTotal(slot, "total_saves", total, &w)
        case .playerStun(let slot, let total): slotTotal(slot, "total_stuns", total, &w)
        case .playerPass(let slot, let total): slotTotal(slot, "total_passes", total, &w)
        case .playerSteal(let slot, let total, let victim):
            slotTotal(slot, "total_steals", total, &w)
            w.key("victim_player_slot"); w.int(victim)
        case .playerBlock(let slot, let total): slotTotal(slot, "total_blocks", total, &w)
        case .playerInterception(let slot, let total): slotTotal(slot, "total_interceptions", total, &w)
        case .playerAssist(let slot, let total): slotTotal(slot, "total_assists", total, &w)
        case .playerShotTaken(let slot, let total): slotTotal(slot, "total_shots", total, &w)
        case .generic(let type, let data, let payload):
            w.key("event_type"); w.string(type)
            w.key("data"); w.open()
            for entry in data { w.key(entry.key); w.string(entry.value) }
            w.close()
            w.key("payload"); w.string(payload)
        case .unknown(let number, let bytes):
            w.key("field_number"); w.int(Int64(number))
            w.key("payload_hex"); w.string(hex(bytes))
        }
    }

    private static func slotTotal(_ slot: Int32, _ name: String, _ total: Int32, _ w: inout Writer) {
        w.key("player_slot"); w.int(slot)
        w.key(name); w.int(total)
    }

    // pause, lastScore, lastThrow, teamMember and stats payloads: EventJSON.generated.swift.

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Minimal JSON text builder: tracks commas, escapes strings per RFC 8259.
    struct Writer {
        var text = ""
        private var needsComma = false

        mutating func open() { text += "{"; needsComma = false }
        mutating func close() { text += "}"; needsComma = true }
        mutating func key(_ k: String) {
            if needsComma { text += "," }
            appendString(k)
            text += ":"
            needsComma = false
        }
        mutating func string(_ s: String) { appendString(s); needsComma = true }
        mutating func int(_ v: Int32) { text += String(v); needsComma = true }
        mutating func int(_ v: Int64) { text += String(v); needsComma = true }
        mutating func uint(_ v: UInt64) { text += String(v); needsComma = true }
        mutating func bool(_ v: Bool) { text += v ? "true" : "false"; needsComma = true }
        mutating func double(_ v: Double) { text += v.isFinite ? String(v) : "null"; needsComma = true }

        private mutating func appendString(_ s: String) {
            text += "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                default:
                    if scalar.value < 0x20 {
                        let h = String(scalar.value, radix: 16)
                        text += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                    } else {
                        text.unicodeScalars.append(scalar)
                    }
                }
            }
            text += "\""
        }
    }
}
