import NEVRCore

/// Precision and recall of the event detectors against the simulator's ground truth
/// (events.md, "Accuracy is measured, not assumed").
///
/// A detected event matches a truth event of the same kind with the same slots
/// (``TruthEvent`` slot conventions) whose frame is at most `tolerance` frames away;
/// each truth event matches at most one detection. Stat events must be exact: same
/// frame and same running total.
///
/// ```swift
/// let report = EventAccuracy.run(options: SimulationOptions(seed: 1, rate: 30))
/// for (kind, score) in report.scores { print(kind.name, score.precision, score.recall) }
/// ```
public enum EventAccuracy {
    /// One event reduced to what is compared.
    public struct Observation: Hashable, Sendable {
        /// Frame index (0-based) the event belongs to.
        public var frameIndex: Int
        /// The event kind.
        public var kind: EventKind
        /// Slots by the ``TruthEvent`` conventions (acting player first).
        public var slots: [Int32]
        /// Running total of stat events (compared exactly); `nil` otherwise.
        public var total: Int32?
        /// The payload that must agree too (``EventAccuracy/payload(_:)``): round number,
        /// winner, goal points/type/team, scores, teams; `nil` for kinds without one.
        public var payload: String?

        /// An observation from its parts.
        public init(frameIndex: Int, kind: EventKind, slots: [Int32], total: Int32? = nil, payload: String? = nil) {
            self.frameIndex = frameIndex
            self.kind = kind
            self.slots = slots
            self.total = total
            self.payload = payload
        }

        /// The compared form of a truth event.
        public init(_ truth: TruthEvent) {
            self.init(frameIndex: truth.frameIndex, kind: truth.kind, slots: truth.slots,
                      total: EventAccuracy.isStat(truth.kind) ? truth.total : nil, payload: EventAccuracy.payload(truth))
        }

        /// A detected event in `session` (used to turn goal names into slots).
        public init(_ event: Event, frameIndex: Int, session: Session) {
            var total: Int32?
            let slots: [Int32]
            switch event {
            case .discPossessionChanged(let now, let before): slots = [now, before]
            case .playerSteal(let slot, let t, let victim): slots = [slot, victim]; total = t
            case .goalScored(let score):
                let scorer = EventAccuracy.slot(named: score.personScored, in: session)
                let assister = EventAccuracy.slot(named: score.assistScored, in: session)
                slots = scorer.map { s in assister.map { [s, $0] } ?? [s] } ?? []
            case .playerGoal(let slot, let t, _): slots = [slot]; total = t
            case .playerSave(let slot, let t), .playerStun(let slot, let t), .playerPass(let slot, let t),
                 .playerBlock(let slot, let t), .playerInterception(let slot, let t), .playerAssist(let slot, let t),
                 .playerShotTaken(let slot, let t):
                slots = [slot]; total = t
            case .derived(.stun(let st)): slots = [st.slot, st.victimSlot]
            case .derived(.turnover(let p)), .derived(.interception(let p)): slots = [p.slot, p.previousSlot]
            case .derived(.restartRequest(let r)), .derived(.pauseRequest(let r)): slots = [r.slot]
            default: slots = event.slot.map { [$0] } ?? []
            }
            self.init(frameIndex: frameIndex, kind: event.kind, slots: slots, total: total, payload: EventAccuracy.payload(event))
        }
    }

    /// How far from its truth event a detection may come, for kinds reported later than
    /// they happen (``EventAccuracy/windows(rate:detection:tolerance:)``).
    public struct MatchWindow: Hashable, Sendable {
        /// Allowed (detected frame - truth frame).
        public var range: ClosedRange<Int>
        /// Count that offset in frames of running play (playing, clock moved since the
        /// previous frame) rather than in frames: the detector's samples.
        public var inPlayFrames: Bool

        /// A window of `range` frames (or frames of running play when `inPlayFrames`).
        public init(range: ClosedRange<Int>, inPlayFrames: Bool = false) {
            self.range = range
            self.inPlayFrames = inPlayFrames
        }
    }

    /// Counts for one kind.
    public struct Score: Hashable, Sendable {
        /// Truth events of this kind.
        public var truth = 0
        /// Detected events of this kind.
        public var detected = 0
        /// Detections matched with a truth event.
        public var matched = 0

        /// No events.
        public init() {}

        /// Matched / detected (1 when nothing was detected).
        public var precision: Double { detected == 0 ? 1 : Double(matched) / Double(detected) }
        /// Matched / truth (1 when there was nothing to find).
        public var recall: Double { truth == 0 ? 1 : Double(matched) / Double(truth) }

        /// The counts of two runs added up.
        public static func + (a: Score, b: Score) -> Score {
            var s = Score()
            s.truth = a.truth + b.truth
            s.detected = a.detected + b.detected
            s.matched = a.matched + b.matched
            return s
        }
    }

    /// The player counter kinds, which must match exactly.
    public static func isStat(_ kind: EventKind) -> Bool { kind.rawValue >= 41 && kind.rawValue <= 57 }

    /// Scores per kind for `detected` against `truth`; `tolerance` frames either way
    /// for non-stat events, 0 for stat events, and for the kinds in `windows` the window
    /// given there (`playFrames[i]`: frames of running play up to frame `i`, for windows
    /// counted in them). Unmatched observations are returned too.
    public static func compare(
        truth: [Observation], detected: [Observation], tolerance: Int,
        windows: [EventKind: MatchWindow] = [:], playFrames: [Int] = []
    ) -> (scores: [EventKind: Score], missed: [Observation], spurious: [Observation]) {
        func offset(_ d: Observation, _ t: Observation, _ w: MatchWindow?) -> Int {
            if let w, w.inPlayFrames, playFrames.indices.contains(d.frameIndex), playFrames.indices.contains(t.frameIndex) {
                return playFrames[d.frameIndex] - playFrames[t.frameIndex]
            }
            return d.frameIndex - t.frameIndex
        }
        struct Key: Hashable { var kind: EventKind; var slots: [Int32]; var total: Int32?; var payload: String? }
        var truthByKey: [Key: [Observation]] = [:]
        for t in truth { truthByKey[Key(kind: t.kind, slots: t.slots, total: t.total, payload: t.payload), default: []].append(t) }
        var used: [Key: [Bool]] = truthByKey.mapValues { Array(repeating: false, count: $0.count) }
        var scores: [EventKind: Score] = [:]
        var spurious: [Observation] = []
        for t in truth { scores[t.kind, default: Score()].truth += 1 }
        for d in detected.sorted(by: { $0.frameIndex < $1.frameIndex }) {
            scores[d.kind, default: Score()].detected += 1
            let key = Key(kind: d.kind, slots: d.slots, total: d.total, payload: d.payload)
            let special = windows[d.kind]
            let window = special?.range ?? (isStat(d.kind) ? 0...0 : -tolerance...tolerance)
            guard let candidates = truthByKey[key] else { spurious.append(d); continue }
            // The nearest unused truth event within the window.
            var best: Int?
            for (i, c) in candidates.enumerated() where !used[key]![i] && window.contains(offset(d, c, special)) {
                if best == nil || abs(c.frameIndex - d.frameIndex) < abs(candidates[best!].frameIndex - d.frameIndex) { best = i }
            }
            if let best {
                used[key]![best] = true
                scores[d.kind]!.matched += 1
            } else {
                spurious.append(d)
            }
        }
        var missed: [Observation] = []
        for (key, list) in truthByKey {
            for (i, t) in list.enumerated() where !used[key]![i] { missed.append(t) }
        }
        missed.sort { ($0.frameIndex, $0.kind) < ($1.frameIndex, $1.kind) }
        return (scores, missed, spurious)
    }

    /// The result of one simulated capture.
    public struct Report: Sendable {
        /// What was simulated.
        public var options: SimulationOptions
        /// Frames sampled.
        public var frames: Int
        /// Counts per kind.
        public var scores: [EventKind: Score]
        /// Truth events no detection matched.
        public var missed: [Observation]
        /// Detections that matched no truth event.
        public var spurious: [Observation]
        /// Stat invariant violations: (slot, userid, counter) where events != last - first.
        public var invariantViolations: [String]
        /// Counter rises the invariant covered (shows the check was not vacuous).
        public var checkedIncrements: Int
    }

    /// Simulates one capture, runs a ``FrameProcessor`` over its sessions, and compares
    /// with the simulator's truth.
    public static func run(
        options: SimulationOptions, detection: EventDetectionOptions = .init(), tolerance: Int = 2
    ) -> Report {
        var simulator = MatchSimulator(options: options)
        var processor = FrameProcessor(options: detection)
        var matcher = Matcher(rate: options.rate, detection: detection, tolerance: tolerance)
        var counters = StatInvariant()
        while let simulated = simulator.next() {
            let frame = processor.process(session: simulated.session, bones: nil, timestamp: simulated.timestamp)
            matcher.add(simulated, detected: frame.events)
            counters.observe(frame)
        }
        let result = matcher.result()
        return Report(options: options, frames: matcher.frames, scores: result.scores, missed: result.missed,
                      spurious: result.spurious, invariantViolations: counters.violations(),
                      checkedIncrements: counters.checkedIncrements)
    }

    /// Match windows of the kinds whose report does not come with the occurrence:
    ///
    /// - `big_boost`: the truth is the instant the engine has slowed the player to walking
    ///   pace; Spark's rule reports the boost when the mean of the last samples (the
    ///   detection's smoothing count) falls below 10 m/s, up to that many samples later,
    ///   counted in frames of running play (a goal or a pause in between adds frames
    ///   the rule does not sample).
    /// - `playspace_abuse`: the truth instant assumes the playspace point sat on the head
    ///   when the walk began; the point's earlier error (integrating sampled velocities
    ///   through turns and wall bounces) moves the crossing by up to 0.1 s either way.
    public static func windows(rate: Double, detection: EventDetectionOptions, tolerance: Int) -> [EventKind: MatchWindow] {
        let smoothing = min(max(detection.derived.bigBoostSmoothingSamples, 0), 100_000)
        let playspace = max(tolerance, Int((min(max(rate, 0), 10_000) * 0.1).rounded(.up)))
        return [.bigBoost: MatchWindow(range: -tolerance...(smoothing + 1 + tolerance), inPlayFrames: true),
                .playspaceAbuse: MatchWindow(range: -playspace...playspace)]
    }

    /// The compared payload of a truth event, spelled like ``payload(_:)-(Event)`` spells a
    /// detected one (teams as indices: 0 blue, 1 orange, -1 none).
    public static func payload(_ t: TruthEvent) -> String? {
        switch t.kind {
        case .roundStarted: return "round=\(t.round ?? 0)"
        case .roundEnded: return "round=\(t.round ?? 0) winner=\(t.team ?? -1)"
        case .matchEnded: return "winner=\(t.team ?? -1)"
        case .goalScored: return "team=\(t.team ?? -1) points=\(t.points ?? 0) type=\(t.goalType ?? "")"
        case .playerGoal: return "points=\(t.points ?? 0)"
        case .scoreboardUpdated: return "scores=" + (t.scores ?? []).map(String.init).joined(separator: ",")
        // RoundUnpaused carries the pause object of the frame that shows `unpaused`, where the
        // game has already cleared `unpaused_team`: no team to compare.
        case .roundPaused, .playerJoined, .restartRequest, .pauseRequest: return "team=\(t.team ?? -1)"
        case .playerSwitchedTeam: return "team=\(t.team ?? -1) from=\(t.previousTeam ?? -1)"
        case .joust: return "team=\(t.team ?? -1)"
        case .bigBoost: return "speed=\(wholeSpeed(t.speed ?? 0))"
        default: return nil
        }
    }

    /// A speed rounded to whole m/s (the engine's boost speeds are whole; the reported
    /// 99th percentile sits on the game's 1/1000 grid around them).
    static func wholeSpeed(_ v: Double) -> Int { v.isFinite ? Int(min(max(v, -1e6), 1e6).rounded()) : -1 }

    /// The compared payload of a detected event (see ``payload(_:)-(TruthEvent)``).
    public static func payload(_ e: Event) -> String? {
        func team(_ r: Role) -> Int32 { r == .blueTeam ? 0 : (r == .orangeTeam ? 1 : (r == .spectator ? 2 : -1)) }
        func team(_ name: String?) -> Int32 { name == "blue" ? 0 : (name == "orange" ? 1 : -1) }
        switch e {
        case .roundStarted(let n): return "round=\(n)"
        case .roundEnded(let n, let w): return "round=\(n) winner=\(team(w))"
        case .matchEnded(let w): return "winner=\(team(w))"
        case .goalScored(let s): return "team=\(team(s.team)) points=\(s.pointAmount ?? 0) type=\(s.goalType ?? "")"
        case .playerGoal(_, _, let points): return "points=\(points)"
        case .scoreboardUpdated(let s):
            return "scores=\(s.bluePoints),\(s.orangePoints),\(s.blueRoundScore),\(s.orangeRoundScore)"
        case .roundPaused(let p): return "team=\(team(p.pausedRequestedTeam))"
        case .playerJoined(_, let r): return "team=\(team(r))"
        case .playerSwitchedTeam(_, let new, let old): return "team=\(team(new)) from=\(team(old))"
        case .derived(.restartRequest(let r)), .derived(.pauseRequest(let r)): return "team=\(team(r.team))"
        case .derived(.joust(let j)): return "team=\(team(j.team))"
        case .derived(.bigBoost(let b)): return "speed=\(wholeSpeed(b.speed))"
        default: return nil
        }
    }

    static func slot(named name: String?, in session: Session) -> Int32? {
        guard let name, name != "[INVALID]", !name.isEmpty else { return nil }
        var found: Int32?
        session.forEachPlayer { _, p in if found == nil && p.name == name { found = p.slot } }
        return found
    }
}

/// Checks events.md's stat invariant over a capture: for every player (slot, userid)
/// and counter, the number of stat events equals the last value minus the first.
/// A player's presence is split into runs where the detector compares consecutive
/// frames: a run ends when the player is absent from a game frame or a counter falls
/// (both re-baseline), and the expectation is the sum over runs of last - first.
public struct StatInvariant: Sendable {
    private struct PlayerKey: Hashable { var slot: Int32; var userID: UInt64? }
    private struct Run { var first: [Int32]; var last: [Int32]; var lastFrame: Int }
    private var runs: [PlayerKey: Run] = [:]
    private var expected: [PlayerKey: [Int]] = [:]
    private var counted: [PlayerKey: [Int]] = [:]
    private var gameFrames = 0

    /// The checked counters, in the order of ``violations()``'s text.
    public static let counterNames = ["goals", "saves", "stuns", "passes", "steals", "blocks", "interceptions", "assists", "shots_taken"]

    /// An empty check.
    public init() {}

    /// Takes one processed frame (frames that are not game frames are ignored).
    public mutating func observe(_ frame: Frame) {
        guard frame.session.isGameFrame else { return }
        gameFrames += 1
        let now = gameFrames
        frame.session.forEachPlayer { _, p in
            guard let slot = p.slot, let s = p.stats else { return }
            let key = PlayerKey(slot: slot, userID: p.userID)
            let values = [s.goals, s.saves, s.stuns, s.passes, s.steals, s.blocks, s.interceptions, s.assists, s.shotsTaken].map { $0 ?? 0 }
            if var run = runs[key], run.lastFrame == now - 1, !zip(run.last, values).contains(where: { $1 < $0 }) {
                run.last = values
                run.lastFrame = now
                runs[key] = run
            } else {
                if let old = runs[key] { close(key, old) }
                runs[key] = Run(first: values, last: values, lastFrame: now)
            }
        }
        for event in frame.events {
            let index: Int? = switch event.kind {
            case .playerGoal: 0
            case .playerSave: 1
            case .playerStun: 2
            case .playerPass: 3
            case .playerSteal: 4
            case .playerBlock: 5
            case .playerInterception: 6
            case .playerAssist: 7
            case .playerShotTaken: 8
            default: nil
            }
            guard let index, let slot = event.slot else { continue }
            let userID = frame.session.player(slotNumber: slot)?.userID
            counted[PlayerKey(slot: slot, userID: userID), default: Array(repeating: 0, count: 9)][index] += 1
        }
    }

    private mutating func close(_ key: PlayerKey, _ run: Run) {
        var e = expected[key] ?? Array(repeating: 0, count: 9)
        for i in 0..<9 { e[i] += Int(run.last[i] - run.first[i]) }
        expected[key] = e
    }

    /// Human-readable violations; empty when the invariant holds.
    public func violations() -> [String] {
        var copy = self
        for (key, run) in runs { copy.close(key, run) }
        var out: [String] = []
        for key in Set(copy.expected.keys).union(copy.counted.keys) {
            let want = copy.expected[key] ?? Array(repeating: 0, count: 9)
            let got = copy.counted[key] ?? Array(repeating: 0, count: 9)
            for i in 0..<9 where got[i] != want[i] {
                out.append("slot \(key.slot) user \(key.userID.map(String.init) ?? "-") \(Self.counterNames[i]): \(got[i]) events, expected \(want[i])")
            }
        }
        return out.sorted()
    }

    /// Total counter rises covered (for reporting that the check was not vacuous).
    public var checkedIncrements: Int {
        var copy = self
        for (key, run) in runs { copy.close(key, run) }
        return copy.expected.values.reduce(0) { $0 + $1.reduce(0, +) }
    }
}

extension Session {
    /// The player whose `playerid` is `slotNumber`.
    func player(slotNumber: Int32) -> Player? {
        var found: Player?
        forEachPlayer { _, p in if found == nil && p.slot == slotNumber { found = p } }
        return found
    }
}
