/// Writes typed values as the game spells them (compact, game key order,
/// 8-significant-digit floats with `.0`, bare exponents, bare-number `userid`).
///
/// Keys are written in the 2021 build's order (team `stats` in the team order, which
/// differs from player `stats`), absent (`nil`) keys are left out, and each object's
/// `extras` follow its known keys. Writing a frame read from the game's own compact
/// output reproduces it byte for byte.
///
/// ```swift
/// let session = try GameJSONReader.parseSession(bytes)
/// let json: [UInt8] = GameJSONWriter.bytes(session)   // == bytes for a 2021 game frame
/// ```
public enum GameJSONWriter {
    /// Appends the `/session` JSON of `session` to `out`.
    public static func write(_ session: Session, into out: inout [UInt8]) {
        var o = JSONOutput(capacity: 16 * 1024)
        defer { o.release() }
        o.session(session)
        out.append(contentsOf: o.bytes)
    }

    /// Appends the `/player_bones` JSON of `bones` to `out`.
    public static func write(_ bones: PlayerBones, into out: inout [UInt8]) {
        var o = JSONOutput(capacity: 16 * 1024)
        defer { o.release() }
        o.bones(bones)
        out.append(contentsOf: o.bytes)
    }

    /// The `/session` JSON of `session`.
    public static func bytes(_ session: Session) -> [UInt8] {
        var out: [UInt8] = []
        write(session, into: &out)
        return out
    }

    /// The `/player_bones` JSON of `bones`.
    public static func bytes(_ bones: PlayerBones) -> [UInt8] {
        var out: [UInt8] = []
        write(bones, into: &out)
        return out
    }

    /// Appends `value` spelled as the game spells a 32-bit float (`600.0`, `-1.7870001`, `6.6384706e-7`).
    public static func appendFloat(_ value: Double, into out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: GameFloatFormatter.maxLength) { buf in
            let n = GameFloatFormatter.format(value, into: buf.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[..<n]))
        }
    }
}

extension JSONOutput {
    @inline(__always)
    mutating func vector(_ v: Vector3) {
        byte(ASCII.openBracket)
        float(v.x)
        byte(ASCII.comma)
        float(v.y)
        byte(ASCII.comma)
        float(v.z)
        byte(ASCII.closeBracket)
    }

    @inline(__always)
    mutating func vector(_ name: StaticString, _ v: Vector3?, _ first: inout Bool) {
        guard let v else { return }
        key(name, &first)
        vector(v)
    }

    @inline(__always)
    mutating func float(_ name: StaticString, _ v: Double?, _ first: inout Bool) {
        guard let v else { return }
        key(name, &first)
        float(v)
    }

    @inline(__always)
    mutating func int(_ name: StaticString, _ v: Int32?, _ first: inout Bool) {
        guard let v else { return }
        key(name, &first)
        integer(v)
    }

    @inline(__always)
    mutating func bool(_ name: StaticString, _ v: Bool?, _ first: inout Bool) {
        guard let v else { return }
        key(name, &first)
        bool(v)
    }

    @inline(__always)
    mutating func string(_ name: StaticString, _ v: String?, _ first: inout Bool) {
        guard let v else { return }
        key(name, &first)
        string(v)
    }

    /// Arena points are integers; Combat's fractional capture progress is written as a float.
    @inline(__always)
    mutating func points(_ name: StaticString, _ v: Double?, _ first: inout Bool) {
        guard let v else { return }
        key(name, &first)
        if v == v.rounded(.towardZero) && abs(v) < 9.0e15 {
            integer(Int64(v))
        } else {
            float(v)
        }
    }

    mutating func extras(_ list: [ExtraField], _ first: inout Bool) {
        for field in list {
            if first { first = false } else { byte(ASCII.comma) }
            string(field.key)
            byte(ASCII.colon)
            raw(field.json)
        }
    }

    mutating func session(_ s: Session) {
        var first = true
        byte(ASCII.openBrace)
        if let disc = s.disc {
            key("disc", &first)
            self.disc(disc)
        }
        int("orange_team_restart_request", s.orangeTeamRestartRequest, &first)
        string("sessionid", s.sessionID, &first)
        string("game_clock_display", s.gameClockDisplay, &first)
        string("game_status", s.gameStatus, &first)
        string("sessionip", s.sessionIP, &first)
        string("match_type", s.matchType, &first)
        string("map_name", s.mapName, &first)
        float("right_shoulder_pressed2", s.rightShoulderPressed2, &first)
        if let teams = s.teams {
            key("teams", &first)
            byte(ASCII.openBracket)
            for (index, team) in teams.enumerated() {
                if index > 0 { byte(ASCII.comma) }
                self.team(team)
            }
            byte(ASCII.closeBracket)
        }
        int("blue_round_score", s.blueRoundScore, &first)
        points("orange_points", s.orangePoints, &first)
        if let player = s.player {
            key("player", &first)
            var f = true
            byte(ASCII.openBrace)
            vector("vr_left", player.vrLeft, &f)
            vector("vr_position", player.vrPosition, &f)
            vector("vr_forward", player.vrForward, &f)
            vector("vr_up", player.vrUp, &f)
            byte(ASCII.closeBrace)
        }
        bool("private_match", s.privateMatch, &first)
        int("blue_team_restart_request", s.blueTeamRestartRequest, &first)
        bool("tournament_match", s.tournamentMatch, &first)
        int("orange_round_score", s.orangeRoundScore, &first)
        int("total_round_count", s.totalRoundCount, &first)
        float("left_shoulder_pressed2", s.leftShoulderPressed2, &first)
        float("left_shoulder_pressed", s.leftShoulderPressed, &first)
        if let pause = s.pause {
            key("pause", &first)
            var f = true
            byte(ASCII.openBrace)
            string("paused_state", pause.pausedState, &f)
            string("unpaused_team", pause.unpausedTeam, &f)
            string("paused_requested_team", pause.pausedRequestedTeam, &f)
            float("unpaused_timer", pause.unpausedTimer, &f)
            float("paused_timer", pause.pausedTimer, &f)
            byte(ASCII.closeBrace)
        }
        float("right_shoulder_pressed", s.rightShoulderPressed, &first)
        points("blue_points", s.bluePoints, &first)
        if let t = s.lastThrow {
            key("last_throw", &first)
            var f = true
            byte(ASCII.openBrace)
            float("arm_speed", t.armSpeed, &f)
            float("total_speed", t.totalSpeed, &f)
            float("off_axis_spin_deg", t.offAxisSpinDeg, &f)
            float("wrist_throw_penalty", t.wristThrowPenalty, &f)
            float("rot_per_sec", t.rotPerSec, &f)
            float("pot_speed_from_rot", t.potSpeedFromRot, &f)
            float("speed_from_arm", t.speedFromArm, &f)
            float("speed_from_movement", t.speedFromMovement, &f)
            float("speed_from_wrist", t.speedFromWrist, &f)
            float("wrist_align_to_throw_deg", t.wristAlignToThrowDeg, &f)
            float("throw_align_to_movement_deg", t.throwAlignToMovementDeg, &f)
            float("off_axis_penalty", t.offAxisPenalty, &f)
            float("throw_move_penalty", t.throwMovePenalty, &f)
            byte(ASCII.closeBrace)
        }
        string("client_name", s.clientName, &first)
        float("game_clock", s.gameClock, &first)
        if let holder = s.possession {
            key("possession", &first)
            byte(ASCII.openBracket)
            integer(holder.teamIndex)
            byte(ASCII.comma)
            integer(holder.playerIndex)
            byte(ASCII.closeBracket)
        }
        if let score = s.lastScore {
            key("last_score", &first)
            var f = true
            byte(ASCII.openBrace)
            float("disc_speed", score.discSpeed, &f)
            string("team", score.team, &f)
            string("goal_type", score.goalType, &f)
            int("point_amount", score.pointAmount, &f)
            float("distance_thrown", score.distanceThrown, &f)
            string("person_scored", score.personScored, &f)
            string("assist_scored", score.assistScored, &f)
            byte(ASCII.closeBrace)
        }
        string("rules_changed_by", s.rulesChangedBy, &first)
        if let at = s.rulesChangedAt {
            key("rules_changed_at", &first)
            unsigned(at)
        }
        bool("contested", s.contested, &first)
        float("payload_multiplier", s.payloadMultiplier, &first)
        int("payload_checkpoint", s.payloadCheckpoint, &first)
        float("payload_distance", s.payloadDistance, &first)
        int("payload_defenders", s.payloadDefenders, &first)
        float("payload_speed", s.payloadSpeed, &first)
        int("err_code", s.errCode, &first)
        extras(s.extras, &first)
        byte(ASCII.closeBrace)
    }

    mutating func disc(_ d: Disc) {
        var f = true
        byte(ASCII.openBrace)
        vector("position", d.position, &f)
        vector("forward", d.forward, &f)
        vector("left", d.left, &f)
        vector("up", d.up, &f)
        vector("velocity", d.velocity, &f)
        int("bounce_count", d.bounceCount, &f)
        byte(ASCII.closeBrace)
    }

    /// A pose object; hands spell their position `pos`, head and body `position`.
    mutating func pose(_ p: Pose, hand: Bool) {
        var f = true
        byte(ASCII.openBrace)
        if hand { vector("pos", p.position, &f) } else { vector("position", p.position, &f) }
        vector("forward", p.forward, &f)
        vector("left", p.left, &f)
        vector("up", p.up, &f)
        byte(ASCII.closeBrace)
    }

    mutating func hand(_ name: StaticString, _ p: Pose?, bare: Bool, _ first: inout Bool) {
        guard let p else { return }
        key(name, &first)
        // 2018 builds sent a bare [x, y, z]; a hand with orientation cannot be bare.
        if bare, let position = p.position, p.forward == nil, p.left == nil, p.up == nil {
            vector(position)
        } else {
            pose(p, hand: true)
        }
    }

    mutating func team(_ t: Team) {
        var first = true
        byte(ASCII.openBrace)
        if let players = t.players {
            key("players", &first)
            byte(ASCII.openBracket)
            for (index, player) in players.enumerated() {
                if index > 0 { byte(ASCII.comma) }
                self.player(player)
            }
            byte(ASCII.closeBracket)
        }
        string("team", t.name, &first)
        bool("possession", t.possession, &first)
        if let stats = t.stats {
            key("stats", &first)
            var f = true
            byte(ASCII.openBrace)
            int("points", stats.points, &f)
            float("possession_time", stats.possessionTime, &f)
            int("interceptions", stats.interceptions, &f)
            int("blocks", stats.blocks, &f)
            int("steals", stats.steals, &f)
            int("catches", stats.catches, &f)
            int("passes", stats.passes, &f)
            int("saves", stats.saves, &f)
            int("goals", stats.goals, &f)
            int("stuns", stats.stuns, &f)
            int("assists", stats.assists, &f)
            int("shots_taken", stats.shotsTaken, &f)
            byte(ASCII.closeBrace)
        }
        extras(t.extras, &first)
        byte(ASCII.closeBrace)
    }

    mutating func player(_ p: Player) {
        var first = true
        byte(ASCII.openBrace)
        string("name", p.name, &first)
        hand("rhand", p.rightHand, bare: p.handsAreBareVectors, &first)
        int("playerid", p.slot, &first)
        if let legacy = p.legacyPose {
            vector("position", legacy.position, &first)
        }
        if let stats = p.stats {
            key("stats", &first)
            var f = true
            byte(ASCII.openBrace)
            float("possession_time", stats.possessionTime, &f)
            int("points", stats.points, &f)
            int("saves", stats.saves, &f)
            int("goals", stats.goals, &f)
            int("stuns", stats.stuns, &f)
            int("passes", stats.passes, &f)
            int("catches", stats.catches, &f)
            int("steals", stats.steals, &f)
            int("blocks", stats.blocks, &f)
            int("interceptions", stats.interceptions, &f)
            int("assists", stats.assists, &f)
            int("shots_taken", stats.shotsTaken, &f)
            byte(ASCII.closeBrace)
        }
        if let id = p.userID {
            key("userid", &first)
            unsigned(id)
        }
        int("number", p.number, &first)
        int("level", p.level, &first)
        bool("stunned", p.stunned, &first)
        int("ping", p.ping, &first)
        float("packetlossratio", p.packetLossRatio, &first)
        bool("invulnerable", p.invulnerable, &first)
        string("holding_left", p.holdingLeft, &first)
        bool("possession", p.possession, &first)
        if let head = p.head {
            key("head", &first)
            pose(head, hand: false)
        }
        if let body = p.body {
            key("body", &first)
            pose(body, hand: false)
        }
        if let legacy = p.legacyPose {
            vector("forward", legacy.forward, &first)
            vector("left", legacy.left, &first)
            vector("up", legacy.up, &first)
        }
        string("holding_right", p.holdingRight, &first)
        hand("lhand", p.leftHand, bare: p.handsAreBareVectors, &first)
        bool("blocking", p.blocking, &first)
        vector("velocity", p.velocity, &first)
        bool("is_emote_playing", p.isEmotePlaying, &first)
        string("Weapon", p.weapon, &first)
        string("Ordnance", p.ordnance, &first)
        string("TacMod", p.tacMod, &first)
        string("Arm", p.arm, &first)
        extras(p.extras, &first)
        byte(ASCII.closeBrace)
    }

    mutating func bones(_ b: PlayerBones) {
        var first = true
        byte(ASCII.openBrace)
        if let list = b.userBones {
            key("user_bones", &first)
            byte(ASCII.openBracket)
            for (index, user) in list.enumerated() {
                if index > 0 { byte(ASCII.comma) }
                var f = true
                byte(ASCII.openBrace)
                if let t = user.translations {
                    key("bone_t", &f)
                    floats(t)
                }
                int("playerid", user.slot, &f)
                if let o = user.orientations {
                    key("bone_o", &f)
                    floats(o)
                }
                byte(ASCII.closeBrace)
            }
            byte(ASCII.closeBracket)
        }
        int("err_code", b.errCode, &first)
        extras(b.extras, &first)
        byte(ASCII.closeBrace)
    }

    mutating func floats(_ values: [Float]) {
        byte(ASCII.openBracket)
        for (index, v) in values.enumerated() {
            if index > 0 { byte(ASCII.comma) }
            float(Double(v))
        }
        byte(ASCII.closeBracket)
    }
}
