import NEVRCore

// `telemetry.v1.LobbySessionEvent`: a oneof whose field number is the event kind
// (10...60, ``EventKind/rawValue``); each payload is a small message
// (proto/telemetry/v1/telemetry.proto).

extension ProtoWriter {
    /// `LobbySessionEvent` body: one oneof field.
    @usableFromInline
    mutating func event(_ e: Event) {
        if case .unknown(let number, let payload) = e {
            payload.withUnsafeBytes { bytesField(number, $0) }
            return
        }
        let m = beginMessage(e.kind.rawValue)
        switch e {
        case .roundStarted(let round):
            int32(1, round)
        case .roundPaused(let pause), .roundUnpaused(let pause):
            message(1, pause) { $0.pause($1) }
        case .roundEnded(let round, let winner):
            int32(1, round)
            int32(2, winner.rawValue)
        case .matchEnded(let winner):
            int32(1, winner.rawValue)
        case .scoreboardUpdated(let s):
            int32(1, s.bluePoints)
            int32(2, s.orangePoints)
            int32(3, s.blueRoundScore)
            int32(4, s.orangeRoundScore)
            string(5, s.gameClockDisplay)
        case .playerJoined(let player, let role):
            message(1, player) { $0.player($1) }
            int32(2, role.rawValue)
        case .playerLeft(let slot, let name):
            int32(1, slot)
            string(2, name)
        case .playerSwitchedTeam(let slot, let newRole, let previousRole):
            int32(1, slot)
            int32(2, newRole.rawValue)
            int32(3, previousRole.rawValue)
        case .emotePlayed(let slot, let emote):
            int32(1, slot)
            int32(2, emote.rawValue)
        case .discPossessionChanged(let slot, let previous):
            int32(1, slot)
            int32(2, previous)
        case .discThrown(let slot, let details):
            int32(1, slot)
            message(2, details) { $0.lastThrow($1) }
        case .discCaught(let slot):
            int32(1, slot)
        case .goalScored(let score):
            message(1, score) { $0.lastScore($1) }
        case .playerGoal(let slot, let total, let points):
            int32(1, slot)
            int32(2, total)
            int32(3, points)
        case .playerSteal(let slot, let total, let victim):
            int32(1, slot)
            int32(2, total)
            int32(3, victim)
        case .playerSave(let slot, let total), .playerStun(let slot, let total), .playerPass(let slot, let total),
            .playerBlock(let slot, let total), .playerInterception(let slot, let total),
            .playerAssist(let slot, let total), .playerShotTaken(let slot, let total):
            int32(1, slot)
            int32(2, total)
        case .generic(let eventType, let data, let payload):
            string(1, eventType)
            for entry in data { mapEntry(2, entry.key, entry.value) }
            string(3, payload)
        case .derived(let d):
            derivedEventPayload(d)
        case .unknown:
            break  // handled above
        }
        endMessage(m)
    }

    /// One `map<string,string>` entry (key and value always written, as protobuf libraries do).
    @usableFromInline
    mutating func mapEntry(_ field: Int, _ key: String, _ value: String) {
        let m = beginMessage(field)
        string(1, key)
        string(2, value)
        endMessage(m)
    }
}

extension ProtoReader {
    /// One `LobbySessionEvent`, or `nil` (counted) when it carries no event at all.
    @usableFromInline
    mutating func event(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Event? {
        var result: Event?
        while !isAtEnd {
            let (f, w) = try tag()
            guard w == 2 else {
                try unknown(w, &notes)
                continue
            }
            let range = try lengthDelimited()
            var sub = self
            sub.position = range.lowerBound
            sub.end = range.upperBound
            if let kind = EventKind(rawValue: f), kind.isDerived {
                result = try sub.derivedEventPayload(kind, &notes)
            } else if let kind = EventKind(rawValue: f), kind != .unknown {
                result = try sub.eventPayload(kind, &notes)
            } else {
                notes.unknownEvents += 1
                result = .unknown(fieldNumber: f, payload: Array(slice(range)))
            }
        }
        if result == nil { notes.unknownFields += 1 }
        return result
    }

    /// The payload message of a known event kind; absent fields read as zero (proto3).
    @usableFromInline
    mutating func eventPayload(_ kind: EventKind, _ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Event {
        var ints: (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)
        var text: String = ""
        var text2: String = ""
        var pause: PauseState?
        var player: Player?
        var lastThrow: LastThrow?
        var lastScore: LastScore?
        var entries: [Event.MapEntry] = []
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 0): ints.0 = try int32()
            case (2, 0): ints.1 = try int32()
            case (3, 0): ints.2 = try int32()
            case (4, 0): ints.3 = try int32()
            case (1, 2):
                switch kind {
                case .roundPaused, .roundUnpaused:
                    var sub = try subReader()
                    pause = try sub.pause(&notes)
                case .playerJoined:
                    var sub = try subReader()
                    player = try sub.player(&notes)
                case .goalScored:
                    var sub = try subReader()
                    lastScore = try sub.lastScore(&notes)
                case .genericEvent:
                    text = try string()
                default: try unknown(w, &notes)
                }
            case (2, 2):
                switch kind {
                case .playerLeft: text = try string()
                case .discThrown:
                    var sub = try subReader()
                    lastThrow = try sub.lastThrow(&notes)
                case .genericEvent:
                    var sub = try subReader()
                    entries.append(try sub.mapEntry(&notes))
                default: try unknown(w, &notes)
                }
            case (3, 2) where kind == .genericEvent: text2 = try string()
            case (5, 2) where kind == .scoreboardUpdated: text = try string()
            default: try unknown(w, &notes)
            }
        }
        switch kind {
        case .roundStarted: return .roundStarted(roundNumber: ints.0)
        case .roundPaused: return .roundPaused(pause ?? PauseState())
        case .roundUnpaused: return .roundUnpaused(pause ?? PauseState())
        case .roundEnded: return .roundEnded(roundNumber: ints.0, winningTeam: Role(rawValue: ints.1) ?? .unspecified)
        case .matchEnded: return .matchEnded(winningTeam: Role(rawValue: ints.0) ?? .unspecified)
        case .scoreboardUpdated:
            return .scoreboardUpdated(
                .init(bluePoints: ints.0, orangePoints: ints.1, blueRoundScore: ints.2, orangeRoundScore: ints.3, gameClockDisplay: text))
        case .playerJoined: return .playerJoined(player: player ?? Player(), role: Role(rawValue: ints.1) ?? .unspecified)
        case .playerLeft: return .playerLeft(slot: ints.0, displayName: text)
        case .playerSwitchedTeam:
            return .playerSwitchedTeam(
                slot: ints.0, newRole: Role(rawValue: ints.1) ?? .unspecified, previousRole: Role(rawValue: ints.2) ?? .unspecified)
        case .emotePlayed: return .emotePlayed(slot: ints.0, emote: Event.EmoteType(rawValue: ints.1) ?? .unspecified)
        case .discPossessionChanged: return .discPossessionChanged(slot: ints.0, previousSlot: ints.1)
        case .discThrown: return .discThrown(slot: ints.0, details: lastThrow)
        case .discCaught: return .discCaught(slot: ints.0)
        case .goalScored: return .goalScored(lastScore ?? LastScore())
        case .playerGoal: return .playerGoal(slot: ints.0, totalGoals: ints.1, points: ints.2)
        case .playerSave: return .playerSave(slot: ints.0, total: ints.1)
        case .playerStun: return .playerStun(slot: ints.0, total: ints.1)
        case .playerPass: return .playerPass(slot: ints.0, total: ints.1)
        case .playerSteal: return .playerSteal(slot: ints.0, total: ints.1, victimSlot: ints.2)
        case .playerBlock: return .playerBlock(slot: ints.0, total: ints.1)
        case .playerInterception: return .playerInterception(slot: ints.0, total: ints.1)
        case .playerAssist: return .playerAssist(slot: ints.0, total: ints.1)
        case .playerShotTaken: return .playerShotTaken(slot: ints.0, total: ints.1)
        case .genericEvent: return .generic(eventType: text, data: entries, payload: text2)
        case .unknown: return .unknown(fieldNumber: 0, payload: [])
        default: return try derivedEventPayload(kind, &notes)  // not reached: event() routes derived kinds
        }
    }
}
