import NEVRCore

// The derived events' `LobbySessionEvent` payloads (oneof 100-108, messages `Joust` ...
// `PauseRequest` in proto/telemetry/v1/telemetry.proto). Every field is a varint (slot,
// enum) or a double, so decoding collects fields 1-6 of both wire types and builds the
// event from them; absent fields read as zero (proto3).

extension ProtoWriter {
    @usableFromInline
    mutating func derivedEventPayload(_ e: DerivedEvent) {
        switch e {
        case .joust(let j):
            int32(1, j.slot)
            int32(2, j.team.rawValue)
            int32(3, j.type.rawValue)
            double(4, j.time)
            double(5, j.maxSpeed)
            double(6, j.tubeExitSpeed)
        case .bigBoost(let b):
            int32(1, b.slot)
            double(2, b.speed)
            double(3, b.secondsAgo)
        case .playspaceAbuse(let p):
            int32(1, p.slot)
            double(2, p.distance)
        case .turnover(let p), .interception(let p):
            int32(1, p.slot)
            int32(2, p.previousSlot)
        case .throwDetails(let t):
            int32(1, t.slot)
            double(2, t.discSpeed)
            double(3, t.relativeSpeed)
            int32(4, t.hand.rawValue)
            double(5, t.underhandedness)
        case .stun(let s):
            int32(1, s.slot)
            int32(2, s.victimSlot)
        case .restartRequest(let r), .pauseRequest(let r):
            int32(1, r.team.rawValue)
            int32(2, r.slot)
            double(3, r.distance)
        }
    }
}

extension ProtoReader {
    /// The payload of a derived kind (``EventKind/isDerived``).
    @usableFromInline
    mutating func derivedEventPayload(_ kind: EventKind, _ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Event {
        var i: (Int32, Int32, Int32, Int32, Int32, Int32) = (0, 0, 0, 0, 0, 0)
        var d: (Double, Double, Double, Double, Double, Double) = (0, 0, 0, 0, 0, 0)
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 0): i.0 = try int32()
            case (2, 0): i.1 = try int32()
            case (3, 0): i.2 = try int32()
            case (4, 0): i.3 = try int32()
            case (5, 0): i.4 = try int32()
            case (6, 0): i.5 = try int32()
            case (1, 1): d.0 = try double()
            case (2, 1): d.1 = try double()
            case (3, 1): d.2 = try double()
            case (4, 1): d.3 = try double()
            case (5, 1): d.4 = try double()
            case (6, 1): d.5 = try double()
            default: try unknown(w, &notes)
            }
        }
        let role = { (v: Int32) in Role(rawValue: v) ?? .unspecified }
        let derived: DerivedEvent
        switch kind {
        case .joust:
            derived = .joust(.init(slot: i.0, team: role(i.1), type: DerivedEvent.JoustType(rawValue: i.2) ?? .unspecified,
                                   time: d.3, maxSpeed: d.4, tubeExitSpeed: d.5))
        case .bigBoost: derived = .bigBoost(.init(slot: i.0, speed: d.1, secondsAgo: d.2))
        case .playspaceAbuse: derived = .playspaceAbuse(.init(slot: i.0, distance: d.1))
        case .turnover: derived = .turnover(.init(slot: i.0, previousSlot: i.1))
        case .interception: derived = .interception(.init(slot: i.0, previousSlot: i.1))
        case .throwDetails:
            derived = .throwDetails(.init(slot: i.0, discSpeed: d.1, relativeSpeed: d.2,
                                          hand: DerivedEvent.Hand(rawValue: i.3) ?? .unspecified, underhandedness: d.4))
        case .stun: derived = .stun(.init(slot: i.0, victimSlot: i.1))
        case .restartRequest: derived = .restartRequest(.init(team: role(i.0), slot: i.1, distance: d.2))
        case .pauseRequest: derived = .pauseRequest(.init(team: role(i.0), slot: i.1, distance: d.2))
        default: return .unknown(fieldNumber: kind.rawValue, payload: [])
        }
        return .derived(derived)
    }
}
