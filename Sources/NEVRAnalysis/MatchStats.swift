import NEVRCore

/// The figures of one match (one `sessionid` of one capture): per round and in total,
/// per player and per team.
public struct MatchStats: Sendable {
    /// The capture the match was read from.
    public var source: String
    /// The match's `sessionid`.
    public var sessionID: String
    /// Game frames of this match in the capture.
    public var frames = 0
    /// Final scores as last seen: points this round and round scores, blue then orange.
    public var points: (blue: Double, orange: Double) = (0, 0)
    /// Round scores (blue, orange) as last seen.
    public var roundScores: (blue: Int32, orange: Int32) = (0, 0)
    /// Per round (by round number), every player seen in it, by userid.
    public var rounds: [Int: [UInt64: PlayerStatLine]] = [:]

    /// An empty match.
    public init(source: String, sessionID: String) {
        self.source = source
        self.sessionID = sessionID
    }

    /// The round numbers seen, ascending.
    public var roundNumbers: [Int] { rounds.keys.sorted() }

    /// Every player over the whole match (rounds added up), sorted by team, then points (desc), then name.
    public var players: [PlayerStatLine] {
        var all: [UInt64: PlayerStatLine] = [:]
        for r in roundNumbers {
            for (id, line) in rounds[r]! {
                if var existing = all[id] {
                    let matches = existing.matches
                    existing.add(line)
                    existing.matches = matches
                    all[id] = existing
                } else {
                    all[id] = line
                }
            }
        }
        return MatchStats.sorted(Array(all.values))
    }

    /// The players of round `round`, sorted like ``players``.
    public func players(round: Int) -> [PlayerStatLine] {
        MatchStats.sorted(Array((rounds[round] ?? [:]).values))
    }

    /// Team totals (index 0 blue, 1 orange) of `lines`; userid 0, named after the team.
    public static func teamTotals(_ lines: [PlayerStatLine]) -> [PlayerStatLine] {
        var blue = PlayerStatLine(userID: 0, name: "blue", teamIndex: 0)
        var orange = PlayerStatLine(userID: 0, name: "orange", teamIndex: 1)
        for line in lines {
            if line.teamIndex == 0 { blue.add(line) } else if line.teamIndex == 1 { orange.add(line) }
        }
        blue.name = "blue"; blue.teamIndex = 0; blue.userID = 0
        orange.name = "orange"; orange.teamIndex = 1; orange.userID = 0
        return [blue, orange]
    }

    static func sorted(_ lines: [PlayerStatLine]) -> [PlayerStatLine] {
        lines.sorted {
            if $0.teamIndex != $1.teamIndex { return $0.teamIndex < $1.teamIndex }
            if $0.counters[0] != $1.counters[0] { return $0.counters[0] > $1.counters[0] }
            if $0.name != $1.name { return $0.name < $1.name }
            return $0.userID < $1.userID
        }
    }
}
