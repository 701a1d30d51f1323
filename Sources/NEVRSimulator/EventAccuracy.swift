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
        /// Index of the sampled frame (0-based, as ``TruthEvent/frameIndex``).
        public var frameIndex: Int
        /// The event kind; only observations of the same kind can match.
        public var kind: EventKind
        /// Player slots involved, acting player first: `[now, before]` for a possession change,
        /// `[thief, victim]` for a steal, `[scorer, assister]` (or `[scorer]`) for a goal.
        public var slots: [Int32]
        /// Running total of stat events (compared exactly); `nil` otherwise.
        public var total: Int32?

        /// An observation from its parts; pass `total` only for stat events.
        public init(frameIndex: Int, kind: EventKind, slots: [Int32], total: Int32? = nil) {
            self.frameIndex = frameIndex
            self.kind = kind
            self.slots = slots
            self.total = total
        }

        /// The simulator's truth event reduced to what is compared (its `total` kept for stat events only).
        public init(_ truth: TruthEvent) {
            self.init(frameIndex: truth.frameIndex, kind: truth.kind, slots: truth.slots,
                      total: EventAccuracy.isStat(truth.kind) ? truth.total : nil)
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
            default: slots = event.slot.map { [$0] } ?? []
            }
            self.init(frameIndex: frameIndex, kind: event.kind, slots: slots, total: total)
        }
    }

    /// Counts for one kind.
    public struct Score: Hashable, Sendable {
        /// Truth events of this kind.
        public var truth = 0
        /// Detected events of this kind.
        public var detected = 0
        /// Detections paired with a truth event (each truth event pairs at most once).
        public var matched = 0

        /// All counts zero.
        public init() {}

        /// Matched / detected (1 when nothing was detected).
        public var precision: Double { detected == 0 ? 1 : Double(matched) / Double(detected) }
        /// Matched / truth (1 when there was nothing to find).
        public var recall: Double { truth == 0 ? 1 : Double(matched) / Double(truth) }

        /// The counts of both added (to sum kinds or runs).
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
    /// for non-stat events, 0 for stat events. Unmatched observations are returned too.
    public static func compare(
        truth: [Observation], detected: [Observation], tolerance: Int
    ) -> (scores: [EventKind: Score], missed: [Observation], spurious: [Observation]) {
        struct Key: Hashable { var kind: EventKind; var slots: [Int32]; var total: Int32? }
        var truthByKey: [Key: [Observation]] = [:]
        for t in truth { truthByKey[Key(kind: t.kind, slots: t.slots, total: t.total), default: []].append(t) }
        var used: [Key: [Bool]] = truthByKey.mapValues { Array(repeating: false, count: $0.count) }
        var scores: [EventKind: Score] = [:]
        var spurious: [Observation] = []
        for t in truth { scores[t.kind, default: Score()].truth += 1 }
        for d in detected.sorted(by: { $0.frameIndex < $1.frameIndex }) {
            scores[d.kind, default: Score()].detected += 1
            let key = Key(kind: d.kind, slots: d.slots, total: d.total)
            let window = isStat(d.kind) ? 0 : tolerance
            guard let candidates = truthByKey[key] else { spurious.append(d); continue }
            // The nearest unused truth event within the window.
            var best: Int?
            for (i, c) in candidates.enumerated() where !used[key]![i] && abs(c.frameIndex - d.frameIndex) <= window {
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
        /// The simulation that was run (seed, rate, ...).
        public var options: SimulationOptions
        /// Frames the simulator produced.
        public var frames: Int
        /// Counts per event kind that occurred in the truth or in the detections.
        public var scores: [EventKind: Score]
        /// Truth events no detection matched, by frame.
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
        var truth: [Observation] = []
        var detected: [Observation] = []
        var counters = StatInvariant()
        var frames = 0
        while let simulated = simulator.next() {
            frames += 1
            truth.append(contentsOf: simulated.truth.map(Observation.init))
            let frame = processor.process(session: simulated.session, bones: nil, timestamp: simulated.timestamp)
            for event in frame.events {
                detected.append(Observation(event, frameIndex: simulated.index, session: simulated.session))
            }
            counters.observe(frame)
        }
        let result = compare(truth: truth, detected: detected, tolerance: tolerance)
        return Report(options: options, frames: frames, scores: result.scores, missed: result.missed,
                      spurious: result.spurious, invariantViolations: counters.violations(),
                      checkedIncrements: counters.checkedIncrements)
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

    /// The nine counters checked, as `stats` keys, in the order violations are counted (`possession_time`,
    /// `points` and `catches` have no counter events).
    public static let counterNames = ["goals", "saves", "stuns", "passes", "steals", "blocks", "interceptions", "assists", "shots_taken"]

    /// An invariant that has seen no frame.
    public init() {}

    /// Takes one processed frame (frames in capture order); frames that are not game frames are skipped.
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
