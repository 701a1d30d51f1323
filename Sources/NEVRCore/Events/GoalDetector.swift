/// `GoalScored`, once per goal.
///
/// A goal shows up as up to three signals, not always in the same frame and not
/// always all of them (a 10 Hz capture can skip the short `score` state):
/// `game_status` enters `score`; a team's points rise; `last_score` changes to a real
/// goal (not `[NO GOAL]`, not team `none`, not 0 points). The first signal opens a
/// goal window; further signals of another kind while the window is open belong to
/// the same goal. The window stays open while the status is `score` and for a few
/// frames after it opened; a second signal of a kind already seen starts a new goal.
///
/// The payload is `last_score` from the first frame that shows the new goal, which
/// can trail the status by a frame: when the window opens without a new `last_score`
/// the event is reported in the frame where `last_score` changes, at most
/// ``EventDetectionOptions/goalScoreTrailFrames`` frames later (then with the
/// `last_score` of that frame). Without a `last_score` key the goal is reported at once
/// with an empty payload.
public struct GoalDetector: FrameEventDetector {
    /// Frames to wait for `last_score` after a goal's first signal; ``EventDetectionOptions/goalScoreTrailFrames``.
    public var trailFrames: Int
    private var windowOpen = false
    private var framesSinceOpen = 0
    private var sawStatus = false
    private var sawPoints = false
    private var sawLastScore = false
    /// Signalled but not reported yet (waiting for `last_score`).
    private var pending = false

    /// A detector waiting at most `trailFrames` frames (negative counts as 0) for `last_score`.
    public init(trailFrames: Int = EventDetectionOptions().goalScoreTrailFrames) {
        self.trailFrames = max(0, trailFrames)
    }

    /// Starts a session; a baseline inside a goal's `score` window owns that goal.
    public mutating func reset(baseline: Session, slots: SlotTable) {
        pending = false
        framesSinceOpen = 0
        sawLastScore = false
        // A capture starting inside a goal's `score` window: the goal belongs to the
        // baseline, so a trailing `last_score` update must not report it.
        windowOpen = baseline.gameStatus == "score"
        sawStatus = windowOpen
        sawPoints = windowOpen
    }

    /// Appends a `GoalScored` for each goal this frame completes (a pending goal, then a new one).
    public mutating func detect(
        previous: Session, current: Session,
        previousSlots: SlotTable, currentSlots: SlotTable,
        into events: inout [Event]
    ) {
        let inScore = current.gameStatus == "score"
        let statusSignal = inScore && previous.gameStatus != nil && previous.gameStatus != "score"
        let pointsSignal = Self.rose(previous.bluePoints, current.bluePoints) || Self.rose(previous.orangePoints, current.orangePoints)
        var scoreSignal = false
        if let before = previous.lastScore, let now = current.lastScore, before != now, Self.isRealGoal(now) {
            scoreSignal = true
        }

        if windowOpen {
            framesSinceOpen += 1
            let stillFresh = inScore || framesSinceOpen <= trailFrames + 2
            let repeated = (statusSignal && sawStatus) || (pointsSignal && sawPoints) || (scoreSignal && sawLastScore)
            if !stillFresh || repeated {
                if pending { events.append(.goalScored(previous.lastScore ?? LastScore())) }
                windowOpen = false
                pending = false
            }
        }

        if statusSignal || pointsSignal || scoreSignal {
            if !windowOpen {
                windowOpen = true
                framesSinceOpen = 0
                sawStatus = false
                sawPoints = false
                sawLastScore = false
                pending = true
            }
            sawStatus = sawStatus || statusSignal
            sawPoints = sawPoints || pointsSignal
            sawLastScore = sawLastScore || scoreSignal
        }

        guard windowOpen && pending else { return }
        if scoreSignal || current.lastScore == nil || framesSinceOpen >= trailFrames {
            events.append(.goalScored(current.lastScore ?? LastScore()))
            pending = false
        }
    }

    @inline(__always)
    static func rose(_ before: Double?, _ now: Double?) -> Bool {
        guard let before, let now else { return false }
        return now > before
    }

    /// `last_score` describes a goal (not the `[NO GOAL]` / `[INVALID]` placeholder).
    static func isRealGoal(_ s: LastScore) -> Bool {
        if s.goalType == "[NO GOAL]" { return false }
        if s.team == "none" { return false }
        if let points = s.pointAmount, points <= 0 { return false }
        return true
    }
}
