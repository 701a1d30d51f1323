import NEVRCore

/// A deterministic simulated private arena match, sampled like a recorder polling `/session`.
///
/// The match runs on an internal 60 Hz tick whatever the sampling ``SimulationOptions/rate``:
/// a lower rate shows the same match less often (short states such as `score` may fall
/// between samples), a higher one repeats frames as the game does when polled faster than
/// it runs. Each frame carries the ground truth that became visible in it.
///
/// ```swift
/// var sim = MatchSimulator(options: SimulationOptions(seed: 7, duration: 90, rate: 30))
/// while let f = sim.next() {
///     for e in f.truth { print(e.jsonLine) }
/// }
/// ```
public struct MatchSimulator: Sequence, IteratorProtocol, Sendable {
    /// The internal tick rate of the underlying match (Hz).
    public static let tickRate = MatchPlan.tickRate

    /// What is simulated (seed, duration, rate, players, bones).
    public let options: SimulationOptions
    /// Frames this simulator yields in total.
    public let frameCount: Int
    /// Wall-clock instant of frame 0.
    public let startTime: Timestamp
    var engine: MatchEngine
    var index = 0
    var previousHolder = -1
    var previousScores: [Int32] = []
    var previousTick = 0

    /// Creates a simulator; invalid options (see ``SimulationOptions/problem``) are clamped
    /// into range so that this never fails. Check `problem` first to report them.
    public init(options: SimulationOptions) {
        var o = options
        if !(o.duration >= SimulationOptions.minimumDuration) || !o.duration.isFinite { o.duration = SimulationOptions.minimumDuration }
        o.duration = Swift.min(o.duration, 6 * 3600)
        if !(o.rate > 0) || !o.rate.isFinite { o.rate = 60 }
        o.rate = Swift.min(o.rate, 10_000)
        o.players = Swift.min(Swift.max(o.players, SimulationOptions.playerRange.lowerBound), SimulationOptions.playerRange.upperBound)
        self.options = o
        frameCount = o.frameCount
        engine = MatchEngine(options: o)
        if let t = o.startTime {
            startTime = t
        } else {
            // A Saturday evening in November 2021, shifted by the seed.
            let base = Timestamp(.init(year: 2021, month: 11, day: 20, hour: 20))
            startTime = Timestamp(nanosecondsSinceEpoch: base.nanosecondsSinceEpoch + Int64(o.seed % 86_400) * 1_000_000_000)
        }
    }

    /// The session GUID of the simulated match.
    public var sessionID: String { engine.sessionID }

    /// The internal tick shown by sampled frame `i`.
    func tick(forFrame i: Int) -> Int {
        Int((Double(i) * Double(MatchPlan.tickRate) / options.rate + 1e-9).rounded(.down))
    }

    /// The next sampled frame with its ground truth; `nil` after ``frameCount`` frames.
    public mutating func next() -> SimulatedFrame? {
        guard index < frameCount else { return nil }
        let target = tick(forFrame: index)
        while engine.tick < target { engine.step() }
        let session = engine.session()
        let scores = [engine.points[0], engine.points[1], engine.roundScores[0], engine.roundScores[1]]
        let holder = engine.disc.holder
        var truth: [TruthEvent] = []
        if index == 0 {
            engine.pending.removeAll()  // the first frame is a baseline
        } else {
            truth = engine.pending
            engine.pending.removeAll(keepingCapacity: true)
            // State-based truth compares what the two sampled frames show.
            if holder != previousHolder {
                let now = holder >= 0 ? engine.people[holder].slot : -1
                let before = previousHolder >= 0 ? engine.people[previousHolder].slot : -1
                truth.append(TruthEvent(frameIndex: index, kind: .discPossessionChanged, slots: [now, before]))
                if holder >= 0 {
                    truth.append(TruthEvent(frameIndex: index, kind: .discCaught, slots: [now]))
                } else if let r = engine.lastRelease, r.isThrow, r.person == previousHolder, r.tick > previousTick {
                    truth.append(TruthEvent(frameIndex: index, kind: .discThrown, slots: [before]))
                }
            }
            if scores != previousScores {
                truth.append(TruthEvent(frameIndex: index, kind: .scoreboardUpdated, slots: [], scores: scores))
            }
            for k in truth.indices { truth[k].frameIndex = index }
            truth.sort(by: TruthEvent.frameOrder)
        }
        previousHolder = holder
        previousScores = scores
        previousTick = engine.tick
        let ns = Int64((Double(index) * 1e9 / options.rate).rounded())
        let frame = SimulatedFrame(
            index: index, timestamp: Timestamp(nanosecondsSinceEpoch: startTime.nanosecondsSinceEpoch + ns),
            session: session, bones: options.bones ? SkeletonPose.bones(engine) : nil, truth: truth)
        index += 1
        return frame
    }
}
