import Foundation
import NEVRCore
import NEVRTestSupport
import XCTest

/// The derived (Spark-style) detectors on hand-edited copies of the real 2021 frame.
/// Slots in that frame: blue 0, 4, 5, 9, 7; orange 6, 1, 8, 3, 2.
final class DerivedEventDetectorTests: XCTestCase {
    /// The real frame in live play at clock 300 s: nobody holds the disc, everybody and
    /// the disc stand still, no restart requests.
    private func still() throws -> Session {
        var s = try EventFixtures.playing()
        s.gameClock = 300
        s.setHolder(slot: -1)
        s.disc?.velocity = .zero
        for t in s.teams!.indices {
            for i in (s.teams![t].players ?? []).indices { s.teams![t].players![i].velocity = .zero }
        }
        return s
    }

    /// `count` frames `dt` game seconds apart starting from `base`, each changed by `change(i, &frame)`.
    private func sequence(_ base: Session, count: Int, dt: Double = 1.0 / 30, _ change: (Int, inout Session) -> Void) -> [Session] {
        (0..<count).map { i in
            var s = base
            s.gameClock = (base.gameClock ?? 300) - Double(i) * dt
            change(i, &s)
            return s
        }
    }

    private func derived(_ frames: [[Event]]) -> [(frame: Int, event: DerivedEvent)] {
        var out: [(Int, DerivedEvent)] = []
        for (i, events) in frames.enumerated() {
            for case .derived(let d) in events { out.append((i, d)) }
        }
        return out
    }

    private func movePlayer(_ s: inout Session, _ slot: Int32, head: Vector3? = nil, velocity: Vector3? = nil) {
        s.updatePlayer(slot: slot) { p in
            if let head { p.head?.position = head }
            if let velocity { p.velocity = velocity }
        }
    }

    // MARK: Joust

    func testNeutralJoustTimesEachTeamsFirstCrossingWithTopAndTubeExitSpeed() throws {
        var start = try still()
        start.gameStatus = "round_start"
        start.disc?.position = Vector3(0, 0, 0.05)
        for slot: Int32 in [0, 4, 5, 9, 7] { movePlayer(&start, slot, head: Vector3(0, 0, -45)) }
        for slot: Int32 in [6, 1, 8, 3, 2] { movePlayer(&start, slot, head: Vector3(0, 0, 45)) }
        var frames = [start]
        // Frames 1...: playing; blue slot 4 flies in at 12 m/s, then 15; orange slot 8 later.
        for k in 1...40 {
            var s = start
            s.gameStatus = "playing"
            s.gameClock = 300 - Double(k - 1) * 0.1
            let n = Double(k - 1)
            movePlayer(&s, 4, head: Vector3(0, 0, -45 + 3 * n), velocity: Vector3(0, 0, k < 10 ? 12 : 15))
            movePlayer(&s, 8, head: Vector3(0, 0, 45 - 1.5 * n), velocity: Vector3(0, 0, -16))
            frames.append(s)
        }
        let found = derived(detectAll(frames))
        XCTAssertEqual(found.count, 2, "\(found)")
        // Blue: head z = -45 + 3 n reaches 0 at n = 15 (frame 16, clock 298.5).
        guard case .joust(let blue) = found[0].event else { return XCTFail("\(found)") }
        XCTAssertEqual(found[0].frame, 16)
        XCTAssertEqual(blue.slot, 4)
        XCTAssertEqual(blue.team, .blueTeam)
        XCTAssertEqual(blue.type, .neutral)
        XCTAssertEqual(blue.time, 1.5, accuracy: 1e-9)
        XCTAssertEqual(blue.maxSpeed, 15)
        XCTAssertEqual(blue.tubeExitSpeed, 12)  // z passed -40 at t = 0.2, still at 12 m/s
        // Orange: 45 - 1.5 n reaches 0 at n = 30 (frame 31).
        guard case .joust(let orange) = found[1].event else { return XCTFail("\(found)") }
        XCTAssertEqual(found[1].frame, 31)
        XCTAssertEqual(orange.slot, 8)
        XCTAssertEqual(orange.team, .orangeTeam)
        XCTAssertEqual(orange.time, 3.0, accuracy: 1e-9)
        XCTAssertEqual(orange.maxSpeed, 16)
    }

    func testDefensiveJoustTimesOnlyTheTeamFarFromTheDisc() throws {
        var start = try still()
        start.gameStatus = "round_start"
        start.disc?.position = Vector3(0, 0, -27.4)   // on blue's side: orange's defensive joust
        for slot: Int32 in [0, 4, 5, 9, 7] { movePlayer(&start, slot, head: Vector3(0, 0, -1)) }
        for slot: Int32 in [6, 1, 8, 3, 2] { movePlayer(&start, slot, head: Vector3(0, 0, 45)) }
        var frames = [start]
        for k in 1...30 {
            var s = start
            s.gameStatus = "playing"
            s.gameClock = 300 - Double(k) * 0.1
            for slot: Int32 in [0, 4, 5, 9, 7] { movePlayer(&s, slot, head: Vector3(0, 0, 1)) }  // already past the centre
            movePlayer(&s, 3, head: Vector3(0, 0, 45 - 2 * Double(k)), velocity: Vector3(0, 0, -20))
            frames.append(s)
        }
        let found = derived(detectAll(frames))
        XCTAssertEqual(found.count, 1, "\(found)")
        guard case .joust(let j) = found.first?.event else { return XCTFail("\(found)") }
        XCTAssertEqual(j.type, .defensive)
        XCTAssertEqual(j.team, .orangeTeam)
        XCTAssertEqual(j.slot, 3)
        XCTAssertEqual(found.first?.frame, 23)  // 45 - 2 k <= 0 first at k = 23
        XCTAssertEqual(j.time, 2.2, accuracy: 1e-9)  // timed from frame 1 (clock 299.9) to 297.7
    }

    func testNoJoustWithoutRoundStartOrWhenTheDiscIsElsewhere() throws {
        var start = try still()
        start.gameStatus = "round_start"
        start.disc?.position = Vector3(0, 0, 12)
        var frames = [start]
        for k in 1...20 {
            var s = start
            s.gameStatus = "playing"
            s.gameClock = 300 - Double(k) * 0.1
            movePlayer(&s, 4, head: Vector3(0, 0, Double(k)))
            frames.append(s)
        }
        XCTAssertTrue(derived(detectAll(frames)).isEmpty)
    }

    // MARK: Big boost

    func testBigBoostIsReportedOnceWhenTheSmoothedSpeedFallsBack() throws {
        let frames = sequence(try still(), count: 140) { i, s in
            // Slot 0 boosts at 25 m/s for frames 10..<60 (with one 30 m/s peak); slot 6 cruises at 15.
            let speed: Double = (10..<60).contains(i) ? (i == 30 ? 30 : 25) : 2
            movePlayer(&s, 0, velocity: Vector3(speed, 0, 0))
            movePlayer(&s, 6, velocity: Vector3(0, 15, 0))
        }
        let found = derived(detectAll(frames)).filter { if case .bigBoost = $0.event { true } else { false } }
        XCTAssertEqual(found.count, 1, "\(found)")
        guard case .bigBoost(let b) = found.first?.event else { return XCTFail() }
        XCTAssertEqual(b.slot, 0)
        XCTAssertEqual(b.speed, 25)  // the 99th percentile of the window is 25 (30 is a single sample of 100+)
        XCTAssertGreaterThan(b.secondsAgo, 0)
        // Reported when the mean of 32 samples before the newest drops under 10 m/s: > 19 low samples.
        XCTAssertGreaterThan(found[0].frame, 60 + 19)
        XCTAssertLessThan(found[0].frame, 60 + 32)
    }

    func testBigBoostThresholdIsConfigurable() throws {
        let frames = sequence(try still(), count: 120) { i, s in
            movePlayer(&s, 6, velocity: Vector3(0, (10..<60).contains(i) ? 15 : 1, 0))
        }
        let boosts = { (found: [(frame: Int, event: DerivedEvent)]) in found.filter { if case .bigBoost = $0.event { true } else { false } } }
        XCTAssertTrue(boosts(derived(detectAll(frames))).isEmpty)
        var options = EventDetectionOptions()
        options.derived.bigBoostStartSpeed = 12
        options.derived.bigBoostEndSpeed = 8
        let found = boosts(derived(detectAll(frames, options: options)))
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.event.slot, 6)
    }

    // MARK: Playspace abuse

    func testHeadDriftingAwayFromLocomotionIsPlayspaceAbuse() throws {
        let base = try still()
        let head0 = base.player(slot: 5)!.head!.position!
        let head7 = base.player(slot: 7)!.head!.position!
        let frames = sequence(base, count: 60) { i, s in
            // Slot 5 walks in the room at 1.5 m/s with no locomotion (velocity 0).
            movePlayer(&s, 5, head: Vector3(head0.x + 0.05 * Double(i), head0.y, head0.z))
            // Slot 7 flies at 6 m/s and its head moves with it: no abuse.
            movePlayer(&s, 7, head: Vector3(head7.x, head7.y, head7.z + 0.2 * Double(i)), velocity: Vector3(0, 0, 6))
        }
        let found = derived(detectAll(frames))
        XCTAssertEqual(found.count, 1, "\(found)")
        guard case .playspaceAbuse(let p) = found.first?.event else { return XCTFail() }
        XCTAssertEqual(p.slot, 5)
        XCTAssertGreaterThan(p.distance, 1.7)
        // The point is set in frame 1; 0.05 m per frame minus the pull (0.05 m/s / 30) passes
        // 1.7 m after 36 more frames.
        XCTAssertEqual(found[0].frame, 37)
    }

    func testLargeFrameGapsResetThePlayspacePoint() throws {
        let base = try still()
        let head0 = base.player(slot: 5)!.head!.position!
        // Frames 0.2 s apart (a 5 Hz capture or a stall): the point follows the head.
        let frames = sequence(base, count: 40, dt: 0.2) { i, s in
            movePlayer(&s, 5, head: Vector3(head0.x + 0.3 * Double(i), head0.y, head0.z))
        }
        XCTAssertTrue(derived(detectAll(frames)).isEmpty)
    }

    // MARK: Turnover and interception

    /// Blue slot 0 holds, throws (frame 2), orange slot 6 catches in frame 5, then play goes on.
    private func turnoverFrames(saveAtCatch: Bool = false, saveLater: Bool = false, catcher: Int32 = 6) throws -> [Session] {
        try sequence(still(), count: 100, dt: 0.05) { i, s in
            if i < 2 { s.setHolder(slot: 0) } else if i >= 5 { s.setHolder(slot: catcher) }
            if i >= 2 { s.disc?.velocity = Vector3(0, 0, 12) }
            if (saveAtCatch && i >= 5) || (saveLater && i >= 20) {
                s.updatePlayer(slot: catcher) { $0.stats?.saves! += 1 }
            }
        }
    }

    func testCatchByTheOtherTeamIsATurnoverAndTwoSecondsLaterAnInterception() throws {
        let found = derived(detectAll(try turnoverFrames())).filter {
            switch $0.event { case .turnover, .interception: true; default: false }
        }
        XCTAssertEqual(found.count, 2, "\(found)")
        XCTAssertEqual(found[0].frame, 5)
        XCTAssertEqual(found[0].event, .turnover(.init(slot: 6, previousSlot: 0)))
        XCTAssertTrue((45...46).contains(found[1].frame), "\(found[1].frame)")  // 2.0 s at 0.05 s per frame
        XCTAssertEqual(found[1].event, .interception(.init(slot: 6, previousSlot: 0)))
    }

    func testSavesCancelTurnoverOrInterception() throws {
        let kinds: (DerivedEvent) -> Bool = { switch $0 { case .turnover, .interception: true; default: false } }
        XCTAssertTrue(derived(detectAll(try turnoverFrames(saveAtCatch: true))).filter { kinds($0.event) }.isEmpty)
        let later = derived(detectAll(try turnoverFrames(saveLater: true))).filter { kinds($0.event) }
        XCTAssertEqual(later.map(\.event), [.turnover(.init(slot: 6, previousSlot: 0))])
        // A teammate's catch is neither.
        XCTAssertTrue(derived(detectAll(try turnoverFrames(catcher: 4))).filter { kinds($0.event) }.isEmpty)
    }

    // MARK: Throw details

    func testEveryPlayersThrowGetsDiscSpeedRelativeSpeedAndHand() throws {
        let base = try still()
        let right = base.player(slot: 4)!.rightHand!.position!
        let frames = sequence(base, count: 12, dt: 1.0 / 30) { i, s in
            movePlayer(&s, 4, velocity: Vector3(0, 0, 2))
            if i < 3 {
                s.setHolder(slot: 4)
                s.disc?.position = Vector3(right.x, right.y, right.z + 0.05)  // in the right hand
                s.disc?.velocity = Vector3(0, 0, 2)
            } else {
                s.disc?.velocity = Vector3(0, 0, 14)
            }
        }
        let found = derived(detectAll(frames))
        XCTAssertEqual(found.count, 1, "\(found)")
        guard case .throwDetails(let t) = found.first?.event else { return XCTFail("\(found)") }
        XCTAssertEqual(found[0].frame, 3 + 5)  // confirmed 0.15 s (4.5 frames) after the release
        XCTAssertEqual(t.slot, 4)
        XCTAssertEqual(t.discSpeed, 14)
        XCTAssertEqual(t.relativeSpeed, 12)
        XCTAssertEqual(t.hand, .right)
        let head = base.player(slot: 4)!.head!
        XCTAssertEqual(t.underhandedness, head.up!.x * (right.x - head.position!.x) + head.up!.y * (right.y - head.position!.y)
                       + head.up!.z * (right.z - head.position!.z), accuracy: 1e-9)
    }

    func testSlowReleasesAndQuickCatchesAreNotThrows() throws {
        let base = try still()
        // Released at 4.5 m/s while moving at 2: relative 2.5 m/s, under the 3 m/s threshold.
        let slow = sequence(base, count: 12) { i, s in
            movePlayer(&s, 4, velocity: Vector3(0, 0, 2))
            if i < 3 { s.setHolder(slot: 4); s.disc?.velocity = Vector3(0, 0, 2) } else { s.disc?.velocity = Vector3(0, 0, 4.5) }
        }
        XCTAssertTrue(derived(detectAll(slow)).isEmpty)
        // Caught by a teammate 2 frames (< 0.15 s) after the release: no throw (Spark's rule).
        let caught = sequence(base, count: 12) { i, s in
            if i < 3 { s.setHolder(slot: 4) } else if i >= 5 { s.setHolder(slot: 5) }
            // In flight at 10 m/s; once caught it moves with its (still) holder.
            s.disc?.velocity = i < 3 ? Vector3(0, 0, 0.5) : (i >= 5 ? .zero : Vector3(0, 0, 10))
        }
        XCTAssertTrue(derived(detectAll(caught)).isEmpty)
    }

    // MARK: Stun

    func testStunIsMatchedWithItsVictimInEitherOrder() throws {
        let base = try still()
        for slot: Int32 in [0, 6] { XCTAssertEqual(base.player(slot: slot)?.stunned, false) }
        // Same frame: blue 0's stuns rise, orange 6 is stunned.
        let same = sequence(base, count: 6) { i, s in
            if i >= 3 {
                s.updatePlayer(slot: 0) { $0.stats?.stuns! += 1 }
                s.updatePlayer(slot: 6) { $0.stunned = true }
            }
        }
        XCTAssertEqual(derived(detectAll(same)).map(\.event), [.stun(.init(slot: 0, victimSlot: 6))])
        XCTAssertEqual(derived(detectAll(same)).map(\.frame), [3])
        // Victim first (frame 2), the stunner's counter 1 s later (frame 32).
        let late = sequence(base, count: 40) { i, s in
            if i >= 2 { s.updatePlayer(slot: 1) { $0.stunned = true } }
            if i >= 32 { s.updatePlayer(slot: 9) { $0.stats?.stuns! += 1 } }
        }
        let found = derived(detectAll(late))
        XCTAssertEqual(found.map(\.event), [.stun(.init(slot: 9, victimSlot: 1))])
        XCTAssertEqual(found.map(\.frame), [32])
        // More than 4 s apart: no match.
        let apart = sequence(base, count: 40, dt: 0.2) { i, s in
            if i >= 2 { s.updatePlayer(slot: 1) { $0.stunned = true } }
            if i >= 30 { s.updatePlayer(slot: 9) { $0.stats?.stuns! += 1 } }
        }
        XCTAssertTrue(derived(detectAll(apart)).isEmpty)
    }

    // MARK: Restart and pause requests

    func testRestartAndPauseRequestsNameTheTeamAndThePlayerAtItsTerminal() throws {
        var base = try still()
        base.blueTeamRestartRequest = 0
        base.orangeTeamRestartRequest = 0
        // Put orange slot 2's right hand next to orange's terminal.
        base.updatePlayer(slot: 2) { $0.rightHand?.position = Vector3(0.2, -3.4, 73.0) }
        let frames = sequence(base, count: 8) { i, s in
            if i >= 2 { s.orangeTeamRestartRequest = 1 }
            if i >= 4 { s.pause?.pausedState = "paused_requested"; s.pause?.pausedRequestedTeam = "orange" }
            if i >= 6 { s.pause?.pausedState = "paused" }
        }
        let found = derived(detectAll(frames))
        XCTAssertEqual(found.count, 2, "\(found)")
        guard case .restartRequest(let r) = found[0].event, case .pauseRequest(let p) = found[1].event else { return XCTFail("\(found)") }
        XCTAssertEqual(found.map(\.frame), [2, 6])
        XCTAssertEqual(r.team, .orangeTeam)
        XCTAssertEqual(r.slot, 2)
        XCTAssertEqual(r.distance, Vector3(0.2, 0.1, -0.46).length, accuracy: 1e-9)
        XCTAssertEqual(p.team, .orangeTeam)
        XCTAssertEqual(p.slot, 2)
    }

    // MARK: Output and options

    func testDerivedEventsComeAfterStatEventsAndPrintAsJSON() throws {
        let base = try still()
        let frames = sequence(base, count: 3) { i, s in
            if i == 2 {
                s.updatePlayer(slot: 0) { $0.stats?.stuns! += 1 }
                s.updatePlayer(slot: 6) { $0.stunned = true }
            }
        }
        let events = detectAll(frames)[2]
        XCTAssertEqual(events.map(\.kind), [.playerStun, .stun])
        let line = EventJSON.line(for: events[1], frameIndex: 2, timestamp: Timestamp(millisecondsSinceEpoch: 0))
        XCTAssertEqual(line, #"{"frame":2,"timestamp":"1970-01-01T00:00:00.000","kind":"stun","player_slot":0,"victim_player_slot":6}"#)
        XCTAssertEqual(EventKind(name: "big_boost"), .bigBoost)
        XCTAssertEqual(EventKind.derivedKinds.map(\.rawValue), Array(100...108))
    }

    func testThresholdProblemsAreReported() {
        var t = DerivedEventThresholds()
        XCTAssertNil(t.problem)
        t.bigBoostEndSpeed = 30
        XCTAssertNotNil(t.problem)
        t = DerivedEventThresholds()
        t.playspaceAbuseDistance = .nan
        XCTAssertNotNil(t.problem)
    }
}
