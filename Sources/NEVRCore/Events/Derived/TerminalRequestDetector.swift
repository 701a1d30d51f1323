/// `RestartRequest` and `PauseRequest`, with the team asking and the player at its
/// terminal (`spark-events.md`).
///
/// - `RestartRequest`: `blue_team_restart_request` / `orange_team_restart_request` goes
///   from 0 to non-zero while the game is `playing` (blue before orange in one frame).
/// - `PauseRequest`: `pause.paused_state` enters `paused`; the team is
///   `pause.paused_requested_team` (`blue`/`orange`, else unspecified and no player).
///
/// The player is the requesting team's member whose hand (either) is nearest the team's
/// terminal, blue at (0, -3.5, -73.46) and orange at (0, -3.5, 73.46); -1 when the team
/// has no player with hand positions.
public struct TerminalRequestDetector: FrameEventDetector {
    /// The teams' terminals, blue then orange.
    public static let terminals = [Vector3(0, -3.5, -73.46), Vector3(0, -3.5, 73.46)]

    /// A request detector (it has no thresholds: the game's request counters say when).
    public init() {}

    /// Forgets every player's state: a new session starts at `baseline` (nothing is reported for it).
    public mutating func reset(baseline: Session, slots: SlotTable) {}

    /// Appends this detector's events between `previous` and `current`, in the order the type's discussion gives.
    public mutating func detect(
        previous: Session, current: Session,
        previousSlots: SlotTable, currentSlots: SlotTable,
        into events: inout [Event]
    ) {
        if current.isPlaying {
            if Self.raised(previous.blueTeamRestartRequest, current.blueTeamRestartRequest) {
                events.append(.derived(.restartRequest(Self.request(team: 0, in: current))))
            }
            if Self.raised(previous.orangeTeamRestartRequest, current.orangeTeamRestartRequest) {
                events.append(.derived(.restartRequest(Self.request(team: 1, in: current))))
            }
        }
        if let before = previous.pause?.pausedState, let now = current.pause?.pausedState, before != now, now == "paused" {
            let team: Int = switch current.pause?.pausedRequestedTeam {
            case "blue": 0
            case "orange": 1
            default: -1
            }
            events.append(.derived(.pauseRequest(team >= 0 ? Self.request(team: team, in: current) : .init(team: .unspecified, slot: -1, distance: 0))))
        }
    }

    @inline(__always)
    static func raised(_ before: Int32?, _ now: Int32?) -> Bool {
        (before ?? 0) == 0 && (now ?? 0) != 0 && before != nil
    }

    static func request(team: Int, in session: Session) -> DerivedEvent.TerminalRequest {
        let terminal = terminals[team]
        var slot: Int32 = -1
        var best = Double.infinity
        if let teams = session.teams, team < teams.count, let players = teams[team].players {
            for player in players {
                guard let s = player.slot else { continue }
                for hand in [player.leftHand?.position, player.rightHand?.position] {
                    guard let h = hand else { continue }
                    let d = h.distance(to: terminal)
                    if d.isFinite && (d < best || (d == best && s < slot)) { best = d; slot = s }
                }
            }
        }
        return .init(team: team == 0 ? .blueTeam : .orangeTeam, slot: slot, distance: slot >= 0 ? best : 0)
    }
}
