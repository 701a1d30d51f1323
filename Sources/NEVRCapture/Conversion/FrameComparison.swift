import NEVRCore

/// Compares frames field by field and names every difference by its game-JSON path
/// (`teams[0].players[3].stats.saves`), for `nevr verify`.
///
/// ```swift
/// var comparison = FrameComparison()
/// comparison.compare(original, roundTripped, frameNumber: 0)
/// print(comparison.fieldsCompared, comparison.differenceCount)
/// ```
public struct FrameComparison: Sendable {
    /// One difference (the first ``keep`` are kept; all are counted by path).
    public struct Difference: Hashable, Sendable, CustomStringConvertible {
        public var frameNumber: Int
        public var path: String
        public var before: String
        public var after: String
        public var description: String { "frame \(frameNumber): \(path): \(before) -> \(after)" }
    }

    /// Treat a missing key and a key holding 0 / `false` / `""` as equal (proto3 cannot tell
    /// them apart); such pairs are counted in ``presenceOnly`` instead.
    public var proto3Presence: Bool
    /// Compare ``Frame/index`` and events too (false when one side cannot hold them).
    public var compareIndexAndEvents: Bool
    /// Compare timestamps at millisecond precision only (`.echoreplay` holds milliseconds).
    public var millisecondTimestamps: Bool
    public var keep = 20

    public private(set) var fieldsCompared = 0
    public private(set) var differenceCount = 0
    public private(set) var presenceOnly = 0
    public private(set) var differences: [Difference] = []
    /// Differences per path with array indices removed (`teams[].players[].stats.saves`).
    public private(set) var countsByPath: [String: Int] = [:]

    private var frameNumber = 0

    public init(proto3Presence: Bool = false, compareIndexAndEvents: Bool = true, millisecondTimestamps: Bool = false) {
        self.proto3Presence = proto3Presence
        self.compareIndexAndEvents = compareIndexAndEvents
        self.millisecondTimestamps = millisecondTimestamps
    }

    /// Records a whole frame missing on one side.
    public mutating func frameMissing(frameNumber: Int, inOutput: Bool) {
        note("frame", inOutput ? "present" : "absent", inOutput ? "absent" : "present", frameNumber)
    }

    public mutating func compare(_ a: Frame, _ b: Frame, frameNumber: Int) {
        self.frameNumber = frameNumber
        if compareIndexAndEvents {
            value(a.index, b.index, "frame_index")
            value(a.events.count, b.events.count, "events.count")
            for (i, (x, y)) in zip(a.events, b.events).enumerated() { value(x, y, "events[\(i)]") }
        }
        if millisecondTimestamps {
            value(a.timestamp.milliseconds, b.timestamp.milliseconds, "timestamp_ms")
        } else {
            value(a.timestamp.nanosecondsSinceEpoch, b.timestamp.nanosecondsSinceEpoch, "timestamp_ns")
        }
        session(a.session, b.session)
        present(a.bones, b.bones, "player_bones") { c, x, y in c.bones(x, y) }
    }

    // MARK: Walkers

    mutating func session(_ a: Session, _ b: Session) {
        field(a.sessionID, b.sessionID, "sessionid", "")
        field(a.sessionIP, b.sessionIP, "sessionip", "")
        field(a.clientName, b.clientName, "client_name", "")
        field(a.matchType, b.matchType, "match_type", "")
        field(a.mapName, b.mapName, "map_name", "")
        field(a.privateMatch, b.privateMatch, "private_match", false)
        field(a.tournamentMatch, b.tournamentMatch, "tournament_match", false)
        field(a.gameStatus, b.gameStatus, "game_status", "")
        field(a.gameClock, b.gameClock, "game_clock", 0)
        field(a.gameClockDisplay, b.gameClockDisplay, "game_clock_display", "")
        field(a.bluePoints, b.bluePoints, "blue_points", 0)
        field(a.orangePoints, b.orangePoints, "orange_points", 0)
        field(a.blueRoundScore, b.blueRoundScore, "blue_round_score", 0)
        field(a.orangeRoundScore, b.orangeRoundScore, "orange_round_score", 0)
        field(a.totalRoundCount, b.totalRoundCount, "total_round_count", 0)
        field(a.blueTeamRestartRequest, b.blueTeamRestartRequest, "blue_team_restart_request", 0)
        field(a.orangeTeamRestartRequest, b.orangeTeamRestartRequest, "orange_team_restart_request", 0)
        field(a.leftShoulderPressed, b.leftShoulderPressed, "left_shoulder_pressed", 0)
        field(a.leftShoulderPressed2, b.leftShoulderPressed2, "left_shoulder_pressed2", 0)
        field(a.rightShoulderPressed, b.rightShoulderPressed, "right_shoulder_pressed", 0)
        field(a.rightShoulderPressed2, b.rightShoulderPressed2, "right_shoulder_pressed2", 0)
        present(a.player, b.player, "player") { c, x, y in
            c.field(x.vrLeft, y.vrLeft, "player.vr_left", nil)
            c.field(x.vrPosition, y.vrPosition, "player.vr_position", nil)
            c.field(x.vrForward, y.vrForward, "player.vr_forward", nil)
            c.field(x.vrUp, y.vrUp, "player.vr_up", nil)
        }
        present(a.disc, b.disc, "disc") { c, x, y in
            c.field(x.position, y.position, "disc.position", nil)
            c.field(x.forward, y.forward, "disc.forward", nil)
            c.field(x.left, y.left, "disc.left", nil)
            c.field(x.up, y.up, "disc.up", nil)
            c.field(x.velocity, y.velocity, "disc.velocity", nil)
            c.field(x.bounceCount, y.bounceCount, "disc.bounce_count", 0)
        }
        field(a.possession, b.possession, "possession", nil)
        present(a.pause, b.pause, "pause") { c, x, y in
            c.field(x.pausedState, y.pausedState, "pause.paused_state", "")
            c.field(x.unpausedTeam, y.unpausedTeam, "pause.unpaused_team", "")
            c.field(x.pausedRequestedTeam, y.pausedRequestedTeam, "pause.paused_requested_team", "")
            c.field(x.unpausedTimer, y.unpausedTimer, "pause.unpaused_timer", 0)
            c.field(x.pausedTimer, y.pausedTimer, "pause.paused_timer", 0)
        }
        present(a.lastThrow, b.lastThrow, "last_throw") { c, x, y in
            let names = ["arm_speed", "total_speed", "off_axis_spin_deg", "wrist_throw_penalty", "rot_per_sec",
                         "pot_speed_from_rot", "speed_from_arm", "speed_from_movement", "speed_from_wrist",
                         "wrist_align_to_throw_deg", "throw_align_to_movement_deg", "off_axis_penalty", "throw_move_penalty"]
            let xs = [x.armSpeed, x.totalSpeed, x.offAxisSpinDeg, x.wristThrowPenalty, x.rotPerSec, x.potSpeedFromRot,
                      x.speedFromArm, x.speedFromMovement, x.speedFromWrist, x.wristAlignToThrowDeg,
                      x.throwAlignToMovementDeg, x.offAxisPenalty, x.throwMovePenalty]
            let ys = [y.armSpeed, y.totalSpeed, y.offAxisSpinDeg, y.wristThrowPenalty, y.rotPerSec, y.potSpeedFromRot,
                      y.speedFromArm, y.speedFromMovement, y.speedFromWrist, y.wristAlignToThrowDeg,
                      y.throwAlignToMovementDeg, y.offAxisPenalty, y.throwMovePenalty]
            for i in 0..<13 { c.field(xs[i], ys[i], "last_throw." + names[i], 0) }
        }
        present(a.lastScore, b.lastScore, "last_score") { c, x, y in
            c.field(x.discSpeed, y.discSpeed, "last_score.disc_speed", 0)
            c.field(x.team, y.team, "last_score.team", "")
            c.field(x.goalType, y.goalType, "last_score.goal_type", "")
            c.field(x.pointAmount, y.pointAmount, "last_score.point_amount", 0)
            c.field(x.distanceThrown, y.distanceThrown, "last_score.distance_thrown", 0)
            c.field(x.personScored, y.personScored, "last_score.person_scored", "")
            c.field(x.assistScored, y.assistScored, "last_score.assist_scored", "")
        }
        field(a.rulesChangedBy, b.rulesChangedBy, "rules_changed_by", "")
        field(a.rulesChangedAt, b.rulesChangedAt, "rules_changed_at", 0)
        field(a.errCode, b.errCode, "err_code", 0)
        field(a.contested, b.contested, "contested", false)
        field(a.payloadMultiplier, b.payloadMultiplier, "payload_multiplier", 0)
        field(a.payloadCheckpoint, b.payloadCheckpoint, "payload_checkpoint", 0)
        field(a.payloadDistance, b.payloadDistance, "payload_distance", 0)
        field(a.payloadDefenders, b.payloadDefenders, "payload_defenders", 0)
        field(a.payloadSpeed, b.payloadSpeed, "payload_speed", 0)
        extras(a.extras, b.extras, "")
        present(a.teams, b.teams, "teams") { c, x, y in
            c.value(x.count, y.count, "teams.count")
            for (i, (tx, ty)) in zip(x, y).enumerated() { c.team(tx, ty, "teams[\(i)]") }
        }
    }

    mutating func team(_ a: Team, _ b: Team, _ path: String) {
        field(a.name, b.name, path + ".team", "")
        field(a.possession, b.possession, path + ".possession", false)
        present(a.stats, b.stats, path + ".stats") { c, x, y in c.stats(x, y, path + ".stats") }
        extras(a.extras, b.extras, path + ".")
        present(a.players, b.players, path + ".players") { c, x, y in
            c.value(x.count, y.count, path + ".players.count")
            for (i, (px, py)) in zip(x, y).enumerated() { c.player(px, py, path + ".players[\(i)]") }
        }
    }

    mutating func player(_ a: Player, _ b: Player, _ path: String) {
        field(a.name, b.name, path + ".name", "")
        field(a.slot, b.slot, path + ".playerid", 0)
        field(a.userID, b.userID, path + ".userid", 0)
        field(a.number, b.number, path + ".number", 0)
        field(a.level, b.level, path + ".level", 0)
        field(a.ping, b.ping, path + ".ping", 0)
        field(a.packetLossRatio, b.packetLossRatio, path + ".packetlossratio", 0)
        field(a.stunned, b.stunned, path + ".stunned", false)
        field(a.invulnerable, b.invulnerable, path + ".invulnerable", false)
        field(a.blocking, b.blocking, path + ".blocking", false)
        field(a.possession, b.possession, path + ".possession", false)
        field(a.isEmotePlaying, b.isEmotePlaying, path + ".is_emote_playing", false)
        field(a.holdingLeft, b.holdingLeft, path + ".holding_left", "")
        field(a.holdingRight, b.holdingRight, path + ".holding_right", "")
        pose(a.head, b.head, path + ".head", position: "position")
        pose(a.body, b.body, path + ".body", position: "position")
        pose(a.leftHand, b.leftHand, path + ".lhand", position: "pos")
        pose(a.rightHand, b.rightHand, path + ".rhand", position: "pos")
        value(a.handsAreBareVectors, b.handsAreBareVectors, path + ".(bare-vector hands)")
        pose(a.legacyPose, b.legacyPose, path + ".(2018 pose)", position: "position")
        field(a.velocity, b.velocity, path + ".velocity", nil)
        present(a.stats, b.stats, path + ".stats") { c, x, y in c.stats(x, y, path + ".stats") }
        field(a.weapon, b.weapon, path + ".Weapon", "")
        field(a.ordnance, b.ordnance, path + ".Ordnance", "")
        field(a.tacMod, b.tacMod, path + ".TacMod", "")
        field(a.arm, b.arm, path + ".Arm", "")
        extras(a.extras, b.extras, path + ".")
    }

    mutating func pose(_ a: Pose?, _ b: Pose?, _ path: String, position: String) {
        present(a, b, path) { c, x, y in
            c.field(x.position, y.position, path + "." + position, nil)
            c.field(x.forward, y.forward, path + ".forward", nil)
            c.field(x.left, y.left, path + ".left", nil)
            c.field(x.up, y.up, path + ".up", nil)
        }
    }

    mutating func stats(_ a: Stats, _ b: Stats, _ path: String) {
        field(a.possessionTime, b.possessionTime, path + ".possession_time", 0)
        field(a.points, b.points, path + ".points", 0)
        field(a.saves, b.saves, path + ".saves", 0)
        field(a.goals, b.goals, path + ".goals", 0)
        field(a.stuns, b.stuns, path + ".stuns", 0)
        field(a.passes, b.passes, path + ".passes", 0)
        field(a.catches, b.catches, path + ".catches", 0)
        field(a.steals, b.steals, path + ".steals", 0)
        field(a.blocks, b.blocks, path + ".blocks", 0)
        field(a.interceptions, b.interceptions, path + ".interceptions", 0)
        field(a.assists, b.assists, path + ".assists", 0)
        field(a.shotsTaken, b.shotsTaken, path + ".shots_taken", 0)
    }

    mutating func bones(_ a: PlayerBones, _ b: PlayerBones) {
        field(a.errCode, b.errCode, "player_bones.err_code", 0)
        extras(a.extras, b.extras, "player_bones.")
        present(a.userBones, b.userBones, "player_bones.user_bones") { c, x, y in
            c.value(x.count, y.count, "player_bones.user_bones.count")
            for (i, (u, v)) in zip(x, y).enumerated() {
                let p = "player_bones.user_bones[\(i)]"
                c.field(u.slot, v.slot, p + ".playerid", 0)
                c.field(u.translations, v.translations, p + ".bone_t", [])
                c.field(u.orientations, v.orientations, p + ".bone_o", [])
            }
        }
    }

    mutating func extras(_ a: [ExtraField], _ b: [ExtraField], _ prefix: String) {
        guard !(a.isEmpty && b.isEmpty) else { return }
        fieldsCompared += 1
        if a != b {
            let ka = a.map(\.key).joined(separator: ",")
            let kb = b.map(\.key).joined(separator: ",")
            note(prefix + "(extra keys)", "[\(ka)]", "[\(kb)]", frameNumber)
        }
    }

    // MARK: Primitives

    /// An optional value; `zero` is what proto3 reads an absent value as (`nil`: no such value).
    mutating func field<T: Equatable>(_ a: T?, _ b: T?, _ path: @autoclosure () -> String, _ zero: T?) {
        if a == nil && b == nil { return }
        fieldsCompared += 1
        if a == b { return }
        if proto3Presence, let zero, (a ?? zero) == (b ?? zero) {
            presenceOnly += 1
            return
        }
        note(path(), show(a), show(b), frameNumber)
    }

    mutating func value<T: Equatable>(_ a: T, _ b: T, _ path: @autoclosure () -> String) {
        fieldsCompared += 1
        if a != b { note(path(), show(a), show(b), frameNumber) }
    }

    /// An optional object: compares presence, then its fields through `body`.
    mutating func present<T>(_ a: T?, _ b: T?, _ path: @autoclosure () -> String, _ body: (inout FrameComparison, T, T) -> Void) {
        switch (a, b) {
        case (nil, nil): return
        case (let x?, let y?): body(&self, x, y)
        default:
            fieldsCompared += 1
            note(path(), a == nil ? "absent" : "present", b == nil ? "absent" : "present", frameNumber)
        }
    }

    private func show<T>(_ v: T?) -> String {
        guard let v else { return "absent" }
        if let s = v as? String { return "\"\(s)\"" }
        if let vec = v as? Vector3 { return "[\(vec.x),\(vec.y),\(vec.z)]" }
        if let fs = v as? [Float] { return "[\(fs.count) floats]" }
        return "\(v)"
    }

    private mutating func note(_ path: String, _ before: String, _ after: String, _ frame: Int) {
        differenceCount += 1
        countsByPath[FrameComparison.genericPath(path), default: 0] += 1
        if differences.count < keep { differences.append(Difference(frameNumber: frame, path: path, before: before, after: after)) }
    }

    /// `teams[0].players[3].x` -> `teams[].players[].x`.
    static func genericPath(_ path: String) -> String {
        var out = ""
        var inIndex = false
        for c in path {
            if c == "[" { inIndex = true; out.append("[") } else if c == "]" { inIndex = false; out.append("]") } else if !inIndex { out.append(c) }
        }
        return out
    }
}
