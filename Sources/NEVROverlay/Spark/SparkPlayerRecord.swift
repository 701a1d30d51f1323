import NEVRCore

/// What Spark's `MatchPlayer` keeps about one player in one round beyond the game's own
/// counters: time played, time upside down, average body and hand speeds, wingspan, goals by
/// value, playspace abuses, wins. Accumulated frame by frame by ``OverlayState``.
///
/// The game's counters are cumulative for the match; a round's share is ``roundStats``
/// (the last counters minus ``baseline``, the counters the player had when the round began),
/// which is what Spark reports per round and sums over rounds in `/stats`.
///
/// Speeds average over `playing` frames only (Spark samples while the round runs);
/// hand speeds are position deltas over the frame interval, because the API gives
/// hand positions but no hand velocity.
public struct SparkPlayerRecord: Sendable, Equatable {
    /// The player's `userid`, when the game gave one.
    public var userID: UInt64?
    /// Display name (empty when the game gave none).
    public var name: String
    /// `playerid` (the slot), -1 when absent.
    public var slot: Int32
    /// Jersey number.
    public var number: Int32
    /// Player level.
    public var level: Int32
    /// 0 blue, 1 orange, 2 spectators.
    public var teamIndex: Int
    /// The game's counters as of the player's last frame (cumulative for the match).
    public var stats: Stats
    /// The game's counters when this round began for the player (zero in the first round seen,
    /// as Spark counts a capture that starts mid-match from the counters it finds).
    public var baseline = Stats()
    /// Seconds of `playing` game clock this player was present for.
    public var playTime: Double = 0
    /// Seconds of `playing` with the head's up vector pointing down.
    public var invertedTime: Double = 0
    /// Sum of body speeds over `playing` frames (m/s), for ``averageSpeed``.
    public var speedSum: Double = 0
    /// Frames summed in ``speedSum``.
    public var speedSamples: Int = 0
    /// Sum of left-hand speeds (m/s), for ``averageLeftHandSpeed``.
    public var leftHandSpeedSum: Double = 0
    /// Sum of right-hand speeds (m/s), for ``averageRightHandSpeed``.
    public var rightHandSpeedSum: Double = 0
    /// Frames summed in the hand speed sums.
    public var handSpeedSamples: Int = 0
    /// Largest distance seen between the two hands (metres).
    public var wingspan: Double = 0
    /// Goals worth 2 points.
    public var twoPointers: Int = 0
    /// Goals worth 3 points.
    public var threePointers: Int = 0
    /// The core stream's `playspace_abuse` events for this player.
    public var playspaceAbuses: Int = 0
    /// Rounds this player's team won while the player was on it.
    public var wins: Int = 0
    /// The player's last confirmed throw this round (`throw_details`): its hand and
    /// underhandedness go into the goal dictionary when this player scores.
    public var lastThrow: DerivedEvent.ThrowDetails?
    var lastLeftHand: Vector3?
    var lastRightHand: Vector3?

    /// A record started from the player's first frame.
    public init(player: Player, teamIndex: Int) {
        userID = player.userID
        name = player.name ?? ""
        slot = player.slot ?? -1
        number = player.number ?? 0
        level = player.level ?? 0
        self.teamIndex = teamIndex
        stats = player.stats ?? Stats()
    }

    /// The same person on the same team (Spark merges rounds by name per team colour): the
    /// `userid` when the game gave one, else the name.
    func isSamePlayer(as other: SparkPlayerRecord) -> Bool {
        guard teamIndex == other.teamIndex else { return false }
        if let a = userID, let b = other.userID { return a == b }
        return userID == nil && other.userID == nil && name == other.name
    }

    /// This round's share of the game's counters: ``stats`` minus ``baseline``, never below 0
    /// (a player who leaves and rejoins comes back with counters reset by the game).
    public var roundStats: Stats {
        func d(_ a: Int32?, _ b: Int32?) -> Int32 {
            let now = a ?? 0, before = b ?? 0
            return now >= before ? now &- before : now
        }
        let s = stats, b = baseline
        let possession = (s.possessionTime ?? 0) - (b.possessionTime ?? 0)
        return Stats(
            possessionTime: possession >= 0 ? possession : (s.possessionTime ?? 0),
            points: d(s.points, b.points), saves: d(s.saves, b.saves), goals: d(s.goals, b.goals),
            stuns: d(s.stuns, b.stuns), passes: d(s.passes, b.passes), catches: d(s.catches, b.catches),
            steals: d(s.steals, b.steals), blocks: d(s.blocks, b.blocks), interceptions: d(s.interceptions, b.interceptions),
            assists: d(s.assists, b.assists), shotsTaken: d(s.shotsTaken, b.shotsTaken))
    }

    /// `self` (an earlier round) and `later` as one record: counters and times summed, averages
    /// over both rounds' samples, the larger wingspan, name, number, level from `later`.
    func merged(with later: SparkPlayerRecord) -> SparkPlayerRecord {
        var m = later
        let a = roundStats, b = later.roundStats
        func sum(_ x: Int32?, _ y: Int32?) -> Int32 { (x ?? 0).addingReportingOverflow(y ?? 0).partialValue }
        m.stats = Stats(
            possessionTime: (a.possessionTime ?? 0) + (b.possessionTime ?? 0),
            points: sum(a.points, b.points), saves: sum(a.saves, b.saves), goals: sum(a.goals, b.goals),
            stuns: sum(a.stuns, b.stuns), passes: sum(a.passes, b.passes), catches: sum(a.catches, b.catches),
            steals: sum(a.steals, b.steals), blocks: sum(a.blocks, b.blocks), interceptions: sum(a.interceptions, b.interceptions),
            assists: sum(a.assists, b.assists), shotsTaken: sum(a.shotsTaken, b.shotsTaken))
        m.baseline = Stats()
        m.playTime += playTime
        m.invertedTime += invertedTime
        m.speedSum += speedSum
        m.speedSamples += speedSamples
        m.leftHandSpeedSum += leftHandSpeedSum
        m.rightHandSpeedSum += rightHandSpeedSum
        m.handSpeedSamples += handSpeedSamples
        m.wingspan = max(wingspan, later.wingspan)
        m.twoPointers += twoPointers
        m.threePointers += threePointers
        m.playspaceAbuses += playspaceAbuses
        m.wins += wins
        return m
    }

    /// Mean body speed over `playing` frames (m/s; 0 before any).
    public var averageSpeed: Double { speedSamples > 0 ? speedSum / Double(speedSamples) : 0 }
    /// Mean left-hand speed (m/s; 0 before any).
    public var averageLeftHandSpeed: Double { handSpeedSamples > 0 ? leftHandSpeedSum / Double(handSpeedSamples) : 0 }
    /// Mean right-hand speed (m/s; 0 before any).
    public var averageRightHandSpeed: Double { handSpeedSamples > 0 ? rightHandSpeedSum / Double(handSpeedSamples) : 0 }

    /// Takes the frame's view of the player; `playingSeconds` is the game-clock time since the
    /// previous frame when both frames are `playing` (0 otherwise).
    mutating func update(_ player: Player, teamIndex: Int, playingSeconds: Double) {
        if let n = player.name { name = n }
        if let s = player.slot { slot = s }
        if let n = player.number { number = n }
        if let l = player.level, l > 0 { level = l }
        self.teamIndex = teamIndex
        if let s = player.stats { stats = s }
        let left = player.leftHand?.position
        let right = player.rightHand?.position
        if let l = left, let r = right {
            wingspan = max(wingspan, Self.distance(l, r))
        }
        if playingSeconds > 0 {
            playTime += playingSeconds
            if let up = player.head?.up, up.y < 0 { invertedTime += playingSeconds }
            if let v = player.velocity, v.length.isFinite {
                speedSum += v.length
                speedSamples += 1
            }
            if let l = left, let r = right, let pl = lastLeftHand, let pr = lastRightHand {
                let ls = Self.distance(l, pl) / playingSeconds
                let rs = Self.distance(r, pr) / playingSeconds
                // A teleport (respawn) is not a hand speed.
                if ls.isFinite, rs.isFinite, ls < 100, rs < 100 {
                    leftHandSpeedSum += ls
                    rightHandSpeedSum += rs
                    handSpeedSamples += 1
                }
            }
        }
        lastLeftHand = left
        lastRightHand = right
    }

    static func distance(_ a: Vector3, _ b: Vector3) -> Double {
        let dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z
        return (dx * dx + dy * dy + dz * dz).squareRoot()
    }

    /// Spark's `MatchPlayer` dictionary (same keys, same order as `spark-events.md` lists them);
    /// the counters are ``roundStats``.
    public func sparkDictionary(sessionID: String, matchTime: String) -> SparkJSON {
        let s = roundStats
        func i(_ v: Int32?) -> SparkJSON { .integer(v ?? 0) }
        return .object([
            ("session_id", .string(sessionID)),
            ("match_time", .string(matchTime)),
            ("player_id", .integer(userID ?? 0)),
            ("player_name", .string(name)),
            ("level", .integer(level)),
            ("player_number", .integer(number)),
            ("team_color", .string(SparkTeam.color(teamIndex))),
            ("possession_time", .double(s.possessionTime ?? 0)),
            ("play_time", .double(playTime)),
            ("inverted_time", .double(invertedTime)),
            ("points", i(s.points)),
            ("2_pointers", .integer(twoPointers)),
            ("3_pointers", .integer(threePointers)),
            ("shots_taken", i(s.shotsTaken)),
            ("saves", i(s.saves)),
            ("goals", i(s.goals)),
            ("stuns", i(s.stuns)),
            ("passes", i(s.passes)),
            ("catches", i(s.catches)),
            ("steals", i(s.steals)),
            ("blocks", i(s.blocks)),
            ("interceptions", i(s.interceptions)),
            ("assists", i(s.assists)),
            ("average_speed", .double(averageSpeed)),
            ("average_speed_lhand", .double(averageLeftHandSpeed)),
            ("average_speed_rhand", .double(averageRightHandSpeed)),
            ("wingspan", .double(wingspan)),
            ("playspace_abuses", .integer(playspaceAbuses)),
            ("wins", .integer(wins)),
        ])
    }
}

/// Spark's team spellings.
public enum SparkTeam {
    /// `blue`, `orange` or `spectator` for a `teams` index.
    public static func color(_ teamIndex: Int) -> String {
        switch teamIndex {
        case 0: "blue"
        case 1: "orange"
        default: "spectator"
        }
    }
}
