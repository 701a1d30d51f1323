/// `BigBoost`: a player moving faster than a threshold for about a second
/// (Spark's `MatchPlayer`, `spark-events.md`).
///
/// While the game is `playing` and its clock runs, every present player's |velocity| is
/// kept in a ring of ``DerivedEventThresholds/bigBoostWindowSamples`` samples (with the
/// game clock of each). The smoothed speed is the mean of the
/// ``DerivedEventThresholds/bigBoostSmoothingSamples`` samples before the newest. A boost
/// starts when the smoothed speed exceeds ``DerivedEventThresholds/bigBoostStartSpeed``
/// (with more than ``DerivedEventThresholds/bigBoostMinimumSamples`` samples) and ends
/// when it falls below ``DerivedEventThresholds/bigBoostEndSpeed``; it is reported then,
/// with the 99th-percentile speed of the window and how many game seconds ago the
/// sample at that percentile was taken.
///
/// Sample counts are Spark's, which polls at 30 Hz; at other rates the window covers a
/// different time. State is per (slot, userid) in fixed rings (slots 0..<16); nothing is
/// allocated per frame except the sort when a boost is reported.
public struct BigBoostDetector: FrameEventDetector {
    /// The thresholds this detector was made with (Spark's defaults unless changed).
    public let thresholds: DerivedEventThresholds
    private let capacity: Int
    private let smoothing: Int
    private var owners = SlotOwners()
    /// Ring per slot: `capacity` speeds then `capacity` clocks, slot-major.
    private var speeds: [Double]
    private var clocks: [Double]
    private var counts: [Int]
    private var heads: [Int]
    private var boosting: [Bool]
    private var scratch: [(Double, Double)] = []

    /// A detector using `thresholds` (Spark's defaults unless given).
    public init(thresholds: DerivedEventThresholds = .init()) {
        self.thresholds = thresholds
        capacity = min(max(thresholds.bigBoostWindowSamples, 2), 100_000)
        smoothing = min(max(thresholds.bigBoostSmoothingSamples, 1), capacity - 1)
        speeds = Array(repeating: 0, count: capacity * SlotOwners.count)
        clocks = Array(repeating: 0, count: capacity * SlotOwners.count)
        counts = Array(repeating: 0, count: SlotOwners.count)
        heads = Array(repeating: 0, count: SlotOwners.count)
        boosting = Array(repeating: false, count: SlotOwners.count)
        scratch.reserveCapacity(capacity)
    }

    /// Forgets every player's state: a new session starts at `baseline` (nothing is reported for it).
    public mutating func reset(baseline: Session, slots: SlotTable) {
        owners.reset()
        for i in 0..<SlotOwners.count { clear(i) }
    }

    private mutating func clear(_ i: Int) {
        counts[i] = 0
        heads[i] = 0
        boosting[i] = false
    }

    /// Appends this detector's events between `previous` and `current`, in the order the type's discussion gives.
    public mutating func detect(
        previous: Session, current: Session,
        previousSlots: SlotTable, currentSlots: SlotTable,
        into events: inout [Event]
    ) {
        guard current.isPlaying, let step = current.clockStep(since: previous), step != 0, let clock = current.gameClock else { return }
        let teams = current.teams!
        for t in teams.indices where t < 2 {
            guard let players = teams[t].players else { continue }
            for p in players.indices {
                let player = players[p]
                guard let slot = player.slot, let v = player.velocity else { continue }
                let entry = SlotTable.Entry(slot: slot, teamIndex: Int32(t), playerIndex: Int32(p), userID: player.userID)
                guard let (i, isNew) = owners.claim(entry) else { continue }
                if isNew { clear(i) }
                let speed = v.length
                push(i, speed.isFinite ? speed : 0, clock)
                guard counts[i] > smoothing else { continue }
                let smoothed = smoothedSpeed(i)
                if !boosting[i] {
                    if counts[i] > thresholds.bigBoostMinimumSamples && smoothed > thresholds.bigBoostStartSpeed { boosting[i] = true }
                } else if smoothed < thresholds.bigBoostEndSpeed {
                    boosting[i] = false
                    let (top, at) = percentile(i)
                    events.append(.derived(.bigBoost(.init(slot: slot, speed: top, secondsAgo: max(0, at - clock)))))
                }
            }
        }
    }

    @inline(__always)
    private mutating func push(_ i: Int, _ speed: Double, _ clock: Double) {
        let base = i * capacity
        speeds[base + heads[i]] = speed
        clocks[base + heads[i]] = clock
        heads[i] = (heads[i] + 1) % capacity
        counts[i] = min(counts[i] + 1, capacity)
    }

    /// Mean of the `smoothing` samples before the newest.
    private func smoothedSpeed(_ i: Int) -> Double {
        let base = i * capacity
        var sum = 0.0
        var k = heads[i] - 2  // heads[i] - 1 is the newest
        for _ in 0..<smoothing {
            if k < 0 { k += capacity }
            sum += speeds[base + k]
            k -= 1
        }
        return sum / Double(smoothing)
    }

    /// The percentile speed of the window and the clock of that sample.
    private mutating func percentile(_ i: Int) -> (Double, Double) {
        let base = i * capacity
        let n = counts[i]
        scratch.removeAll(keepingCapacity: true)
        var k = heads[i] - n
        if k < 0 { k += capacity }
        for _ in 0..<n {
            scratch.append((speeds[base + k], clocks[base + k]))
            k = (k + 1) % capacity
        }
        scratch.sort { $0.0 < $1.0 }
        let rank = Int((thresholds.bigBoostPercentile * Double(n - 1)).rounded())
        return scratch[min(max(rank, 0), n - 1)]
    }
}
