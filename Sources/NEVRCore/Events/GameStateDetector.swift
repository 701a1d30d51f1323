/// Rounds, pauses and the end of the match, from `game_status` and `pause`.
///
/// Emits, in this order (the `.nevrcap` id order): `RoundStarted`, `RoundPaused`,
/// `RoundUnpaused`, `RoundEnded`, `MatchEnded`.
///
/// - `RoundStarted`: `game_status` enters `round_start`, or enters `playing` straight
///   from `pre_match`, `round_over` or `""` (a capture that skipped `round_start`).
///   Never after a goal (`score` -> `playing` or `round_start`) or an unpause. Round number = blue +
///   orange round scores + 1.
/// - `RoundEnded`: enters `round_over`, or enters `post_match` from a playing state.
///   Round number = the round that was in progress (previous frame's round scores
///   + 1); winner = more points now, else the team whose round score rose, else
///   unspecified.
/// - `MatchEnded`: enters `post_match`, once per session. Winner by round scores
///   when `total_round_count` > 1, else by points.
/// - `RoundPaused`: `pause.paused_state` enters `paused`. `RoundUnpaused`: it goes
///   from `paused`/`unpausing` to `unpaused` or `none`.
///
/// Without `game_status` the round rules are off; without `pause` the pause rules are.
public struct GameStateDetector: FrameEventDetector {
    private var matchEnded = false

    /// A detector for a session whose match has not ended.
    public init() {}

    /// Starts a session; a baseline already in `post_match` does not report the end again.
    public mutating func reset(baseline: Session, slots: SlotTable) {
        // A capture that starts after the match ended must not report that end again.
        matchEnded = baseline.gameStatus == "post_match"
    }

    /// Appends round started, paused, unpaused, round ended and match ended, in that order.
    public mutating func detect(
        previous: Session, current: Session,
        previousSlots: SlotTable, currentSlots: SlotTable,
        into events: inout [Event]
    ) {
        let before = previous.gameStatus
        let now = current.gameStatus
        let statusChanged = before != nil && now != nil && before != now

        if statusChanged, let now, let before {
            if (now == "round_start" && before != "score") || (now == "playing" && Self.startsRoundWhenSkipped(before)) {
                events.append(.roundStarted(roundNumber: Self.roundsPlayed(current) &+ 1))
            }
        }

        if let pauseBefore = previous.pause?.pausedState, let pause = current.pause, let pauseNow = pause.pausedState,
           pauseBefore != pauseNow {
            if pauseNow == "paused" {
                events.append(.roundPaused(pause))
            } else if (pauseBefore == "paused" || pauseBefore == "unpausing") && (pauseNow == "unpaused" || pauseNow == "none") {
                events.append(.roundUnpaused(pause))
            }
        }

        guard statusChanged, let now, let before else { return }
        if now == "round_over" || (now == "post_match" && Self.isPlaying(before)) {
            events.append(.roundEnded(roundNumber: Self.roundsPlayed(previous) &+ 1,
                                      winningTeam: Self.roundWinner(previous: previous, current: current)))
        }
        if now == "post_match" && !matchEnded {
            matchEnded = true
            events.append(.matchEnded(winningTeam: Self.matchWinner(current)))
        }
    }

    /// States from which `playing` means a new round whose `round_start` the capture missed.
    static func startsRoundWhenSkipped(_ status: String) -> Bool {
        status == "pre_match" || status == "round_over" || status.isEmpty
    }

    /// States in which a round is under way.
    static func isPlaying(_ status: String) -> Bool {
        switch status {
        case "round_start", "playing", "score", "pre_sudden_death", "sudden_death", "post_sudden_death": true
        default: false
        }
    }

    static func roundsPlayed(_ s: Session) -> Int32 {
        (s.blueRoundScore ?? 0) &+ (s.orangeRoundScore ?? 0)
    }

    static func roundWinner(previous: Session, current: Session) -> Role {
        if let blue = current.bluePoints, let orange = current.orangePoints, blue != orange {
            return blue > orange ? .blueTeam : .orangeTeam
        }
        let blueRose = (current.blueRoundScore ?? 0) > (previous.blueRoundScore ?? 0)
        let orangeRose = (current.orangeRoundScore ?? 0) > (previous.orangeRoundScore ?? 0)
        if blueRose != orangeRose { return blueRose ? .blueTeam : .orangeTeam }
        return .unspecified
    }

    static func matchWinner(_ s: Session) -> Role {
        let blue: Double, orange: Double
        if (s.totalRoundCount ?? 1) > 1, let b = s.blueRoundScore, let o = s.orangeRoundScore {
            blue = Double(b)
            orange = Double(o)
        } else if let b = s.bluePoints, let o = s.orangePoints {
            blue = b
            orange = o
        } else {
            return .unspecified
        }
        if blue == orange { return .unspecified }
        return blue > orange ? .blueTeam : .orangeTeam
    }
}
