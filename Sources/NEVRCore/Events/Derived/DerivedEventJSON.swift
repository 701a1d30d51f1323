/// The `nevr events --json` payload fields of the derived events, under their
/// `telemetry.v1` field names (`proto/telemetry/v1/telemetry.proto`, messages `Joust` ...
/// `PauseRequest`), in field-number order; enums by their protobuf value names.
///
/// ```json
/// {"frame":412,"timestamp":"...","kind":"joust","player_slot":3,"team":"ROLE_BLUE_TEAM","joust_type":"JOUST_TYPE_NEUTRAL","joust_time":2.31,"max_speed":19.2,"tube_exit_speed":12.4}
/// {"frame":980,"timestamp":"...","kind":"stun","player_slot":2,"victim_player_slot":7}
/// ```
enum DerivedEventJSON {
    static func payload(_ event: DerivedEvent, _ w: inout EventJSON.Writer) {
        switch event {
        case .joust(let j):
            w.key("player_slot"); w.int(j.slot)
            w.key("team"); w.string(j.team.protoName)
            w.key("joust_type"); w.string(j.type.protoName)
            w.key("joust_time"); w.double(j.time)
            w.key("max_speed"); w.double(j.maxSpeed)
            w.key("tube_exit_speed"); w.double(j.tubeExitSpeed)
        case .bigBoost(let b):
            w.key("player_slot"); w.int(b.slot)
            w.key("boost_speed"); w.double(b.speed)
            w.key("seconds_ago"); w.double(b.secondsAgo)
        case .playspaceAbuse(let p):
            w.key("player_slot"); w.int(p.slot)
            w.key("distance"); w.double(p.distance)
        case .turnover(let p), .interception(let p):
            w.key("player_slot"); w.int(p.slot)
            w.key("previous_player_slot"); w.int(p.previousSlot)
        case .throwDetails(let t):
            w.key("player_slot"); w.int(t.slot)
            w.key("disc_speed"); w.double(t.discSpeed)
            w.key("relative_speed"); w.double(t.relativeSpeed)
            w.key("hand"); w.string(t.hand.protoName)
            w.key("underhandedness"); w.double(t.underhandedness)
        case .stun(let s):
            w.key("player_slot"); w.int(s.slot)
            w.key("victim_player_slot"); w.int(s.victimSlot)
        case .restartRequest(let r), .pauseRequest(let r):
            w.key("team"); w.string(r.team.protoName)
            w.key("player_slot"); w.int(r.slot)
            w.key("distance"); w.double(r.distance)
        }
    }
}
