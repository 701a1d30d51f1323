import XCTest
import Foundation
import NEVRCore
import NEVRTestSupport
@testable import NEVRSimulator

/// The match contains everything the brief asks for, and sampling changes only what is visible.
final class SimulatorScriptTests: XCTestCase {
    func testEveryCatalogueEventHappens() {
        let kinds = Set(standardRun.truth.map(\.kind))
        let expected: [EventKind] = [
            .roundStarted, .roundPaused, .roundUnpaused, .roundEnded, .matchEnded, .scoreboardUpdated,
            .playerJoined, .playerLeft, .playerSwitchedTeam, .emotePlayed, .discPossessionChanged, .discThrown,
            .discCaught, .goalScored, .playerGoal, .playerSave, .playerStun, .playerPass, .playerSteal,
            .playerBlock, .playerInterception, .playerAssist, .playerShotTaken,
        ]
        for k in expected { XCTAssertTrue(kinds.contains(k), "no \(k.name) in the standard run") }
        XCTAssertTrue(standardRun.frames[0].truth.isEmpty, "frame 0 is a baseline")
    }

    func testStatusesPauseAndRosterChangesAreVisible() {
        var statuses = Set<String>()
        var pauseStates = Set<String>()
        var goalTypes = Set<String>()
        var emotes = 0
        var spectators = 0
        var joinLevels: [Int32] = []
        for f in standardRun.frames {
            let s = f.session
            statuses.insert(s.gameStatus!)
            pauseStates.insert(s.pause!.pausedState!)
            goalTypes.insert(s.lastScore!.goalType!)
            spectators = max(spectators, s.teams![2].players?.count ?? 0)
            for (_, p) in SimulationRun.players(s) where p.isEmotePlaying! { emotes += 1 }
            for e in f.truth where e.kind == .playerJoined {
                let p = SimulationRun.players(s).first { $0.player.slot == e.slot }!
                XCTAssertEqual(Int32(p.team), e.team)
                joinLevels.append(p.player.level!)
            }
            for e in f.truth where e.kind == .playerSwitchedTeam {
                let p = SimulationRun.players(s).first { $0.player.slot == e.slot }!
                XCTAssertEqual(Int32(p.team), e.team)
            }
            for e in f.truth where e.kind == .playerLeft {
                XCTAssertFalse(SimulationRun.players(s).contains { $0.player.slot == e.slot })
            }
        }
        XCTAssertEqual(statuses, ["pre_match", "round_start", "playing", "score", "round_over", "post_match"])
        XCTAssertEqual(pauseStates, ["unpaused", "paused_requested", "paused", "unpausing"])
        XCTAssertGreaterThanOrEqual(goalTypes.count, 3, "\(goalTypes)")
        XCTAssertGreaterThan(emotes, 0)
        XCTAssertEqual(spectators, 1)
        XCTAssertEqual(joinLevels, [0, 0], "level reads 0 right after a join")
    }

    func testLastScoreTrailsTheGoalByOneFrame() {
        var goals = 0
        for (a, b) in zip(standardRun.frames, standardRun.frames.dropFirst()) where b.truth.contains(where: { $0.kind == .playerGoal }) {
            goals += 1
            XCTAssertEqual(b.session.gameStatus, "score")
            XCTAssertNotEqual(a.session.gameStatus, "score")
            XCTAssertEqual(b.session.lastScore, a.session.lastScore, "frame \(b.index): last_score trails the status")
            let next = standardRun.frames[b.index + 1]
            XCTAssertNotEqual(next.session.lastScore, b.session.lastScore)
            XCTAssertTrue(next.truth.contains { $0.kind == .goalScored })
        }
        XCTAssertGreaterThan(goals, 0)
    }

    /// A lower rate shows the same match: frame i at 10 Hz is frame 6i at 60 Hz, and the
    /// occurrences are all still reported (attributed to the first frame that shows them).
    func testLowerRateSamplesTheSameMatch() {
        var slowOptions = standardOptions
        slowOptions.rate = 10
        let slow = SimulationRun(slowOptions)
        XCTAssertEqual(slow.frames.count, 1200)
        for f in slow.frames { XCTAssertEqual(f.session, standardRun.frames[f.index * 6].session, "frame \(f.index)") }
        func count(_ run: SimulationRun, _ kinds: Set<EventKind>) -> [EventKind: Int] {
            var c: [EventKind: Int] = [:]
            for e in run.truth where kinds.contains(e.kind) { c[e.kind, default: 0] += 1 }
            return c
        }
        let occurrences: Set<EventKind> = [
            .roundStarted, .roundEnded, .matchEnded, .roundPaused, .roundUnpaused, .goalScored, .playerGoal, .playerStun,
            .playerPass, .playerSave, .playerSteal, .playerBlock, .playerInterception, .playerAssist, .playerShotTaken,
            .playerJoined, .playerLeft, .playerSwitchedTeam, .emotePlayed,
        ]
        XCTAssertEqual(count(slow, occurrences), count(standardRun, occurrences))
        // Possession changes merge between samples: never more than at the full rate.
        XCTAssertLessThanOrEqual(count(slow, [.discPossessionChanged]).values.first ?? 0,
                                 count(standardRun, [.discPossessionChanged]).values.first ?? 0)
    }

    func testPossessionTruthMatchesTheFrames() {
        var previous = Int32(-1)
        for f in standardRun.frames {
            var holder = Int32(-1)
            for (_, p) in SimulationRun.players(f.session) where p.possession! { holder = p.slot! }
            let changes = f.truth.filter { $0.kind == .discPossessionChanged }
            if holder != previous && f.index > 0 {
                XCTAssertEqual(changes.map(\.slots), [[holder, previous]], "frame \(f.index)")
                XCTAssertEqual(f.truth.contains { $0.kind == .discCaught }, holder >= 0)
            } else {
                XCTAssertTrue(changes.isEmpty)
            }
            for e in f.truth where e.kind == .discThrown {
                XCTAssertEqual(e.slot, previous)
                XCTAssertEqual(holder, -1)
                XCTAssertGreaterThanOrEqual(f.session.disc!.velocity!.length, 3)
            }
            previous = holder
        }
    }

    func testTruthLinesRoundTrip() throws {
        let events = standardRun.truth
        XCTAssertGreaterThan(events.count, 50)
        for e in events {
            XCTAssertEqual(try TruthLog.parse(line: e.jsonLine), e)
        }
        XCTAssertEqual(
            TruthEvent(frameIndex: 3, kind: .playerSteal, slots: [4, 1], total: 2).jsonLine,
            #"{"frame":3,"kind":"player_steal","slots":[4,1],"total":2}"#)

        // Writer and reader over a file; a bad line is reported with the file and line.
        let dir = try SharedData.temporaryDirectory("nevr-truth")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("m.echoreplay.truth.jsonl")
        XCTAssertEqual(TruthLog.url(besides: dir.appendingPathComponent("m.echoreplay")), url)
        let writer = try TruthLogWriter(url: url)
        try writer.write(events)
        try writer.close()
        XCTAssertEqual(try TruthLog.read(url: url), events)
        try Data((events[0].jsonLine + "\n{\"frame\":1,\"kind\":\"nonsense\",\"slots\":[]}\n").utf8).write(to: url)
        XCTAssertThrowsError(try TruthLog.read(url: url)) { error in
            XCTAssertEqual(String(describing: error).hasPrefix("\(url.path): line 2: unknown \"kind\""), true, "\(error)")
        }
    }
}
