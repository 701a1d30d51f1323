import NEVRCore

/// Spark's JSON (and one HTML) documents of the overlay HTTP server, computed from the state.
extension OverlayState {
    /// `GET /stats`: `{teams: [blue, orange], joust_events, goals}`; each team
    /// `{vrml_team_name, vrml_team_logo, team_name, team_logo, players: [MatchPlayer]}`.
    /// Covers ``rounds``: the current round and up to ``Limits/previousRounds`` earlier rounds
    /// of the match, players summed per team, goals and jousts of every one of those rounds.
    public func sparkStats(teamNames: TeamNames = .init()) -> SparkJSON {
        let id = sessionID ?? ""
        let time = matchTime
        var teams: [SparkJSON] = []
        for t in 0..<2 {
            let gameName = frame?.session.teams.flatMap { $0.indices.contains(t) ? $0[t].name : nil } ?? ""
            let name = (t == 0 ? teamNames.blue : teamNames.orange) ?? gameName
            teams.append(.object([
                ("vrml_team_name", .string("")),
                ("vrml_team_logo", .string("")),
                ("team_name", .string(name)),
                ("team_logo", .string("")),
                ("players", .array(players.filter { $0.teamIndex == t }.map { $0.sparkDictionary(sessionID: id, matchTime: time) })),
            ]))
        }
        return .object([("teams", .array(teams)), ("joust_events", .array(jousts)), ("goals", .array(goals))])
    }

    /// `GET /overlay_info`: `{stats, visibility, caster_prefs, session}`; `session` is the raw
    /// last frame while in a match, `null` otherwise.
    public func sparkOverlayInfo(configuration: OverlayConfiguration) -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: #"{"stats":"#.utf8)
        sparkStats(teamNames: configuration.teamNames).append(to: &out)
        out.append(contentsOf: #","visibility":"#.utf8)
        configuration.visibilityJSON.append(to: &out)
        out.append(contentsOf: #","caster_prefs":"#.utf8)
        configuration.casterPrefsJSON.append(to: &out)
        out.append(contentsOf: #","session":"#.utf8)
        if let s = sessionJSON, !s.isEmpty { out.append(contentsOf: Self.trimmedJSON(s)) } else { out.append(contentsOf: "null".utf8) }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `GET /disc_positions`: `[{x,y,z}]`, every 5th `playing` frame of the current match.
    public func sparkDiscPositions() -> SparkJSON {
        .array(discPositions.map { .object([("x", .double($0.x)), ("y", .double($0.y)), ("z", .double($0.z))]) })
    }

    /// `GET /get_disc_speed`: `{speed}`, the disc's speed in m/s (0 when not in a match).
    public func sparkDiscSpeed() -> SparkJSON {
        let v = sessionJSON == nil ? 0 : (frame?.session.disc?.velocity?.length ?? 0)
        return .object([("speed", .double(v.isFinite ? v : 0))])
    }

    /// `GET /get_player_speed`: `{speed}` of the recording client's player (`client_name`),
    /// or of the player named by `name`; 0 when no such player is in the frame.
    public func sparkPlayerSpeed(name: String? = nil) -> SparkJSON {
        var speed = 0.0
        if sessionJSON != nil, let session = frame?.session, let wanted = name ?? session.clientName {
            session.forEachPlayer { _, p in
                if p.name == wanted, let v = p.velocity { speed = v.length }
            }
        }
        return .object([("speed", .double(speed.isFinite ? speed : 0))])
    }

    /// `GET /scoreboard`: Spark's plain HTML table (name, points, assists, saves, stuns) per team.
    public func sparkScoreboardHTML() -> String {
        var html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Scoreboard</title>"
        html += "<style>body{font-family:sans-serif;background:transparent;color:#fff}table{border-collapse:collapse;margin:8px}"
        html += "td,th{padding:2px 10px;text-align:right}td:first-child,th:first-child{text-align:left}"
        html += ".blue th{color:#5ab4ff}.orange th{color:#ffa040}</style></head><body>"
        for t in 0..<2 {
            html += "<table class=\"\(SparkTeam.color(t))\"><tr><th>name</th><th>points</th><th>assists</th><th>saves</th><th>stuns</th></tr>"
            for p in players where p.teamIndex == t {
                let s = p.roundStats
                html += "<tr><td>\(Self.escapeHTML(p.name))</td><td>\(s.points ?? 0)</td><td>\(s.assists ?? 0)</td>"
                html += "<td>\(s.saves ?? 0)</td><td>\(s.stuns ?? 0)</td></tr>"
            }
            html += "</table>"
        }
        return html + "</body></html>"
    }

    /// Without the trailing NUL or whitespace old game builds appended (the embedding must stay JSON).
    static func trimmedJSON(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        var end = bytes.endIndex
        while end > 0, [0x00, 0x20, 0x0A, 0x0D, 0x09].contains(bytes[end - 1]) { end -= 1 }
        return bytes[..<end]
    }

    static func escapeHTML(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}

/// Team names set by the caster (Spark's `set_team_name`); `nil` keeps the game's.
public struct TeamNames: Sendable, Equatable {
    /// The blue team's name, or `nil` for the game's.
    public var blue: String?
    /// The orange team's name, or `nil` for the game's.
    public var orange: String?
    /// Names; `nil` keeps the game's.
    public init(blue: String? = nil, orange: String? = nil) {
        self.blue = blue
        self.orange = orange
    }
}
