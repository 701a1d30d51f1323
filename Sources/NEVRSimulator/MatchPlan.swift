/// The timeline of one simulated match, in internal ticks, chosen so that the whole match
/// (pre-match, every round, the pause, post-match) fits inside the requested duration.
struct MatchPlan: Sendable {
    static let tickRate = 60
    static let scoreSeconds = 3.0

    var rounds: Int
    /// Playing time (the round clock's start value) in ticks.
    var roundClockTicks: Int
    var preMatchTicks: Int
    var roundStartTicks: Int
    var roundOverTicks: Int
    var scoreTicks: Int
    var pauseRequestTicks: Int
    var pausedTicks: Int
    var unpausingTicks: Int
    /// The round (0-based) in which the pause happens.
    var pauseRound: Int
    /// Spare seconds that goals may use (each goal stops the clock for ``scoreSeconds``).
    var slackSeconds: Double
    /// Total playing seconds over all rounds, for scheduling roster changes.
    var totalPlayingSeconds: Double

    init(duration: Double) {
        let hz = Double(MatchPlan.tickRate)
        func ticks(_ s: Double) -> Int { Int((s * hz).rounded()) }
        let pre = min(max(duration * 0.04, 2), 10)
        let start = 3.0, over = 4.0, postMin = 4.0
        let pauseParts = (1.5, 5.0, 3.0)
        let pauseTotal = pauseParts.0 + pauseParts.1 + pauseParts.2
        var r = duration >= 90 ? 3 : (duration >= 50 ? 2 : 1)
        let slack = duration * 0.15
        func playing(_ r: Int) -> Double {
            (duration - pre - Double(r) * start - Double(r - 1) * over - pauseTotal - postMin - slack) / Double(r)
        }
        // Rounds of at most five minutes, as the game's private matches.
        while playing(r) > 300 { r += 2 }
        let l = playing(r)
        rounds = r
        roundClockTicks = max(ticks(l), ticks(5))
        preMatchTicks = ticks(pre)
        roundStartTicks = ticks(start)
        roundOverTicks = ticks(over)
        scoreTicks = ticks(MatchPlan.scoreSeconds)
        pauseRequestTicks = ticks(pauseParts.0)
        pausedTicks = ticks(pauseParts.1)
        unpausingTicks = ticks(pauseParts.2)
        pauseRound = r >= 2 ? 1 : 0
        slackSeconds = slack
        totalPlayingSeconds = Double(roundClockTicks * r) / hz
    }
}
