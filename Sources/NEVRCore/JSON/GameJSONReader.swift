/// Reads the game's `/session` and `/player_bones` JSON into typed values.
///
/// The reader works directly on the bytes (no Foundation, no intermediate tree):
/// keys are matched by length and a few byte compares, numbers are converted to the
/// `Double` nearest to their decimal text, and every error is a ``GameJSONError``
/// carrying the byte offset and what was expected there.
///
/// It accepts every era's shape (2018 to community servers): all keys optional and
/// in any order, booleans for the restart and shoulder fields, quoted `userid` /
/// `rules_changed_at`, trailing NUL and whitespace. Keys it has no field for (and known
/// keys whose value is `null`) are kept raw in the object's `extras`; unknown keys inside
/// objects that have no `extras` (poses, disc, stats, ...) are validated and skipped.
///
/// ```swift
/// let session = try GameJSONReader.parseSession(bytes)      // throws(GameJSONError)
/// print(session.gameStatus ?? "-", session.playerCount)
/// ```
public enum GameJSONReader {
    /// Parses one `/session` body. Trailing NUL and whitespace are accepted.
    ///
    /// - Throws: ``GameJSONError`` with ``GameJSONError/Reason/notAGameFrame(errCode:description:)``
    ///   for error bodies (`err_code` != 0), otherwise the offset and what was expected.
    public static func parseSession(_ bytes: UnsafeRawBufferPointer) throws(GameJSONError) -> Session {
        var scanner = JSONScanner(bytes)
        var reader = SessionReader()
        let session = try reader.readSession(&scanner)
        try finish(&scanner)
        if let code = session.errCode, code != 0 {
            throw GameJSONError(offset: 0, reason: .notAGameFrame(errCode: code, description: reader.errDescription))
        }
        return session
    }

    /// Parses one `/session` body.
    public static func parseSession(_ bytes: [UInt8]) throws(GameJSONError) -> Session {
        let result = bytes.withUnsafeBytes { buf in Result { () throws(GameJSONError) -> Session in try parseSession(buf) } }
        return try result.get()
    }

    /// Parses one `/player_bones` body (`{"err_code":0}` alone reads with `userBones == nil`).
    public static func parseBones(_ bytes: UnsafeRawBufferPointer) throws(GameJSONError) -> PlayerBones {
        var scanner = JSONScanner(bytes)
        var reader = SessionReader()
        let bones = try reader.readBones(&scanner)
        try finish(&scanner)
        if let code = bones.errCode, code != 0 {
            throw GameJSONError(offset: 0, reason: .notAGameFrame(errCode: code, description: reader.errDescription))
        }
        return bones
    }

    /// Parses one `/player_bones` body.
    public static func parseBones(_ bytes: [UInt8]) throws(GameJSONError) -> PlayerBones {
        let result = bytes.withUnsafeBytes { buf in Result { () throws(GameJSONError) -> PlayerBones in try parseBones(buf) } }
        return try result.get()
    }

    /// Nothing but (already trimmed) trailing NUL/whitespace may follow the top-level object.
    @inline(__always)
    static func finish(_ s: inout JSONScanner) throws(GameJSONError) {
        s.skipWhitespace()
        if !s.atEnd { throw s.malformed("end of input after the top-level object") }
    }
}

/// The per-object readers. A value type holding only what must outlive one object
/// (`err_description` for the error report).
@usableFromInline
struct SessionReader {
    var errDescription: String?

    init() {}

    // MARK: /session

    mutating func readSession(_ s: inout JSONScanner) throws(GameJSONError) -> Session {
        var session = Session()
        s.skipWhitespace()
        guard s.peek == ASCII.openBrace else { throw s.malformed("'{' starting the /session object") }
        s.i &+= 1
        s.skipWhitespace()
        if s.peek == ASCII.closeBrace {
            s.i &+= 1
            return session
        }
        repeat {
            let key = try s.readKey()
            if s.peek == ASCII.lowerN {
                session.extras.append(try s.extra(key))
                continue
            }
            switch key.count {
            case 4:
                if s.keyIs(key, "disc") { session.disc = try readDisc(&s); continue }
            case 5:
                if s.keyIs(key, "teams") { session.teams = try readTeams(&s); continue }
                if s.keyIs(key, "pause") { session.pause = try readPause(&s); continue }
            case 6:
                if s.keyIs(key, "player") { session.player = try readPlayspace(&s); continue }
            case 8:
                if s.keyIs(key, "map_name") { session.mapName = try s.string("map_name"); continue }
                if s.keyIs(key, "err_code") { session.errCode = try s.int32("err_code"); continue }
            case 9:
                if s.keyIs(key, "sessionid") { session.sessionID = try s.string("sessionid"); continue }
                if s.keyIs(key, "sessionip") { session.sessionIP = try s.string("sessionip"); continue }
                if s.keyIs(key, "contested") { session.contested = try s.bool("contested"); continue }
            case 10:
                if s.keyIs(key, "match_type") { session.matchType = try s.string("match_type"); continue }
                if s.keyIs(key, "game_clock") { session.gameClock = try s.number("game_clock"); continue }
                if s.keyIs(key, "possession") { session.possession = try readHolder(&s); continue }
                if s.keyIs(key, "last_throw") { session.lastThrow = try readLastThrow(&s); continue }
                if s.keyIs(key, "last_score") { session.lastScore = try readLastScore(&s); continue }
            case 11:
                if s.keyIs(key, "game_status") { session.gameStatus = try s.string("game_status"); continue }
                if s.keyIs(key, "blue_points") { session.bluePoints = try s.number("blue_points"); continue }
                if s.keyIs(key, "client_name") { session.clientName = try s.string("client_name"); continue }
            case 13:
                if s.keyIs(key, "orange_points") { session.orangePoints = try s.number("orange_points"); continue }
                if s.keyIs(key, "private_match") { session.privateMatch = try s.bool("private_match"); continue }
                if s.keyIs(key, "payload_speed") { session.payloadSpeed = try s.number("payload_speed"); continue }
            case 15:
                if s.keyIs(key, "err_description") {
                    // Kept raw in extras (the model has no field) and decoded for the error report.
                    var copy = s
                    if copy.peek == ASCII.quote, let text = try? copy.string("err_description") { errDescription = text }
                    session.extras.append(try s.extra(key))
                    continue
                }
            case 16:
                if s.keyIs(key, "blue_round_score") { session.blueRoundScore = try s.int32("blue_round_score"); continue }
                if s.keyIs(key, "tournament_match") { session.tournamentMatch = try s.bool("tournament_match"); continue }
                if s.keyIs(key, "rules_changed_by") { session.rulesChangedBy = try s.string("rules_changed_by"); continue }
                if s.keyIs(key, "rules_changed_at") { session.rulesChangedAt = try s.uint64("rules_changed_at"); continue }
                if s.keyIs(key, "payload_distance") { session.payloadDistance = try s.number("payload_distance"); continue }
            case 17:
                if s.keyIs(key, "total_round_count") { session.totalRoundCount = try s.int32("total_round_count"); continue }
                if s.keyIs(key, "payload_defenders") { session.payloadDefenders = try s.int32("payload_defenders"); continue }
            case 18:
                if s.keyIs(key, "game_clock_display") {
                    session.gameClockDisplay = try s.string("game_clock_display"); continue
                }
                if s.keyIs(key, "orange_round_score") {
                    session.orangeRoundScore = try s.int32("orange_round_score"); continue
                }
                if s.keyIs(key, "payload_multiplier") {
                    session.payloadMultiplier = try s.number("payload_multiplier"); continue
                }
                if s.keyIs(key, "payload_checkpoint") {
                    session.payloadCheckpoint = try s.int32("payload_checkpoint"); continue
                }
            case 21:
                if s.keyIs(key, "left_shoulder_pressed") {
                    session.leftShoulderPressed = try s.numberOrBool("left_shoulder_pressed"); continue
                }
            case 22:
                if s.keyIs(key, "left_shoulder_pressed2") {
                    session.leftShoulderPressed2 = try s.numberOrBool("left_shoulder_pressed2"); continue
                }
                if s.keyIs(key, "right_shoulder_pressed") {
                    session.rightShoulderPressed = try s.numberOrBool("right_shoulder_pressed"); continue
                }
            case 23:
                if s.keyIs(key, "right_shoulder_pressed2") {
                    session.rightShoulderPressed2 = try s.numberOrBool("right_shoulder_pressed2"); continue
                }
            case 25:
                if s.keyIs(key, "blue_team_restart_request") {
                    session.blueTeamRestartRequest = try s.int32OrBool("blue_team_restart_request"); continue
                }
            case 27:
                if s.keyIs(key, "orange_team_restart_request") {
                    session.orangeTeamRestartRequest = try s.int32OrBool("orange_team_restart_request"); continue
                }
            default:
                break
            }
            session.extras.append(try s.extra(key))
        } while try s.nextMember(close: ASCII.closeBrace)
        return session
    }

    // MARK: Objects without extras

    /// Loops over the members of an object whose unknown keys are validated and skipped.
    @inline(__always)
    func members(
        _ s: inout JSONScanner, _ name: StaticString,
        _ body: (inout JSONScanner, JSONKey) throws(GameJSONError) -> Bool
    ) throws(GameJSONError) {
        guard try s.beginObject(name) else { return }
        repeat {
            let key = try s.readKey()
            if s.null() { continue }
            if try !body(&s, key) { _ = try s.skipValue() }
        } while try s.nextMember(close: ASCII.closeBrace)
    }

    func readDisc(_ s: inout JSONScanner) throws(GameJSONError) -> Disc {
        var d = Disc()
        try members(&s, "disc") { (s, key) throws(GameJSONError) -> Bool in
            switch key.count {
            case 2:
                if s.keyIs(key, "up") { d.up = try s.vector3("up"); return true }
            case 4:
                if s.keyIs(key, "left") { d.left = try s.vector3("left"); return true }
            case 7:
                if s.keyIs(key, "forward") { d.forward = try s.vector3("forward"); return true }
            case 8:
                if s.keyIs(key, "position") { d.position = try s.vector3("position"); return true }
                if s.keyIs(key, "velocity") { d.velocity = try s.vector3("velocity"); return true }
            case 12:
                if s.keyIs(key, "bounce_count") { d.bounceCount = try s.int32("bounce_count"); return true }
            default: break
            }
            return false
        }
        return d
    }

    /// `head`/`body` (`position`) or a hand object (`pos`); either spelling is accepted.
    func readPose(_ s: inout JSONScanner, _ name: StaticString, hand: Bool) throws(GameJSONError) -> Pose {
        var pose = Pose()
        guard try s.beginObject(name) else { return pose }
        var expected = 0  // index of the key the game sends next: position, forward, left, up
        repeat {
            s.skipWhitespace()
            switch expected {
            case 0:
                if hand ? s.consumeKey("\"pos\":") : s.consumeKey("\"position\":") {
                    pose.position = try s.vector3(hand ? "pos" : "position")
                    expected = 1
                    continue
                }
            case 1:
                if s.consumeKey("\"forward\":") {
                    pose.forward = try s.vector3("forward")
                    expected = 2
                    continue
                }
            case 2:
                if s.consumeKey("\"left\":") {
                    pose.left = try s.vector3("left")
                    expected = 3
                    continue
                }
            default:
                if s.consumeKey("\"up\":") {
                    pose.up = try s.vector3("up")
                    expected = 0
                    continue
                }
            }
            let key = try s.readKey()
            if s.null() { continue }
            switch key.count {
            case 2 where s.keyIs(key, "up"): pose.up = try s.vector3("up"); expected = 0
            case 3 where s.keyIs(key, "pos"): pose.position = try s.vector3("pos"); expected = 1
            case 4 where s.keyIs(key, "left"): pose.left = try s.vector3("left"); expected = 3
            case 7 where s.keyIs(key, "forward"): pose.forward = try s.vector3("forward"); expected = 2
            case 8 where s.keyIs(key, "position"): pose.position = try s.vector3("position"); expected = 1
            default: _ = try s.skipValue()
            }
        } while try s.nextMember(close: ASCII.closeBrace)
        return pose
    }

    func readPlayspace(_ s: inout JSONScanner) throws(GameJSONError) -> PlayspacePose {
        var v = PlayspacePose()
        try members(&s, "player") { (s, key) throws(GameJSONError) -> Bool in
            switch key.count {
            case 5:
                if s.keyIs(key, "vr_up") { v.vrUp = try s.vector3("vr_up"); return true }
            case 7:
                if s.keyIs(key, "vr_left") { v.vrLeft = try s.vector3("vr_left"); return true }
            case 10:
                if s.keyIs(key, "vr_forward") { v.vrForward = try s.vector3("vr_forward"); return true }
            case 11:
                if s.keyIs(key, "vr_position") { v.vrPosition = try s.vector3("vr_position"); return true }
            default: break
            }
            return false
        }
        return v
    }

    func readPause(_ s: inout JSONScanner) throws(GameJSONError) -> PauseState {
        var v = PauseState()
        try members(&s, "pause") { (s, key) throws(GameJSONError) -> Bool in
            if s.keyIs(key, "paused_state") { v.pausedState = try s.string("paused_state"); return true }
            if s.keyIs(key, "unpaused_team") { v.unpausedTeam = try s.string("unpaused_team"); return true }
            if s.keyIs(key, "paused_requested_team") {
                v.pausedRequestedTeam = try s.string("paused_requested_team"); return true
            }
            if s.keyIs(key, "unpaused_timer") { v.unpausedTimer = try s.number("unpaused_timer"); return true }
            if s.keyIs(key, "paused_timer") { v.pausedTimer = try s.number("paused_timer"); return true }
            return false
        }
        return v
    }

    func readLastThrow(_ s: inout JSONScanner) throws(GameJSONError) -> LastThrow {
        var v = LastThrow()
        try members(&s, "last_throw") { (s, key) throws(GameJSONError) -> Bool in
            switch key.count {
            case 9:
                if s.keyIs(key, "arm_speed") { v.armSpeed = try s.number("arm_speed"); return true }
            case 11:
                if s.keyIs(key, "total_speed") { v.totalSpeed = try s.number("total_speed"); return true }
                if s.keyIs(key, "rot_per_sec") { v.rotPerSec = try s.number("rot_per_sec"); return true }
            case 14:
                if s.keyIs(key, "speed_from_arm") { v.speedFromArm = try s.number("speed_from_arm"); return true }
            case 16:
                if s.keyIs(key, "speed_from_wrist") { v.speedFromWrist = try s.number("speed_from_wrist"); return true }
                if s.keyIs(key, "off_axis_penalty") { v.offAxisPenalty = try s.number("off_axis_penalty"); return true }
            case 17:
                if s.keyIs(key, "off_axis_spin_deg") { v.offAxisSpinDeg = try s.number("off_axis_spin_deg"); return true }
            case 18:
                if s.keyIs(key, "pot_speed_from_rot") {
                    v.potSpeedFromRot = try s.number("pot_speed_from_rot"); return true
                }
                if s.keyIs(key, "throw_move_penalty") {
                    v.throwMovePenalty = try s.number("throw_move_penalty"); return true
                }
            case 19:
                if s.keyIs(key, "wrist_throw_penalty") {
                    v.wristThrowPenalty = try s.number("wrist_throw_penalty"); return true
                }
                if s.keyIs(key, "speed_from_movement") {
                    v.speedFromMovement = try s.number("speed_from_movement"); return true
                }
            case 24:
                if s.keyIs(key, "wrist_align_to_throw_deg") {
                    v.wristAlignToThrowDeg = try s.number("wrist_align_to_throw_deg"); return true
                }
            case 27:
                if s.keyIs(key, "throw_align_to_movement_deg") {
                    v.throwAlignToMovementDeg = try s.number("throw_align_to_movement_deg"); return true
                }
            default: break
            }
            return false
        }
        return v
    }

    func readLastScore(_ s: inout JSONScanner) throws(GameJSONError) -> LastScore {
        var v = LastScore()
        try members(&s, "last_score") { (s, key) throws(GameJSONError) -> Bool in
            if s.keyIs(key, "disc_speed") { v.discSpeed = try s.number("disc_speed"); return true }
            if s.keyIs(key, "team") { v.team = try s.string("team"); return true }
            if s.keyIs(key, "goal_type") { v.goalType = try s.string("goal_type"); return true }
            if s.keyIs(key, "point_amount") { v.pointAmount = try s.int32("point_amount"); return true }
            if s.keyIs(key, "distance_thrown") { v.distanceThrown = try s.number("distance_thrown"); return true }
            if s.keyIs(key, "person_scored") { v.personScored = try s.string("person_scored"); return true }
            if s.keyIs(key, "assist_scored") { v.assistScored = try s.string("assist_scored"); return true }
            return false
        }
        return v
    }

    /// Player or team `stats`; `teamOrder` picks which key order to expect.
    func readStats(_ s: inout JSONScanner, teamOrder: Bool) throws(GameJSONError) -> Stats {
        var v = Stats()
        guard try s.beginObject("stats") else { return v }
        var next: StatsKey = teamOrder ? .points : .possessionTime
        repeat {
            s.skipWhitespace()
            let field: StatsKey
            if s.consumeKey(next.pattern) {
                field = next
            } else {
                let key = try s.readKey()
                guard let known = StatsKey.lookup(key, s) else {
                    _ = try s.skipValue()
                    continue
                }
                field = known
            }
            next = teamOrder ? field.nextInTeamOrder : field.nextInPlayerOrder
            if s.null() { continue }
            switch field {
            case .possessionTime: v.possessionTime = try s.number("possession_time")
            case .points: v.points = try s.int32("points")
            case .saves: v.saves = try s.int32("saves")
            case .goals: v.goals = try s.int32("goals")
            case .stuns: v.stuns = try s.int32("stuns")
            case .passes: v.passes = try s.int32("passes")
            case .catches: v.catches = try s.int32("catches")
            case .steals: v.steals = try s.int32("steals")
            case .blocks: v.blocks = try s.int32("blocks")
            case .interceptions: v.interceptions = try s.int32("interceptions")
            case .assists: v.assists = try s.int32("assists")
            case .shotsTaken: v.shotsTaken = try s.int32("shots_taken")
            }
        } while try s.nextMember(close: ASCII.closeBrace)
        return v
    }

    func readHolder(_ s: inout JSONScanner) throws(GameJSONError) -> DiscHolder {
        guard s.peek == ASCII.openBracket else { throw s.invalid("possession", "[team, player]") }
        s.i &+= 1
        s.skipWhitespace()
        let team = try s.int32("possession")
        try s.expect(ASCII.comma, "',' in the possession pair")
        s.skipWhitespace()
        let player = try s.int32("possession")
        try s.expect(ASCII.closeBracket, "']' closing the possession pair")
        return DiscHolder(teamIndex: team, playerIndex: player)
    }

    // MARK: Teams and players (objects with extras)

    func readTeams(_ s: inout JSONScanner) throws(GameJSONError) -> [Team] {
        var teams: [Team] = []
        guard try s.beginArray("teams") else { return teams }
        teams.reserveCapacity(3)
        repeat {
            teams.append(try readTeam(&s))
        } while try s.nextMember(close: ASCII.closeBracket)
        return teams
    }

    func readTeam(_ s: inout JSONScanner) throws(GameJSONError) -> Team {
        var team = Team()
        guard try s.beginObject("teams[]") else { return team }
        repeat {
            let key = try s.readKey()
            if s.peek == ASCII.lowerN {
                team.extras.append(try s.extra(key))
                continue
            }
            if s.keyIs(key, "players") { team.players = try readPlayers(&s); continue }
            if s.keyIs(key, "team") { team.name = try s.string("team"); continue }
            if s.keyIs(key, "possession") { team.possession = try s.bool("possession"); continue }
            if s.keyIs(key, "stats") { team.stats = try readStats(&s, teamOrder: true); continue }
            team.extras.append(try s.extra(key))
        } while try s.nextMember(close: ASCII.closeBrace)
        return team
    }

    func readPlayers(_ s: inout JSONScanner) throws(GameJSONError) -> [Player] {
        var players: [Player] = []
        guard try s.beginArray("players") else { return players }
        players.reserveCapacity(5)
        repeat {
            s.skipWhitespace()
            players.append(try readPlayer(&s))
        } while try s.nextMember(close: ASCII.closeBracket)
        return players
    }

    /// `lhand`/`rhand`: an object with `pos` (2019+) or a bare `[x, y, z]` (2018).
    @inline(__always)
    func readHand(_ s: inout JSONScanner, _ name: StaticString, bare: inout Bool) throws(GameJSONError) -> Pose {
        if s.peek == ASCII.openBracket {
            bare = true
            return Pose(position: try s.vector3(name))
        }
        return try readPose(&s, name, hand: true)
    }

    func readPlayer(_ s: inout JSONScanner) throws(GameJSONError) -> Player {
        var pl = Player()
        guard try s.beginObject("players[]") else { return pl }
        var next = PlayerKey.name
        repeat {
            s.skipWhitespace()
            let field: PlayerKey
            if s.consumeKey(next.pattern) {
                field = next
            } else {
                let key = try s.readKey()
                guard let known = PlayerKey.lookup(key, s) else {
                    pl.extras.append(try s.extra(key))
                    continue
                }
                field = known
            }
            next = field.next
            if s.peek == ASCII.lowerN {
                pl.extras.append(try s.extra(pattern: field.pattern))
                continue
            }
            switch field {
            case .name: pl.name = try s.string("name")
            case .rhand: pl.rightHand = try readHand(&s, "rhand", bare: &pl.handsAreBareVectors)
            case .playerid: pl.slot = try s.int32("playerid")
            case .stats: pl.stats = try readStats(&s, teamOrder: false)
            case .userid: pl.userID = try s.uint64("userid")
            case .number: pl.number = try s.int32("number")
            case .level: pl.level = try s.int32("level")
            case .stunned: pl.stunned = try s.bool("stunned")
            case .ping: pl.ping = try s.int32("ping")
            case .packetlossratio: pl.packetLossRatio = try s.number("packetlossratio")
            case .invulnerable: pl.invulnerable = try s.bool("invulnerable")
            case .holdingLeft: pl.holdingLeft = try s.string("holding_left")
            case .possession: pl.possession = try s.bool("possession")
            case .head: pl.head = try readPose(&s, "head", hand: false)
            case .body: pl.body = try readPose(&s, "body", hand: false)
            case .holdingRight: pl.holdingRight = try s.string("holding_right")
            case .lhand: pl.leftHand = try readHand(&s, "lhand", bare: &pl.handsAreBareVectors)
            case .blocking: pl.blocking = try s.bool("blocking")
            case .velocity: pl.velocity = try s.vector3("velocity")
            case .isEmotePlaying: pl.isEmotePlaying = try s.bool("is_emote_playing")
            case .position: pl.legacyPose.set(\.position, try s.vector3("position"))
            case .forward: pl.legacyPose.set(\.forward, try s.vector3("forward"))
            case .left: pl.legacyPose.set(\.left, try s.vector3("left"))
            case .up: pl.legacyPose.set(\.up, try s.vector3("up"))
            case .weapon: pl.weapon = try s.string("Weapon")
            case .ordnance: pl.ordnance = try s.string("Ordnance")
            case .tacMod: pl.tacMod = try s.string("TacMod")
            case .arm: pl.arm = try s.string("Arm")
            }
        } while try s.nextMember(close: ASCII.closeBrace)
        return pl
    }

    // MARK: /player_bones

    mutating func readBones(_ s: inout JSONScanner) throws(GameJSONError) -> PlayerBones {
        var bones = PlayerBones()
        s.skipWhitespace()
        guard s.peek == ASCII.openBrace else { throw s.malformed("'{' starting the /player_bones object") }
        s.i &+= 1
        s.skipWhitespace()
        if s.peek == ASCII.closeBrace {
            s.i &+= 1
            return bones
        }
        repeat {
            let key = try s.readKey()
            if s.peek == ASCII.lowerN {
                bones.extras.append(try s.extra(key))
                continue
            }
            if s.keyIs(key, "user_bones") {
                var list: [UserBones] = []
                if try s.beginArray("user_bones") {
                    list.reserveCapacity(10)
                    repeat {
                        s.skipWhitespace()
                        list.append(try readUserBones(&s))
                    } while try s.nextMember(close: ASCII.closeBracket)
                }
                bones.userBones = list
                continue
            }
            if s.keyIs(key, "err_code") { bones.errCode = try s.int32("err_code"); continue }
            if s.keyIs(key, "err_description") {
                var copy = s
                if copy.peek == ASCII.quote, let text = try? copy.string("err_description") { errDescription = text }
            }
            bones.extras.append(try s.extra(key))
        } while try s.nextMember(close: ASCII.closeBrace)
        return bones
    }

    func readUserBones(_ s: inout JSONScanner) throws(GameJSONError) -> UserBones {
        var v = UserBones()
        try members(&s, "user_bones[]") { (s, key) throws(GameJSONError) -> Bool in
            if s.keyIs(key, "bone_t") { v.translations = try s.floatArray("bone_t"); return true }
            if s.keyIs(key, "bone_o") { v.orientations = try s.floatArray("bone_o"); return true }
            if s.keyIs(key, "playerid") { v.slot = try s.int32("playerid"); return true }
            return false
        }
        return v
    }
}

extension Optional where Wrapped == Pose {
    /// Sets one vector of a 2018 player's own pose, creating the pose on first use.
    @inline(__always)
    fileprivate mutating func set(_ field: WritableKeyPath<Pose, Vector3?>, _ value: Vector3) {
        var pose = self ?? Pose()
        pose[keyPath: field] = value
        self = pose
    }
}
