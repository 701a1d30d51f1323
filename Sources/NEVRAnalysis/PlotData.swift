import Foundation
import NEVRCore

/// What `nevr plot` draws, gathered from a capture in one pass (``PlotData/read(_:player:round:)``).
public struct PlotData: Sendable {
    /// Top-view samples (x across, z along the arena) of the disc, or of the chosen player.
    public var positions: [(x: Double, z: Double)] = []
    /// Per player (display name, team index): a path of top-view points in the chosen round.
    public var paths: [(name: String, team: Int, points: [(x: Double, z: Double)])] = []
    /// Speed over capture time (s): of the chosen player, else of the disc.
    public var speeds: [(t: Double, speed: Double)] = []
    /// Running total of points per team over capture time: (t, blue, orange).
    public var score: [(t: Double, blue: Int, orange: Int)] = []
    /// Events on the timeline: time, kind, team index (-1 none).
    public var marks: [(t: Double, kind: EventKind, team: Int)] = []
    /// Round starts (time, round number).
    public var rounds: [(t: Double, round: Int)] = []
    /// Seconds from the first to the last game frame.
    public var duration: Double = 0
    /// What the position/speed series follow ("disc" or the player's name).
    public var subject = "disc"

    /// Reads `url`; `player` (display name, case-insensitive) follows one player instead of
    /// the disc; `round` limits positions, paths and speeds to that round (paths default to
    /// round 1). Throws when the player never appears or the round is not in the capture.
    public static func read(_ url: URL, player: String? = nil, round: Int? = nil) throws -> PlotData {
        let capture = try ProcessedCapture(url: url)
        var data = PlotData()
        var start: Int64?
        var currentRound = 1
        var roundsSeen = Set<Int>()
        var blue = 0, orange = 0
        var pathIndex: [UInt64: Int] = [:]
        var frameCount = 0
        let wanted = player?.lowercased()
        var playerSeen = false
        if let player { data.subject = player }
        while let frame = try capture.next() {
            let s = frame.session
            if start == nil {
                start = frame.timestamp.nanosecondsSinceEpoch
                let played = Int((s.blueRoundScore ?? 0) &+ (s.orangeRoundScore ?? 0))
                currentRound = max(1, s.gameStatus == "round_over" || s.gameStatus == "post_match" ? played : played + 1)
                data.rounds.append((0, currentRound))
            }
            frameCount += 1
            let t = Double(frame.timestamp.nanosecondsSinceEpoch - start!) / 1e9
            data.duration = max(data.duration, t)
            for e in frame.events {
                switch e {
                case .roundStarted(let n):
                    currentRound = Int(n)
                    // The capture's first frame already named this round (pre-match): one mark.
                    if data.rounds.count == 1, data.rounds[0].round == Int(n) { data.rounds[0].t = t } else { data.rounds.append((t, Int(n))) }
                case .goalScored(let g):
                    let team = g.team == "blue" ? 0 : (g.team == "orange" ? 1 : -1)
                    let pts = Int(max(0, min(g.pointAmount ?? 0, 10)))
                    if team == 0 { blue += pts } else if team == 1 { orange += pts }
                    data.score.append((t, blue, orange))
                    data.marks.append((t, e.kind, team))
                default:
                    if e.kind == .playerStun || e.kind == .playerSave || e.kind == .joust || e.kind == .turnover || e.kind == .roundPaused {
                        data.marks.append((t, e.kind, Self.team(of: e, in: s)))
                    }
                }
            }
            roundsSeen.insert(currentRound)
            let inRound = round.map { $0 == currentRound } ?? true
            let playing = s.gameStatus == "playing"
            var subjectPosition: Vector3?
            var subjectSpeed: Double?
            if wanted == nil {
                subjectPosition = s.disc?.position
                subjectSpeed = s.disc?.velocity?.length
            }
            let teams = s.teams ?? []
            for team in teams.indices {
                for p in teams[team].players ?? [] {
                    let isWanted = wanted != nil && p.name?.lowercased() == wanted
                    if isWanted {
                        playerSeen = true
                        subjectPosition = p.head?.position ?? p.legacyPose?.position
                        subjectSpeed = p.velocity?.length
                    }
                    guard team < 2, playing, (round ?? 1) == currentRound, let id = p.userID,
                          let pos = p.head?.position ?? p.legacyPose?.position, frameCount % 3 == 0, Self.finite(pos) else { continue }
                    if wanted != nil && !isWanted { continue }
                    if pathIndex[id] == nil {
                        pathIndex[id] = data.paths.count
                        data.paths.append((p.name ?? String(id), team, []))
                    }
                    data.paths[pathIndex[id]!].points.append((pos.x, pos.z))
                }
            }
            if inRound && playing, let pos = subjectPosition, Self.finite(pos) { data.positions.append((pos.x, pos.z)) }
            if inRound, let v = subjectSpeed, v.isFinite, v < 200 { data.speeds.append((t, v)) }
        }
        if frameCount == 0 { throw StatsError("\(url.path): no game frames") }
        if let player, !playerSeen { throw StatsError("\(url.path): no player named \"\(player)\"") }
        if let round, !roundsSeen.contains(round) { throw StatsError("\(url.path): round \(round) is not in this capture (rounds \(roundsSeen.sorted()))") }
        data.score.insert((0, 0, 0), at: 0)
        data.score.append((data.duration, blue, orange))
        return data
    }

    static func finite(_ v: Vector3) -> Bool { v.x.isFinite && v.z.isFinite && abs(v.x) < 1000 && abs(v.z) < 1000 }

    static func team(of event: Event, in session: Session) -> Int {
        guard let slot = event.slot, let teams = session.teams else { return -1 }
        for t in teams.indices where (teams[t].players ?? []).contains(where: { $0.slot == slot }) { return t }
        return -1
    }
}
