/// The detector set: turns a stream of game frames into events (events.md).
///
/// Feed every frame of one capture, in order, to one `EventDetector`:
///
/// ```swift
/// var detector = EventDetector()
/// for session in sessions {
///     for event in detector.detect(session) { print(event.kind.name) }
/// }
/// ```
///
/// Ground rules it enforces for all detectors:
/// - The first game frame, and the first after `sessionid` changes, is a silent
///   baseline: every detector restarts from it and nothing is reported.
/// - Frames that are not game frames (``Session/isGameFrame``: an `err_code` != 0 or no
///   `teams`) change no state and yield nothing; the next game frame is compared with
///   the last game frame.
/// - Every change is reported in the frame where it happened (no per-frame limit and
///   no queue), except that a goal waits for its `last_score` at most
///   ``EventDetectionOptions/goalScoreTrailFrames`` frames (see ``GoalDetector``).
/// - Deterministic order: game-state events (``GameStateDetector``,
///   ``ScoreboardDetector``), then player events (``PlayerPresenceDetector``,
///   ``EmoteDetector``, merged by slot), disc (``DiscDetector``), goal
///   (``GoalDetector``), stat events (``StatsDetector``, by slot), then the derived
///   Spark-style events (``DerivedEventDetectors``, in their documented order).
///
/// Steady state allocates nothing: per-slot state lives in reused fixed-size tables,
/// and the returned array is allocated only when there are events.
///
/// A value type; not thread-safe. Use one detector per stream.
public struct EventDetector: Sendable {
    /// The thresholds this detector was made with.
    public let options: EventDetectionOptions

    private var gameState = GameStateDetector()
    private var scoreboard = ScoreboardDetector()
    private var presence = PlayerPresenceDetector()
    private var emote = EmoteDetector()
    private var disc: DiscDetector
    private var goal: GoalDetector
    private var stats = StatsDetector()
    private var derived: DerivedEventDetectors

    /// The last game frame (meaningful once ``hasBaseline``). Kept non-optional so
    /// detectors borrow it in place instead of copying an unwrapped value per frame.
    private var previous = Session()
    /// True once a game frame has been seen (later frames are compared with it).
    public private(set) var hasBaseline = false
    private var previousSlots = SlotTable()
    private var currentSlots = SlotTable()

    /// A detector with no baseline yet: the first game frame it sees reports nothing.
    public init(options: EventDetectionOptions = .init()) {
        self.options = options
        disc = DiscDetector(minimumThrowSpeed: options.discThrownMinimumSpeed)
        goal = GoalDetector(trailFrames: options.goalScoreTrailFrames)
        derived = DerivedEventDetectors(thresholds: options.derived)
    }

    /// Forgets the last frame: the next game frame is a baseline again.
    public mutating func reset() {
        hasBaseline = false
        previous = Session()
    }

    /// The events between the last game frame and `current`, in the documented order.
    /// Empty for a baseline, a non-game frame, or a frame without changes.
    public mutating func detect(_ current: Session) -> [Event] {
        guard current.isGameFrame else { return [] }
        guard hasBaseline, previous.sessionID == current.sessionID else {
            baseline(current)
            return []
        }
        // The table built for the last frame becomes the previous one; reuse the other buffer.
        swap(&previousSlots, &currentSlots)
        currentSlots.rebuild(from: current)

        var events: [Event] = []
        gameState.detect(previous: previous, current: current, previousSlots: previousSlots, currentSlots: currentSlots, into: &events)
        scoreboard.detect(previous: previous, current: current, previousSlots: previousSlots, currentSlots: currentSlots, into: &events)
        let playerStart = events.count
        presence.detect(previous: previous, current: current, previousSlots: previousSlots, currentSlots: currentSlots, into: &events)
        let emoteStart = events.count
        emote.detect(previous: previous, current: current, previousSlots: previousSlots, currentSlots: currentSlots, into: &events)
        if emoteStart > playerStart && events.count > emoteStart {
            Self.stableSortBySlot(&events, playerStart..<events.count)
        }
        disc.detect(previous: previous, current: current, previousSlots: previousSlots, currentSlots: currentSlots, into: &events)
        goal.detect(previous: previous, current: current, previousSlots: previousSlots, currentSlots: currentSlots, into: &events)
        stats.detect(previous: previous, current: current, previousSlots: previousSlots, currentSlots: currentSlots, into: &events)
        derived.detect(previous: previous, current: current, previousSlots: previousSlots, currentSlots: currentSlots, into: &events)

        self.previous = current
        return events
    }

    private mutating func baseline(_ session: Session) {
        previous = session
        hasBaseline = true
        currentSlots.rebuild(from: session)
        gameState.reset(baseline: session, slots: currentSlots)
        scoreboard.reset(baseline: session, slots: currentSlots)
        presence.reset(baseline: session, slots: currentSlots)
        emote.reset(baseline: session, slots: currentSlots)
        disc.reset(baseline: session, slots: currentSlots)
        goal.reset(baseline: session, slots: currentSlots)
        stats.reset(baseline: session, slots: currentSlots)
        derived.reset(baseline: session, slots: currentSlots)
    }

    /// Insertion sort (stable, in place, no allocation) of a short run of player events by slot.
    static func stableSortBySlot(_ events: inout [Event], _ range: Range<Int>) {
        var i = range.lowerBound + 1
        while i < range.upperBound {
            let e = events[i]
            let key = e.slot ?? Int32.min
            var j = i
            while j > range.lowerBound && (events[j - 1].slot ?? Int32.min) > key {
                events[j] = events[j - 1]
                j -= 1
            }
            events[j] = e
            i += 1
        }
    }
}

extension Event {
    /// The slot of the player the event is about (`player_slot`; a joined player's
    /// `slot_number`; the new holder for a possession change), `nil` for events about
    /// no single player.
    public var slot: Int32? {
        switch self {
        case .playerJoined(let player, _): player.slot
        case .playerLeft(let slot, _), .playerSwitchedTeam(let slot, _, _), .emotePlayed(let slot, _),
             .discPossessionChanged(let slot, _), .discThrown(let slot, _), .discCaught(let slot),
             .playerGoal(let slot, _, _), .playerSave(let slot, _), .playerStun(let slot, _),
             .playerPass(let slot, _), .playerSteal(let slot, _, _), .playerBlock(let slot, _),
             .playerInterception(let slot, _), .playerAssist(let slot, _), .playerShotTaken(let slot, _):
            slot
        case .derived(let d): d.slot
        default: nil
        }
    }
}
