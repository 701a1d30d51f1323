import Foundation

/// Renders a ``StatsRun`` as text tables, JSON or CSV (`nevr stats`).
///
/// Scopes: `--by match` (default) gives each match's players and team totals, then every
/// player over all matches; `--by round` adds each round's players and team totals.
/// `players` (display names, case-insensitive) limits the player rows; team totals
/// always cover the whole team.
public struct StatsTable {
    /// Per match only, or per round too.
    public enum Grouping: String, Sendable, CaseIterable { case match, round }

    /// The stats to show.
    public var run: StatsRun
    /// How to group them.
    public var grouping: Grouping
    /// Only these display names (team totals stay whole), `nil` for everyone.
    public var players: Set<String>?

    /// A table of `run`.
    public init(run: StatsRun, grouping: Grouping = .match, players: [String]? = nil) {
        self.run = run
        self.grouping = grouping
        self.players = players.map { Set($0.map { $0.lowercased() }) }
    }

    func keep(_ line: PlayerStatLine) -> Bool { players?.contains(line.name.lowercased()) ?? true }

    /// One row of figures: column name and value text, in output order.
    static func figures(_ l: PlayerStatLine) -> [(String, String)] {
        var out: [(String, String)] = []
        for (i, name) in PlayerStatLine.counterNames.enumerated() { out.append((name, String(l.counters[i]))) }
        out += [
            ("throws", String(l.throwsMade)),
            ("possession_time", fmt(l.possessionTime, 1)), ("play_time", fmt(l.playTime, 1)),
            ("average_speed", fmt(l.averageSpeed, 2)), ("top_speed", fmt(l.topSpeed, 2)),
            ("jousts", String(l.jousts)), ("best_joust", l.bestJoust.map { fmt($0, 2) } ?? ""),
            ("average_joust", l.jousts > 0 ? fmt(l.averageJoust, 2) : ""),
            ("big_boosts", String(l.bigBoosts)), ("playspace_abuses", String(l.playspaceAbuses)),
            ("turnovers", String(l.turnoversLost)), ("turnovers_won", String(l.turnoversWon)),
            ("derived_interceptions", String(l.derivedInterceptions)),
            ("stuns_matched", String(l.stunsMatched)), ("times_stunned", String(l.timesStunned)),
            ("throw_details", String(l.throwDetails)), ("average_throw_speed", l.throwDetails > 0 ? fmt(l.averageThrowSpeed, 2) : ""),
            ("left_hand_throws", String(l.leftHandThrows)),
            ("restart_requests", String(l.restartRequests)), ("pause_requests", String(l.pauseRequests)),
            ("matches", String(l.matches)),
        ]
        return out
    }

    static func fmt(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v.isFinite ? v : 0) }

    static func teamName(_ index: Int) -> String {
        switch index { case 0: "blue"; case 1: "orange"; case 2: "spectator"; default: "none" }
    }

    // MARK: Text

    static let textColumns: [(title: String, key: String)] = [
        ("PTS", "points"), ("G", "goals"), ("A", "assists"), ("SV", "saves"), ("STL", "steals"), ("STN", "stuns"),
        ("BLK", "blocks"), ("PAS", "passes"), ("CAT", "catches"), ("INT", "interceptions"), ("SHT", "shots_taken"),
        ("THR", "throws"), ("POSS", "possession_time"), ("PLAY", "play_time"), ("AVG", "average_speed"), ("TOP", "top_speed"),
        ("JST", "jousts"), ("BST", "big_boosts"), ("PSA", "playspace_abuses"), ("TOV", "turnovers"),
    ]

    func textRows(_ lines: [PlayerStatLine], teams: [PlayerStatLine]?) -> String {
        var s = Self.pad("PLAYER", 20) + Self.pad("TEAM", 8)
        for c in Self.textColumns { s += Self.lpad(c.title, c.key.hasSuffix("time") || c.key.hasSuffix("speed") ? 7 : 5) }
        s += "\n"
        func row(_ l: PlayerStatLine, _ label: String) {
            let f = Dictionary(Self.figures(l), uniquingKeysWith: { a, _ in a })
            s += Self.pad(label, 20) + Self.pad(Self.teamName(l.teamIndex), 8)
            for c in Self.textColumns { s += Self.lpad(f[c.key] ?? "", c.key.hasSuffix("time") || c.key.hasSuffix("speed") ? 7 : 5) }
            s += "\n"
        }
        for l in lines where keep(l) { row(l, l.name) }
        for t in teams ?? [] { row(t, "= " + t.name) }
        return s
    }

    /// Human-readable tables.
    public func text() -> String {
        var s = ""
        for m in run.matches {
            let score = "blue \(Self.fmt(m.points.blue, 0)) : \(Self.fmt(m.points.orange, 0)) orange, rounds \(m.roundScores.blue) : \(m.roundScores.orange)"
            s += "\(m.source)  session \(m.sessionID)  \(m.frames) frames  \(score)\n"
            if grouping == .round {
                for r in m.roundNumbers {
                    let lines = m.players(round: r)
                    s += "round \(r)\n" + textRows(lines, teams: MatchStats.teamTotals(lines))
                }
                s += "match\n"
            }
            let lines = m.players
            s += textRows(lines, teams: MatchStats.teamTotals(lines)) + "\n"
        }
        s += "all matches (\(run.matches.count)), by player\n" + textRows(run.players, teams: nil)
        return s
    }

    // MARK: CSV

    /// One row per scope and player: `source,session_id,round,userid,name,team,<figures>`;
    /// `round` is `all` for whole matches; the all-matches rows have `source` `*`; team
    /// totals have userid 0 and name `team:<colour>`.
    public func csv() -> String {
        let header = ["source", "session_id", "round", "userid", "name", "team"] + Self.figures(PlayerStatLine(userID: 0, name: "", teamIndex: 0)).map(\.0)
        var s = header.joined(separator: ",") + "\n"
        func rows(_ lines: [PlayerStatLine], _ source: String, _ session: String, _ round: String, team: Bool = false) {
            for l in lines where team || keep(l) {
                let name = team ? "team:" + l.name : l.name
                let fields = [source, session, round, String(l.userID), name, Self.teamName(l.teamIndex)] + Self.figures(l).map(\.1)
                s += fields.map(Self.csvField).joined(separator: ",") + "\n"
            }
        }
        for m in run.matches {
            if grouping == .round {
                for r in m.roundNumbers {
                    let lines = m.players(round: r)
                    rows(lines, m.source, m.sessionID, String(r))
                    rows(MatchStats.teamTotals(lines), m.source, m.sessionID, String(r), team: true)
                }
            }
            let lines = m.players
            rows(lines, m.source, m.sessionID, "all")
            rows(MatchStats.teamTotals(lines), m.source, m.sessionID, "all", team: true)
        }
        rows(run.players, "*", "*", "all")
        return s
    }

    static func csvField(_ v: String) -> String {
        guard v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return v }
        return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: JSON

    /// One JSON object: `{"matches":[{"source","session_id","frames","points","round_scores",
    /// "rounds":[{"round","players","teams"}] (with --by round),"players","teams"}],"players":[...],"files":[...]}`.
    public func json() -> String {
        func line(_ l: PlayerStatLine) -> [String: Any] {
            var d: [String: Any] = ["userid": String(l.userID), "name": l.name, "team": Self.teamName(l.teamIndex)]
            for (k, v) in Self.figures(l) {
                if v.isEmpty { continue }
                if let i = Int(v) { d[k] = i } else if let x = Double(v) { d[k] = x } else { d[k] = v }
            }
            return d
        }
        var matches: [[String: Any]] = []
        for m in run.matches {
            let lines = m.players
            var d: [String: Any] = [
                "source": m.source, "session_id": m.sessionID, "frames": m.frames,
                "points": [m.points.blue, m.points.orange], "round_scores": [m.roundScores.blue, m.roundScores.orange],
                "players": lines.filter(keep).map(line), "teams": MatchStats.teamTotals(lines).map(line),
            ]
            if grouping == .round {
                d["rounds"] = m.roundNumbers.map { r -> [String: Any] in
                    let lines = m.players(round: r)
                    return ["round": r, "players": lines.filter(keep).map(line), "teams": MatchStats.teamTotals(lines).map(line)]
                }
            }
            matches.append(d)
        }
        let files: [[String: Any]] = run.files.map { f in
            var d: [String: Any] = ["path": f.path, "frames": f.frames, "skipped": f.skipped]
            if !f.problems.isEmpty { d["problems"] = f.problems }
            if let failure = f.failure { d["failure"] = failure }
            return d
        }
        let root: [String: Any] = ["matches": matches, "players": run.players.filter(keep).map(line), "files": files]
        let data = (try? JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func pad(_ s: String, _ w: Int) -> String { s.count >= w ? String(s.prefix(w - 1)) + " " : s + String(repeating: " ", count: w - s.count) }
    static func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? " " + s : String(repeating: " ", count: w - s.count) + s }
}
