import Foundation
import NEVRCore
import NEVRTestSupport
import XCTest

/// The real 2021 frame as a typed `Session`, and helpers to change its fields.
enum EventFixtures {
    /// The real 10-player 2021 frame (`round_over`, blue 15 : orange 8, speedy_v in slot 1 holds the disc).
    static func frame2021() throws -> Session {
        try FoundationSessionOracle.parse(SharedData.bytes(SharedData.frame2021))
    }

    /// The same frame moved into live play: `playing`, unpaused, nobody holding the disc.
    static func playing() throws -> Session {
        var s = try frame2021()
        s.gameStatus = "playing"
        return s
    }
}

extension Session {
    /// The location of the player in `slot`.
    func location(ofSlot slot: Int32) -> (team: Int, index: Int)? {
        for (t, team) in (teams ?? []).enumerated() {
            for (i, p) in (team.players ?? []).enumerated() where p.slot == slot { return (t, i) }
        }
        return nil
    }

    /// Changes the player in `slot` in place.
    mutating func updatePlayer(slot: Int32, _ change: (inout Player) -> Void) {
        guard let (t, i) = location(ofSlot: slot) else { preconditionFailure("no player in slot \(slot)") }
        change(&teams![t].players![i])
    }

    /// Removes the player in `slot`, returning it.
    @discardableResult
    mutating func removePlayer(slot: Int32) -> Player {
        guard let (t, i) = location(ofSlot: slot) else { preconditionFailure("no player in slot \(slot)") }
        let p = teams![t].players!.remove(at: i)
        if teams![t].players!.isEmpty { teams![t].players = nil }
        fixPossessionPair()
        return p
    }

    /// Appends `player` to team `team`.
    mutating func addPlayer(_ player: Player, team: Int) {
        if teams![team].players == nil { teams![team].players = [] }
        teams![team].players!.append(player)
        fixPossessionPair()
    }

    /// Gives the disc to `slot` (-1: nobody), keeping the top-level pair and the flags consistent.
    mutating func setHolder(slot: Int32) {
        for t in teams!.indices {
            for i in (teams![t].players ?? []).indices { teams![t].players![i].possession = teams![t].players![i].slot == slot }
        }
        fixPossessionPair()
    }

    /// Recomputes the top-level `possession` pair from the players' flags.
    mutating func fixPossessionPair() {
        guard possession != nil else { return }
        possession = .nobody
        for (t, team) in (teams ?? []).enumerated() {
            for (i, p) in (team.players ?? []).enumerated() where p.possession == true {
                possession = DiscHolder(teamIndex: Int32(t), playerIndex: Int32(i))
                return
            }
        }
    }

    func player(slot: Int32) -> Player? {
        guard let (t, i) = location(ofSlot: slot) else { return nil }
        return teams![t].players![i]
    }
}

/// Runs frames through one detector and returns the events of each frame.
func detectAll(_ frames: [Session], options: EventDetectionOptions = .init()) -> [[Event]] {
    var detector = EventDetector(options: options)
    return frames.map { detector.detect($0) }
}

/// Test-only reader of the fields the detectors use, through Foundation (until the
/// byte-level reader is on main).
enum FoundationSessionOracle {
    static func parse(_ bytes: [UInt8]) throws -> Session {
        let root = try JSONSerialization.jsonObject(with: Data(bytes)) as! [String: Any]
        func d(_ o: [String: Any], _ k: String) -> Double? { (o[k] as? NSNumber)?.doubleValue }
        func i(_ o: [String: Any], _ k: String) -> Int32? { (o[k] as? NSNumber)?.int32Value }
        func b(_ o: [String: Any], _ k: String) -> Bool? { (o[k] as? NSNumber)?.boolValue }
        func v(_ o: [String: Any], _ k: String) -> Vector3? {
            guard let a = o[k] as? [NSNumber], a.count == 3 else { return nil }
            return Vector3(a[0].doubleValue, a[1].doubleValue, a[2].doubleValue)
        }
        var s = Session()
        s.sessionID = root["sessionid"] as? String
        s.clientName = root["client_name"] as? String
        s.matchType = root["match_type"] as? String
        s.gameStatus = root["game_status"] as? String
        s.gameClock = d(root, "game_clock")
        s.gameClockDisplay = root["game_clock_display"] as? String
        s.bluePoints = d(root, "blue_points")
        s.orangePoints = d(root, "orange_points")
        s.blueRoundScore = i(root, "blue_round_score")
        s.orangeRoundScore = i(root, "orange_round_score")
        s.totalRoundCount = i(root, "total_round_count")
        s.errCode = i(root, "err_code")
        if let pair = root["possession"] as? [NSNumber] { s.possession = DiscHolder(teamIndex: pair[0].int32Value, playerIndex: pair[1].int32Value) }
        if let disc = root["disc"] as? [String: Any] { s.disc = Disc(position: v(disc, "position"), velocity: v(disc, "velocity"), bounceCount: i(disc, "bounce_count")) }
        if let p = root["pause"] as? [String: Any] {
            s.pause = PauseState(pausedState: p["paused_state"] as? String, unpausedTeam: p["unpaused_team"] as? String,
                                 pausedRequestedTeam: p["paused_requested_team"] as? String,
                                 unpausedTimer: d(p, "unpaused_timer"), pausedTimer: d(p, "paused_timer"))
        }
        if let t = root["last_throw"] as? [String: Any] { s.lastThrow = LastThrow(armSpeed: d(t, "arm_speed"), totalSpeed: d(t, "total_speed")) }
        if let l = root["last_score"] as? [String: Any] {
            s.lastScore = LastScore(discSpeed: d(l, "disc_speed"), team: l["team"] as? String, goalType: l["goal_type"] as? String,
                                    pointAmount: i(l, "point_amount"), distanceThrown: d(l, "distance_thrown"),
                                    personScored: l["person_scored"] as? String, assistScored: l["assist_scored"] as? String)
        }
        if let teams = root["teams"] as? [[String: Any]] {
            s.teams = teams.map { t in
                Team(players: (t["players"] as? [[String: Any]])?.map { p in
                    let st = p["stats"] as? [String: Any] ?? [:]
                    return Player(name: p["name"] as? String, slot: i(p, "playerid"), userID: (p["userid"] as? NSNumber)?.uint64Value,
                                  number: i(p, "number"), level: i(p, "level"), stunned: b(p, "stunned"), possession: b(p, "possession"),
                                  isEmotePlaying: b(p, "is_emote_playing"),
                                  stats: Stats(possessionTime: d(st, "possession_time"), points: i(st, "points"), saves: i(st, "saves"),
                                               goals: i(st, "goals"), stuns: i(st, "stuns"), passes: i(st, "passes"), catches: i(st, "catches"),
                                               steals: i(st, "steals"), blocks: i(st, "blocks"), interceptions: i(st, "interceptions"),
                                               assists: i(st, "assists"), shotsTaken: i(st, "shots_taken")))
                }, name: t["team"] as? String, possession: b(t, "possession"))
            }
        }
        return s
    }
}
