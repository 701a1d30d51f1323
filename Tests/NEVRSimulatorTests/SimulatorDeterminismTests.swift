import XCTest
import NEVRCore
@testable import NEVRSimulator

final class SimulatorDeterminismTests: XCTestCase {
    func testSameSeedGivesIdenticalFramesAndTruth() {
        let options = SimulationOptions(seed: 42, duration: 40, rate: 30, players: 8, bones: true)
        var a = MatchSimulator(options: options)
        var b = MatchSimulator(options: options)
        var n = 0
        while let fa = a.next() {
            guard let fb = b.next() else { return XCTFail("second run ended early at \(n)") }
            XCTAssertEqual(fa, fb, "frame \(n) differs")
            n += 1
        }
        XCTAssertNil(b.next())
        XCTAssertEqual(n, 1200)
    }

    func testDifferentSeedsGiveDifferentMatches() {
        var a = MatchSimulator(options: SimulationOptions(seed: 1, duration: 40, rate: 10))
        var b = MatchSimulator(options: SimulationOptions(seed: 2, duration: 40, rate: 10))
        XCTAssertNotEqual(a.sessionID, b.sessionID)
        var differing = 0
        while let fa = a.next(), let fb = b.next() {
            if fa.session != fb.session { differing += 1 }
        }
        XCTAssertGreaterThan(differing, 390)
    }

    func testBonesDoNotChangeTheMatch() {
        var plain = MatchSimulator(options: SimulationOptions(seed: 5, duration: 30, rate: 20))
        var boned = MatchSimulator(options: SimulationOptions(seed: 5, duration: 30, rate: 20, bones: true))
        while let f = plain.next() {
            let g = boned.next()!
            XCTAssertEqual(f.session, g.session)
            XCTAssertEqual(f.truth, g.truth)
            XCTAssertNil(f.bones)
            let bones = try! XCTUnwrap(g.bones?.userBones)
            XCTAssertEqual(bones.count, f.session.playerCount)
            for b in bones {
                XCTAssertEqual(b.translations?.count, 69)
                XCTAssertEqual(b.orientations?.count, 92)
            }
        }
    }

    func testFrameCountAndTimestampsFollowRate() {
        let sim = SimulationRun(SimulationOptions(seed: 3, duration: 30, rate: 7.5))
        XCTAssertEqual(sim.frames.count, 225)
        for (i, f) in sim.frames.enumerated() {
            XCTAssertEqual(f.index, i)
            let expected = sim.frames[0].timestamp.nanosecondsSinceEpoch + Int64((Double(i) * 1e9 / 7.5).rounded())
            XCTAssertEqual(f.timestamp.nanosecondsSinceEpoch, expected)
        }
    }

    func testInvalidOptionsAreReported() {
        XCTAssertNil(SimulationOptions().problem)
        XCTAssertNotNil(SimulationOptions(duration: 10).problem)
        XCTAssertNotNil(SimulationOptions(rate: 0).problem)
        XCTAssertNotNil(SimulationOptions(players: 2).problem)
        XCTAssertNotNil(SimulationOptions(players: 20).problem)
    }
}
