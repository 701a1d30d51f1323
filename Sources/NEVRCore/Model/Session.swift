/// One typed `/session` response: the whole game state at one instant.
///
/// Every key is optional; `nil` means absent. Fields are in the order of
/// `game-api.md`; ``GameJSONWriter`` writes them in the game's own (2021) key order.
///
/// ```swift
/// let session = try GameJSONReader.parseSession(bytes)
/// print(session.gameStatus ?? "-", session.teams?.count ?? 0)
/// ```
public struct Session: Hashable, Sendable {
    public var sessionID: String?
    public var sessionIP: String?
    public var clientName: String?
    public var matchType: String?
    public var mapName: String?
    public var privateMatch: Bool?
    public var tournamentMatch: Bool?
    /// `pre_match`, `round_start`, `playing`, `score`, `round_over`, `pre_sudden_death`,
    /// `sudden_death`, `post_sudden_death`, `post_match` or `""`.
    public var gameStatus: String?
    /// Seconds left in the round.
    public var gameClock: Double?
    /// `MM:SS.cc`, ``gameClock`` truncated to centiseconds.
    public var gameClockDisplay: String?
    /// Arena: integral points this round. Combat: capture progress, may be fractional.
    public var bluePoints: Double?
    public var orangePoints: Double?
    public var blueRoundScore: Int32?
    public var orangeRoundScore: Int32?
    public var totalRoundCount: Int32?
    /// 0/1 (booleans in some re-saved files are read as 0/1).
    public var blueTeamRestartRequest: Int32?
    public var orangeTeamRestartRequest: Int32?
    public var leftShoulderPressed: Double?
    public var leftShoulderPressed2: Double?
    public var rightShoulderPressed: Double?
    public var rightShoulderPressed2: Double?
    /// `player`: the recording client's HMD pose.
    public var player: PlayspacePose?
    public var disc: Disc?
    /// Top-level `possession` pair.
    public var possession: DiscHolder?
    public var pause: PauseState?
    public var lastThrow: LastThrow?
    public var lastScore: LastScore?
    public var rulesChangedBy: String?
    public var rulesChangedAt: UInt64?
    /// 0 on success; non-zero bodies are not game frames.
    public var errCode: Int32?
    /// `teams`: 0 blue, 1 orange, 2 spectators.
    public var teams: [Team]?
    // Combat only.
    public var contested: Bool?
    public var payloadMultiplier: Double?
    public var payloadCheckpoint: Int32?
    public var payloadDistance: Double?
    public var payloadDefenders: Int32?
    public var payloadSpeed: Double?
    /// Keys the model does not know, in input order (kept for writing back).
    public var extras: [ExtraField]

    public init() {
        extras = []
    }
}

extension Session {
    /// The team index (0 blue, 1 orange, 2 spectators) and player for every player in the frame.
    @inlinable
    public func forEachPlayer(_ body: (_ teamIndex: Int, _ player: Player) throws -> Void) rethrows {
        guard let teams else { return }
        for (t, team) in teams.enumerated() {
            guard let players = team.players else { continue }
            for p in players { try body(t, p) }
        }
    }

    /// Number of players over all teams (spectators included).
    public var playerCount: Int {
        var n = 0
        for team in teams ?? [] { n += team.players?.count ?? 0 }
        return n
    }
}
