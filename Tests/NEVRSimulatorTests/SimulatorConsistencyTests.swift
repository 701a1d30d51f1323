import XCTest
import NEVRCore
@testable import NEVRSimulator

/// The frames are consistent with themselves and with the ground truth.
final class SimulatorConsistencyTests: XCTestCase {
    /// Key of a person: slots are reused, so (slot, userid).
    struct Person: Hashable { var slot: Int32; var user: UInt64 }

    func testStatCountersOnlyRise() {
        var last: [Person: Stats] = [:]
        for f in standardRun.frames {
            for (_, p) in SimulationRun.players(f.session) {
                let key = Person(slot: p.slot!, user: p.userID!)
                let s = p.stats!
                if let before = last[key] {
                    for c in SimulationRun.allCounters {
                        XCTAssertGreaterThanOrEqual(s[keyPath: c]!, before[keyPath: c]!, "frame \(f.index) slot \(key.slot)")
                    }
                    XCTAssertGreaterThanOrEqual(s.possessionTime!, before.possessionTime!)
                }
                last[key] = s
            }
        }
    }

    /// Each counter increment has exactly one truth event in the same frame, carrying the
    /// running totals N+1...N+k, and no truth event lacks its increment.
    func testTruthAgreesWithCounters() {
        for run in [standardRun, SimulationRun(SimulationOptions(seed: 9, duration: 90, rate: 7))] {
            var previous: [Int32: Stats] = [:]
            var checked = 0
            for f in run.frames {
                var now: [Int32: Stats] = [:]
                for (_, p) in SimulationRun.players(f.session) { now[p.slot!] = p.stats! }
                for (kind, counter) in SimulationRun.statKinds {
                    var expected: [Int32: [Int32]] = [:]
                    if f.index > 0 {
                        for (slot, s) in now {
                            let before = previous[slot]?[keyPath: counter] ?? 0
                            let after = s[keyPath: counter]!
                            if after > before { expected[slot] = Array((before + 1)...after) }
                        }
                    }
                    var got: [Int32: [Int32]] = [:]
                    for e in f.truth where e.kind == kind { got[e.slot, default: []].append(e.total!) }
                    XCTAssertEqual(got, expected, "frame \(f.index) \(kind.name)")
                    checked += got.values.map(\.count).reduce(0, +)
                }
                previous = now
            }
            XCTAssertGreaterThan(checked, 10)
        }
    }

    func testGoalTruthCarriesPointsAndMatchesScoreboard() {
        var goals = 0
        for f in standardRun.frames {
            for e in f.truth where e.kind == .goalScored {
                goals += 1
                XCTAssert([2, 3].contains(e.points!), "points \(e.points!)")
                XCTAssertEqual(f.session.gameStatus, "score")
                // Reported with the new last_score; the counters rose in the frame before.
                let ls = f.session.lastScore!
                XCTAssertEqual(ls.goalType, e.goalType)
                XCTAssertEqual(ls.pointAmount, e.points)
                XCTAssertEqual(ls.team, e.team == 0 ? "blue" : "orange")
                let before = standardRun.frames[f.index - 1]
                let pg = before.truth.first { $0.kind == .playerGoal && $0.slot == e.slot }
                XCTAssertEqual(pg?.points, e.points)
                let scorer = SimulationRun.players(f.session).first { $0.player.slot == e.slot }!.player
                XCTAssertEqual(ls.personScored, scorer.name)
                if e.slots.count == 2 {
                    XCTAssertTrue(before.truth.contains { $0.kind == .playerAssist && $0.slot == e.slots[1] })
                    XCTAssertEqual(ls.assistScored, SimulationRun.players(f.session).first { $0.player.slot == e.slots[1] }!.player.name)
                } else {
                    XCTAssertEqual(ls.assistScored, "[INVALID]")
                }
            }
        }
        let last = standardRun.frames.last!.session
        let roundsPlayed = standardRun.truth.filter { $0.kind == .roundEnded }.count
        XCTAssertEqual(roundsPlayed, Int(last.totalRoundCount!))
        XCTAssertEqual(last.gameStatus, "post_match")
        XCTAssertGreaterThanOrEqual(goals, 3)
    }

    func testTeamStatsAreSumsOfPlayers() {
        for f in standardRun.frames where f.index % 7 == 0 {
            for (t, team) in f.session.teams!.enumerated() {
                guard let players = team.players else {
                    XCTAssertNil(team.stats, "an empty team has no stats")
                    continue
                }
                let stats = try! XCTUnwrap(team.stats)
                for c in SimulationRun.allCounters {
                    XCTAssertEqual(stats[keyPath: c]!, players.map { $0.stats![keyPath: c]! }.reduce(0, +), "frame \(f.index) team \(t)")
                }
                let sum = players.map { $0.stats!.possessionTime! }.reduce(0, +)
                XCTAssertEqual(stats.possessionTime!, sum, accuracy: 1e-3 * max(1, sum))
                XCTAssertEqual(team.possession, f.session.possession!.teamIndex == Int32(t))
            }
        }
    }

    func testPossessionPairMatchesPlayerFlagsAndHands() {
        var held = 0
        for f in standardRun.frames {
            let pair = f.session.possession!
            var holders: [(Int, Int)] = []
            for (t, team) in f.session.teams!.enumerated() {
                for (j, p) in (team.players ?? []).enumerated() {
                    if p.possession! {
                        holders.append((t, j))
                        XCTAssertEqual(p.holdingRight, "disc")
                    } else {
                        XCTAssertNotEqual(p.holdingRight, "disc")
                    }
                }
            }
            if pair.isNobody {
                XCTAssertTrue(holders.isEmpty, "frame \(f.index)")
            } else {
                held += 1
                XCTAssertEqual(holders.count, 1)
                XCTAssertEqual(holders.first.map { Int32($0.0) }, pair.teamIndex)
                XCTAssertEqual(holders.first.map { Int32($0.1) }, pair.playerIndex)
            }
        }
        XCTAssertGreaterThan(held, standardRun.frames.count / 5)
    }

    func testStunIsFollowedByInvulnerability() {
        var wasStunned: [Int32: Bool] = [:]
        var recoveries = 0
        for f in standardRun.frames {
            for (_, p) in SimulationRun.players(f.session) {
                XCTAssertFalse(p.stunned! && p.invulnerable!)
                if wasStunned[p.slot!] == true && !p.stunned! {
                    XCTAssertTrue(p.invulnerable!, "frame \(f.index) slot \(p.slot!) recovers without invulnerability")
                    recoveries += 1
                }
                wasStunned[p.slot!] = p.stunned!
            }
        }
        XCTAssertGreaterThan(recoveries, 0)
    }

    func testGameClockDisplayIsTruncatedClock() {
        XCTAssertEqual(GameClockText.display(600), "10:00.00")
        XCTAssertEqual(GameClockText.display(Float(0.29)), "00:00.28")  // 0.289999992 truncates
        XCTAssertEqual(GameClockText.display(Float(59.999)), "00:59.99")
        XCTAssertEqual(GameClockText.display(0), "00:00.00")
        var seen = Set<String>()
        for f in standardRun.frames {
            let clock = Float(f.session.gameClock!)
            let v = Double(clock)
            let cs = Int((v * 100).rounded(.down))
            let expected = String(format: "%02d:%02d.%02d", cs / 6000, cs / 100 % 60, cs % 100)
            XCTAssertEqual(f.session.gameClockDisplay, expected)
            seen.insert(f.session.gameClockDisplay!)
        }
        XCTAssertGreaterThan(seen.count, 1000, "the clock runs")
    }

    func testKinematicsAreOnTheMilliGrid() {
        func check(_ v: Vector3?, _ what: String) {
            guard let v else { return XCTFail("\(what) missing") }
            for c in [v.x, v.y, v.z] where !GameGrid.isOnMilliGrid(c) { XCTFail("\(what) \(c) off grid") }
        }
        XCTAssertEqual(GameGrid.milli(-1.787), -1.7870001)  // the double nearest the printed text
        XCTAssertEqual(Float(GameGrid.milli(-1.787)), Float(-1787) * Float(0.001))
        XCTAssertEqual(Float(GameGrid.milli(-1.787)).description, "-1.7870001")
        for f in standardRun.frames where f.index % 13 == 0 {
            let s = f.session
            for v in [s.disc!.position, s.disc!.forward, s.disc!.left, s.disc!.up, s.disc!.velocity] { check(v, "disc") }
            for v in [s.player!.vrLeft, s.player!.vrPosition, s.player!.vrForward, s.player!.vrUp] { check(v, "player") }
            for (_, p) in SimulationRun.players(s) {
                check(p.velocity, "velocity")
                for pose in [p.head!, p.body!, p.leftHand!, p.rightHand!] {
                    for v in [pose.position, pose.forward, pose.left, pose.up] { check(v, "pose") }
                }
            }
        }
    }

    /// Positions follow the reported velocities and speeds stay human (boosts up to 10 m/s),
    /// except in the scripted stunts: a big boost (up to 30 m/s, still following the
    /// velocity) and a step in the real room (at most 3.5 m/s of motion the velocity does
    /// not show).
    func testPlayersMoveSmoothly() {
        let dt = 1.0 / 60
        var checked = 0
        var walkSteps = 0
        var sprintSteps = 0
        for (a, b) in zip(standardRun.frames, standardRun.frames.dropFirst()) {
            guard a.session.gameStatus == "playing", b.session.gameStatus == "playing",
                  a.session.pause?.pausedState == "unpaused", b.session.pause?.pausedState == "unpaused" else { continue }
            var before: [Int32: Player] = [:]
            for (_, p) in SimulationRun.players(a.session) { before[p.slot!] = p }
            for (_, p) in SimulationRun.players(b.session) {
                guard let q = before[p.slot!], q.userID == p.userID, q.level != 0, p.level != 0 else { continue }
                let v = p.velocity!
                let slot = p.slot!
                let sprinting = standardRun.sprinting[a.index].contains(slot) || standardRun.sprinting[b.index].contains(slot)
                let walking = standardRun.walking[a.index].contains(slot) || standardRun.walking[b.index].contains(slot)
                XCTAssertLessThan(v.length, sprinting ? 30.5 : 10.5, "frame \(b.index) slot \(slot)")
                let moved = Vector3(p.body!.position!.x - q.body!.position!.x, p.body!.position!.y - q.body!.position!.y,
                                    p.body!.position!.z - q.body!.position!.z)
                let predicted = v.length * dt
                XCTAssertLessThan(abs(moved.length - predicted), walking ? 0.03 + 3.5 * dt : 0.03, "frame \(b.index) slot \(slot)")
                checked += 1
                if walking { walkSteps += 1 }
                if sprinting { sprintSteps += 1 }
            }
        }
        XCTAssertGreaterThan(checked, 10_000)
        XCTAssertGreaterThan(walkSteps, 0, "the standard run has room walks")
        XCTAssertGreaterThan(sprintSteps, 0, "the standard run has big boosts")
    }
}
