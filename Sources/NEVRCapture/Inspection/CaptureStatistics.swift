import NEVRCore

/// A player seen in a capture: the team it was listed under, its slot and name.
public struct SeenPlayer: Hashable, Sendable, Comparable {
    /// Index in `teams` (0 blue, 1 orange, 2 spectators).
    public var teamIndex: Int
    /// The team's `team` name as the frame spells it, if any.
    public var teamName: String?
    /// The player's `playerid`, if the frame has it.
    public var slot: Int32?
    /// The player's display name, if the frame has it.
    public var name: String?
    /// The player's `userid`, if the frame has it.
    public var userID: UInt64?

    /// A player as seen in one frame.
    public init(teamIndex: Int, teamName: String?, slot: Int32?, name: String?, userID: UInt64?) {
        self.teamIndex = teamIndex
        self.teamName = teamName
        self.slot = slot
        self.name = name
        self.userID = userID
    }

    /// `blue`, `orange`, `spectators` (the team's role by its position).
    public var teamRole: String {
        switch teamIndex {
        case 0: return "blue"
        case 1: return "orange"
        case 2: return "spectators"
        default: return "team \(teamIndex)"
        }
    }

    /// Orders by team, then slot, then name (the order `nevr inspect` lists players in).
    public static func < (a: SeenPlayer, b: SeenPlayer) -> Bool {
        (a.teamIndex, a.slot ?? -1, a.name ?? "") < (b.teamIndex, b.slot ?? -1, b.name ?? "")
    }
}

/// Facts about a capture gathered frame by frame (`nevr inspect`): counts, time span,
/// session ids and players. Fed by any format's reader; memory grows only with the
/// number of distinct sessions and players.
public struct CaptureStatistics: Sendable {
    /// Frames read (game frames, error objects and unreadable JSON).
    public private(set) var frames = 0
    /// Game frames (events.md rule 6: `teams` present and no non-zero `err_code`).
    public private(set) var gameFrames = 0
    /// Frames that parsed but are not game frames and not error objects: no `teams` (a lobby
    /// answer, `{"err_code":0}`); they are not counted as game frames and their session ids
    /// are not listed (events.md rules 6 and 10).
    public private(set) var framesWithoutTeams = 0
    /// Frames holding the game's error object (`err_code` != 0, e.g. -6 between matches).
    public private(set) var errorFrames = 0
    /// Frames whose session JSON could not be parsed.
    public private(set) var unreadableFrames = 0
    /// The first few unreadable frames with the parser's reason (line number or frame index).
    public private(set) var unreadable: [SkippedLine] = []
    /// Frames that carried a `/player_bones` body.
    public private(set) var framesWithBones = 0
    /// Timestamp of the first frame read.
    public private(set) var firstTimestamp: Timestamp?
    /// Timestamp of the last frame read.
    public private(set) var lastTimestamp: Timestamp?
    /// Frames whose timestamp is earlier than the frame before (kept as recorded).
    public private(set) var framesOutOfOrder = 0
    /// Session ids in order of first appearance.
    public private(set) var sessionIDs: [String] = []
    private var sessionSet: Set<String> = []
    private var playerSet: Set<SeenPlayer> = []

    /// Empty statistics; feed them frames.
    public init() {}

    /// Players seen, sorted by team, slot and name.
    public var players: [SeenPlayer] { playerSet.sorted() }

    /// `lastTimestamp - firstTimestamp` in seconds (0 for fewer than two frames).
    public var durationSeconds: Double {
        guard let a = firstTimestamp, let b = lastTimestamp else { return 0 }
        return Double(b.nanosecondsSinceEpoch - a.nanosecondsSinceEpoch) / 1e9
    }

    /// Adds a frame whose session parsed.
    public mutating func add(timestamp: Timestamp, session: Session, hasBones: Bool) {
        count(timestamp, hasBones)
        guard session.isGameFrame else {
            if let code = session.errCode, code != 0 { errorFrames += 1 } else { framesWithoutTeams += 1 }
            return
        }
        gameFrames += 1
        if let id = session.sessionID, !CaptureStatistics.isPlaceholderSessionID(id), sessionSet.insert(id).inserted {
            sessionIDs.append(id)
        }
        for (teamIndex, team) in (session.teams ?? []).enumerated() {
            for player in team.players ?? [] {
                playerSet.insert(SeenPlayer(teamIndex: teamIndex, teamName: team.name, slot: player.slot,
                                            name: player.name, userID: player.userID))
            }
        }
    }

    /// Adds a frame whose session did not parse: error objects count as error frames,
    /// anything else as unreadable with `reason` (position is a line number or frame index).
    public mutating func add(timestamp: Timestamp, error: GameJSONError, hasBones: Bool, position: Int, keep: Int = 20) {
        count(timestamp, hasBones)
        if error.isNotAGameFrame {
            errorFrames += 1
        } else {
            unreadableFrames += 1
            if unreadable.count < keep { unreadable.append(SkippedLine(lineNumber: position, reason: error.description)) }
        }
    }

    /// Empty, or only zeros and dashes (`00000000-0000-0000-0000-000000000000`, what the game
    /// reports outside a match): not a match.
    public static func isPlaceholderSessionID(_ id: String) -> Bool {
        id.utf8.allSatisfy { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "-") }
    }

    private mutating func count(_ timestamp: Timestamp, _ hasBones: Bool) {
        frames += 1
        if hasBones { framesWithBones += 1 }
        if let last = lastTimestamp, timestamp < last { framesOutOfOrder += 1 }
        if firstTimestamp == nil { firstTimestamp = timestamp }
        lastTimestamp = timestamp
    }
}
