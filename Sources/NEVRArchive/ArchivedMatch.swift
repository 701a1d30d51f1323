import NEVRCore

/// One match as the archive stores it: what was known at its first and last game frame, who
/// played, their cumulative stats and the events detected in it.
///
/// A capture holds one match per `sessionid`; a recording that spans several sessions gives
/// several matches (``MatchIndexer``).
public struct ArchivedMatch: Hashable, Sendable {
    /// The archive's key: `sessionid` and start instant (milliseconds), so the same match
    /// recorded twice (or the same file added twice) is stored once.
    public var id: String
    /// The game's `sessionid`.
    public var sessionID: String
    /// The file it was read from (as given to `archive add`).
    public var capture: String
    /// Timestamp of the first and last game frame, milliseconds since 1970.
    public var startedAtMs: Int64
    /// Timestamp of the last game frame, milliseconds since 1970.
    public var endedAtMs: Int64
    /// `map_name` (e.g. `mpl_arena_a`), empty when the frames never said.
    public var map: String
    /// `match_type` (e.g. `Echo_Arena_Private`), empty when unknown.
    public var matchType: String
    /// Team names as the game spells them (`BLUE TEAM`, `ORANGE TEAM`) at the last frame.
    public var blueTeam: String
    /// Orange team's name.
    public var orangeTeam: String
    /// Points at the last game frame.
    public var bluePoints: Int
    /// Orange points at the last game frame.
    public var orangePoints: Int
    /// `blue`, `orange` or `tie`: the winner of a `match_ended` event when one was seen,
    /// otherwise who led on points at the last frame.
    public var result: String
    /// True when the capture saw the match end (`match_ended` or `post_match`).
    public var completed: Bool
    /// Game frames read for this match.
    public var frames: Int
    /// Everyone who was on the blue or orange team, with stats from their last frame.
    public var players: [ArchivedPlayerStats]
    /// Events in frame order.
    public var events: [ArchivedEvent]

    /// Creates a match record (normally built by ``MatchIndexer``).
    public init(
        sessionID: String, capture: String, startedAtMs: Int64, endedAtMs: Int64, map: String, matchType: String,
        blueTeam: String, orangeTeam: String, bluePoints: Int, orangePoints: Int, result: String, completed: Bool,
        frames: Int, players: [ArchivedPlayerStats], events: [ArchivedEvent]
    ) {
        self.id = ArchivedMatch.key(sessionID: sessionID, startedAtMs: startedAtMs)
        self.sessionID = sessionID
        self.capture = capture
        self.startedAtMs = startedAtMs
        self.endedAtMs = endedAtMs
        self.map = map
        self.matchType = matchType
        self.blueTeam = blueTeam
        self.orangeTeam = orangeTeam
        self.bluePoints = bluePoints
        self.orangePoints = orangePoints
        self.result = result
        self.completed = completed
        self.frames = frames
        self.players = players
        self.events = events
    }

    /// The archive key of a match: `SESSIONID@STARTMS`.
    public static func key(sessionID: String, startedAtMs: Int64) -> String { "\(sessionID)@\(startedAtMs)" }
}

/// One player's cumulative stats in one match, as the game reported them at the last frame
/// the player was on a team.
public struct ArchivedPlayerStats: Hashable, Sendable {
    /// The player's `userid` in decimal (text: user ids are unsigned 64-bit).
    public var userID: String
    /// Display name at that frame.
    public var name: String
    /// `blue` or `orange`.
    public var team: String
    /// Jersey number.
    public var number: Int
    /// The stat columns in ``ArchivedPlayerStats/statNames`` order.
    public var values: [Int]
    /// Seconds of disc possession.
    public var possessionTime: Double

    /// The integer stats kept per player and match, as column names.
    public static let statNames = [
        "points", "goals", "saves", "stuns", "passes", "catches", "steals", "blocks", "interceptions", "assists", "shots_taken",
    ]

    /// Creates a stats row; `values` must have one entry per ``statNames`` name (missing ones are 0).
    public init(userID: String, name: String, team: String, number: Int, values: [Int], possessionTime: Double) {
        self.userID = userID
        self.name = name
        self.team = team
        self.number = number
        self.values = values.count == Self.statNames.count ? values : (values + Array(repeating: 0, count: Self.statNames.count)).prefix(Self.statNames.count).map { $0 }
        self.possessionTime = possessionTime
    }

    /// The stats of `player` in ``statNames`` order (absent values are 0).
    public static func values(of stats: Stats?) -> [Int] {
        let s = stats
        let all: [Int32?] = [
            s?.points, s?.goals, s?.saves, s?.stuns, s?.passes, s?.catches, s?.steals, s?.blocks, s?.interceptions, s?.assists,
            s?.shotsTaken,
        ]
        return all.map { Int($0 ?? 0) }
    }
}

/// One detected event of an archived match.
public struct ArchivedEvent: Hashable, Sendable {
    /// Position among the match's events (0-based).
    public var sequence: Int
    /// Frame index within the match.
    public var frame: Int
    /// Capture instant, milliseconds since 1970.
    public var timeMs: Int64
    /// Event kind name as `nevr events` prints it (`player_save`, `goal_scored`, ...).
    public var kind: String
    /// The player slot the event is about, or -1.
    public var slot: Int
    /// The `userid` of that slot's player at the event's frame, empty when none.
    public var userID: String
    /// The event as one `nevr events --json` line.
    public var json: String

    /// Creates an event row.
    public init(sequence: Int, frame: Int, timeMs: Int64, kind: String, slot: Int, userID: String, json: String) {
        self.sequence = sequence
        self.frame = frame
        self.timeMs = timeMs
        self.kind = kind
        self.slot = slot
        self.userID = userID
        self.json = json
    }
}
