import NEVRCore
import NEVRSimulator
import XCTest

/// The detectors against the simulator's ground truth.
final class EventAccuracyTests: XCTestCase {
    /// events.md: for every player and counter, stat events == last value - first value.
    func testStatEventsEqualCounterDifferencesOverSimulatedMatches() {
        for (seed, rate) in [(UInt64(1), 60.0), (2, 30), (3, 10)] {
            let report = EventAccuracy.run(options: SimulationOptions(seed: seed, duration: 240, rate: rate, players: 10))
            XCTAssertEqual(report.invariantViolations, [], "seed \(seed) at \(rate) Hz")
            XCTAssertGreaterThan(report.checkedIncrements, 20, "seed \(seed): the match must exercise the counters")
            for kind in EventKind.allCases where EventAccuracy.isStat(kind) {
                let score = report.scores[kind] ?? .init()
                XCTAssertEqual(score.matched, score.truth, "\(kind.name) seed \(seed) at \(rate) Hz: recall must be exact")
                XCTAssertEqual(score.matched, score.detected, "\(kind.name) seed \(seed) at \(rate) Hz: precision must be exact")
            }
        }
    }

    func testTwoRunsOverTheSameSimulatedMatchGiveIdenticalEvents() {
        func events() -> [String] {
            var simulator = MatchSimulator(options: SimulationOptions(seed: 7, duration: 60, rate: 30, players: 8))
            var processor = FrameProcessor()
            var lines: [String] = []
            while let f = simulator.next() {
                let frame = processor.process(session: f.session, bones: nil, timestamp: f.timestamp)
                lines += frame.events.map { EventJSON.line(for: $0, frameIndex: frame.index, timestamp: frame.timestamp) }
            }
            return lines
        }
        let first = events()
        XCTAssertFalse(first.isEmpty)
        XCTAssertEqual(first, events())
    }

    func testCompareMatchesKindSlotsAndFrameWithinTolerance() {
        typealias O = EventAccuracy.Observation
        let truth = [O(frameIndex: 10, kind: .discCaught, slots: [3]), O(frameIndex: 20, kind: .discCaught, slots: [3]),
                     O(frameIndex: 30, kind: .playerSave, slots: [1], total: 2)]
        let detected = [O(frameIndex: 11, kind: .discCaught, slots: [3]),      // within 2 frames: match
                        O(frameIndex: 25, kind: .discCaught, slots: [3]),      // too far: spurious, truth 20 missed
                        O(frameIndex: 31, kind: .playerSave, slots: [1], total: 2)]   // stats must be exact: spurious
        let result = EventAccuracy.compare(truth: truth, detected: detected, tolerance: 2)
        XCTAssertEqual(result.scores[.discCaught]?.matched, 1)
        XCTAssertEqual(result.scores[.discCaught]?.precision, 0.5)
        XCTAssertEqual(result.scores[.discCaught]?.recall, 0.5)
        XCTAssertEqual(result.scores[.playerSave]?.matched, 0)
        XCTAssertEqual(result.missed.map(\.frameIndex), [20, 30])
        XCTAssertEqual(result.spurious.map(\.frameIndex), [25, 31])
    }
}
