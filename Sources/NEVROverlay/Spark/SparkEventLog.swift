import NEVRCore

/// The one-line text of Spark's `event_log` messages (`{"message": ...}`), in words.
public enum SparkEventLog {
    /// A sentence for `event`, with players named as the frame shows them.
    public static func message(for event: Event, in session: Session) -> String {
        func name(_ slot: Int32) -> String {
            var found = "slot \(slot)"
            session.forEachPlayer { _, p in if p.slot == slot, let n = p.name { found = n } }
            return found
        }
        switch event {
        case .roundStarted(let n): return "Round \(n) started"
        case .roundPaused: return "Game paused"
        case .roundUnpaused: return "Game unpaused"
        case .roundEnded(let n, let winner): return "Round \(n) ended" + winnerText(winner)
        case .matchEnded(let winner): return "Match ended" + winnerText(winner)
        case .scoreboardUpdated(let s):
            return "Score: blue \(s.bluePoints) - \(s.orangePoints) orange (rounds \(s.blueRoundScore)-\(s.orangeRoundScore))"
        case .playerJoined(let p, let role): return "\(p.name ?? "A player") joined \(teamText(role))"
        case .playerLeft(_, let n): return "\(n) left"
        case .playerSwitchedTeam(let slot, let new, _): return "\(name(slot)) switched to \(teamText(new))"
        case .emotePlayed(let slot, _): return "\(name(slot)) emoted"
        case .discPossessionChanged(let slot, _): return slot < 0 ? "Disc is free" : "\(name(slot)) has the disc"
        case .discThrown(let slot, _): return "\(name(slot)) threw the disc"
        case .discCaught(let slot): return "\(name(slot)) caught the disc"
        case .goalScored(let s):
            var text = "\(s.personScored ?? "?") scored \(s.pointAmount ?? 0) points for \(s.team ?? "?")"
            if let a = s.assistScored, a != "[INVALID]", !a.isEmpty { text += " (assist \(a))" }
            return text
        case .playerGoal(let slot, let total, _): return "\(name(slot)) goal #\(total)"
        case .playerSave(let slot, _): return "\(name(slot)) saved a shot"
        case .playerStun(let slot, _): return "\(name(slot)) stunned a player"
        case .playerPass(let slot, _): return "\(name(slot)) passed"
        case .playerSteal(let slot, _, _): return "\(name(slot)) stole the disc"
        case .playerBlock(let slot, _): return "\(name(slot)) blocked"
        case .playerInterception(let slot, _): return "\(name(slot)) intercepted"
        case .playerAssist(let slot, _): return "\(name(slot)) assisted"
        case .playerShotTaken(let slot, _): return "\(name(slot)) took a shot"
        case .generic(let type, _, _): return type
        default: return event.kind.name.replacingOccurrences(of: "_", with: " ")
        }
    }

    private static func winnerText(_ role: Role) -> String {
        switch role {
        case .blueTeam: ": blue wins"
        case .orangeTeam: ": orange wins"
        default: ""
        }
    }

    private static func teamText(_ role: Role) -> String {
        switch role {
        case .blueTeam: "blue"
        case .orangeTeam: "orange"
        case .spectator: "the spectators"
        default: "the lobby"
        }
    }
}
