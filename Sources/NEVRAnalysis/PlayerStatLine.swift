import NEVRCore

/// One player's figures over some stretch of play (a round, a match, many matches).
///
/// Counters come from the game's own cumulative `stats` (the rise over the stretch, counter
/// resets handled, see ``MatchStatsBuilder``); throws, jousts, boosts and the other
/// derived figures are counted from the events; time and speed from the frames.
public struct PlayerStatLine: Hashable, Sendable {
    /// The engine counters, in ``PlayerStatLine/counterNames`` order.
    public static let counterNames = [
        "points", "saves", "goals", "stuns", "passes", "catches", "steals", "blocks", "interceptions", "assists", "shots_taken",
    ]

    /// The player's userid (the key across matches).
    public var userID: UInt64
    /// The display name last seen.
    public var name: String
    /// The team last seen (0 blue, 1 orange, 2 spectators).
    public var teamIndex: Int
    /// Engine counter rises, lanes in ``counterNames`` order (lanes 11-15 unused).
    public var counters: SIMD16<Int64> = .zero
    /// Rise of `stats.possession_time` (s).
    public var possessionTime: Double = 0
    /// Game seconds on the pitch while `playing`.
    public var playTime: Double = 0
    /// Speed integrated over play time (m), for the average.
    public var distance: Double = 0
    /// Largest |velocity| seen while playing (m/s, below 100).
    public var topSpeed: Double = 0
    /// `DiscThrown` events (every throw the detector saw, any player).
    public var throwsMade = 0
    /// `ThrowDetails` events and the sum of their disc speeds, left-hand throws among them.
    public var throwDetails = 0
    /// Sum of the disc speeds of those throws (m/s), for the average.
    public var throwSpeedSum: Double = 0
    /// Those throws made with the left hand.
    public var leftHandThrows = 0
    /// Jousts won (first of the team across the centre line).
    public var jousts = 0
    /// Sum of those joust times (s), for the average.
    public var joustTimeSum: Double = 0
    /// Fastest joust (s), `nil` before the first.
    public var bestJoust: Double?
    /// `BigBoost` events.
    public var bigBoosts = 0
    /// `PlayspaceAbuse` events.
    public var playspaceAbuses = 0
    /// Turnovers this player gave away (they held the disc last) and won (they caught it).
    public var turnoversLost = 0
    /// Turnovers won: this player caught the other team's disc.
    public var turnoversWon = 0
    /// Spark-style interceptions (turnovers confirmed two seconds later) this player made.
    public var derivedInterceptions = 0
    /// Stuns matched with a victim: made, and suffered.
    public var stunsMatched = 0
    /// Stuns suffered (matched with their stunner).
    public var timesStunned = 0
    /// Restart requests this player was nearest the terminal for.
    public var restartRequests = 0
    /// Pause requests this player was nearest the terminal for.
    public var pauseRequests = 0
    /// Matches (sessions) this line covers.
    public var matches = 0

    /// An empty line for one player.
    public init(userID: UInt64, name: String, teamIndex: Int) {
        self.userID = userID
        self.name = name
        self.teamIndex = teamIndex
    }

    /// The counter named `name` (one of ``counterNames``).
    public func counter(_ name: String) -> Int64 {
        guard let i = Self.counterNames.firstIndex(of: name) else { return 0 }
        return counters[i]
    }

    /// Mean speed over play time (m/s).
    public var averageSpeed: Double { playTime > 0 ? distance / playTime : 0 }
    /// Mean disc speed of the throws with details (m/s).
    public var averageThrowSpeed: Double { throwDetails > 0 ? throwSpeedSum / Double(throwDetails) : 0 }
    /// Mean joust time (s), 0 without jousts.
    public var averageJoust: Double { jousts > 0 ? joustTimeSum / Double(jousts) : 0 }

    /// Adds `other`'s figures (same player or a team total); name and team become `other`'s.
    public mutating func add(_ other: PlayerStatLine) {
        counters &+= other.counters
        possessionTime += other.possessionTime
        playTime += other.playTime
        distance += other.distance
        topSpeed = max(topSpeed, other.topSpeed)
        throwsMade += other.throwsMade
        throwDetails += other.throwDetails
        throwSpeedSum += other.throwSpeedSum
        leftHandThrows += other.leftHandThrows
        jousts += other.jousts
        joustTimeSum += other.joustTimeSum
        if let b = other.bestJoust { bestJoust = min(bestJoust ?? b, b) }
        bigBoosts += other.bigBoosts
        playspaceAbuses += other.playspaceAbuses
        turnoversLost += other.turnoversLost
        turnoversWon += other.turnoversWon
        derivedInterceptions += other.derivedInterceptions
        stunsMatched += other.stunsMatched
        timesStunned += other.timesStunned
        restartRequests += other.restartRequests
        pauseRequests += other.pauseRequests
        matches += other.matches
    }
}
