import Foundation
import NEVRAnalysis
import NEVRCapture
import NEVRCore
import NEVRSimulator
import NEVRTestSupport
import XCTest

final class StatsTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try SharedData.temporaryDirectory("nevr-stats") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Writes a simulated match; returns the truth events and the slot -> userid map of the
    /// frame each truth event belongs to.
    private func simulate(_ name: String, seed: UInt64, duration: Double = 120, nevrcap: Bool = false) throws
        -> (url: URL, truth: [(TruthEvent, UInt64?)]) {
        let url = dir.appendingPathComponent(name)
        var sim = MatchSimulator(options: SimulationOptions(seed: seed, duration: duration, rate: 30, players: 8))
        var truth: [(TruthEvent, UInt64?)] = []
        var echo: EchoReplayWriter?
        var cap: NevrcapWriter?
        if nevrcap { cap = try NevrcapWriter(url: url, header: NevrcapHeader(captureID: name)) } else { echo = try EchoReplayWriter(url: url) }
        while let f = sim.next() {
            for t in f.truth {
                var user: UInt64?
                f.session.forEachPlayer { _, p in if p.slot == t.slot { user = p.userID } }
                truth.append((t, user))
            }
            if let echo { try echo.write(timestamp: f.timestamp, session: GameJSONWriter.bytes(f.session), bones: nil) }
            if let cap { try cap.write(Frame(index: UInt32(f.index), timestamp: f.timestamp, session: f.session)) }
        }
        try echo?.close()
        try cap?.close()
        return (url, truth)
    }

    func testCountersEqualTheSimulatorsIncrementsPerPlayer() throws {
        let (url, truth) = try simulate("a.echoreplay", seed: 3)
        let run = try StatsRun.run(paths: [url.path])
        XCTAssertEqual(run.matches.count, 1)
        let kinds: [(EventKind, String)] = [
            (.playerGoal, "goals"), (.playerSave, "saves"), (.playerStun, "stuns"), (.playerPass, "passes"),
            (.playerSteal, "steals"), (.playerBlock, "blocks"), (.playerInterception, "interceptions"),
            (.playerAssist, "assists"), (.playerShotTaken, "shots_taken"),
        ]
        var checked = 0
        for line in run.players {
            for (kind, counter) in kinds {
                let expected = truth.filter { $0.0.kind == kind && $0.1 == line.userID }.count
                XCTAssertEqual(line.counter(counter), Int64(expected), "\(line.name) \(counter)")
                checked += expected
            }
            let points = truth.filter { $0.0.kind == .playerGoal && $0.1 == line.userID }.reduce(0) { $0 + Int64($1.0.points ?? 0) }
            XCTAssertEqual(line.counter("points"), points, "\(line.name) points")
        }
        XCTAssertGreaterThan(checked, 20)  // the match had real play to count
        // Team totals add the players up; derived figures and time are there too.
        let teams = MatchStats.teamTotals(run.matches[0].players)
        XCTAssertEqual(teams[0].counter("goals") + teams[1].counter("goals"), Int64(truth.filter { $0.0.kind == .playerGoal }.count))
        XCTAssertGreaterThan(teams[0].playTime, 0)
        XCTAssertGreaterThan(run.players.map(\.topSpeed).max() ?? 0, 5)
        XCTAssertGreaterThan(run.players.map(\.throwsMade).reduce(0, +), 0)
        XCTAssertGreaterThan(run.players.map(\.jousts).reduce(0, +), 0)
    }

    func testPlayersAddUpByUseridAcrossFilesAndFormats() throws {
        let a = try simulate("a.echoreplay", seed: 5)
        let b = try simulate("b.nevrcap", seed: 5, nevrcap: true)
        let one = try StatsRun.run(paths: [a.url.path])
        let both = try StatsRun.run(paths: [dir.path], jobs: 2)
        XCTAssertEqual(both.files.count, 2)
        XCTAssertEqual(both.matches.count, 2)
        for line in one.players {
            let sum = try XCTUnwrap(both.players.first { $0.userID == line.userID })
            XCTAssertEqual(sum.counters, line.counters &* 2, line.name)
            XCTAssertEqual(sum.matches, 2)
            XCTAssertEqual(sum.jousts, line.jousts * 2)
        }
    }

    func testCounterResetsAreNewBaselinesNotNegativeCounts() throws {
        var base = try GameJSONReader.parseSession(SharedData.bytes(SharedData.frame2021))
        base.gameStatus = "playing"
        // Slot 0's saves: 2 (first frame), 3, 0 (a restart), 1 -> 1 + 1 = 2 saves.
        let values: [Int32] = [2, 3, 0, 1]
        var builder = MatchStatsBuilder(source: "edited")
        var processor = FrameProcessor()
        for (i, v) in values.enumerated() {
            var s = base
            s.gameClock = 300 - Double(i)
            for t in s.teams!.indices {
                for p in (s.teams![t].players ?? []).indices where s.teams![t].players![p].slot == 0 {
                    s.teams![t].players![p].stats?.saves = v
                }
            }
            builder.add(processor.process(session: s, bones: nil, timestamp: Timestamp(millisecondsSinceEpoch: Int64(i) * 1000)))
        }
        let lines = builder.result()[0].players
        let slot0 = try XCTUnwrap(lines.first { $0.name == "Loveridge-" })
        XCTAssertEqual(slot0.counter("saves"), 2)
        XCTAssertTrue(lines.filter { $0.name != "Loveridge-" }.allSatisfy { $0.counters == .zero })
    }

    func testOutputsFilterPlayersAndGroupByRound() throws {
        let (url, _) = try simulate("r.echoreplay", seed: 2, duration: 200)
        let run = try StatsRun.run(paths: [url.path])
        let name = run.players[0].name
        let table = StatsTable(run: run, grouping: .round, players: [name])
        let csv = table.csv().split(separator: "\n")
        XCTAssertTrue(csv[0].hasPrefix("source,session_id,round,userid,name,team,points,saves,goals"))
        let playerRows = csv.dropFirst().filter { !$0.contains("team:") }
        XCTAssertFalse(playerRows.isEmpty)
        XCTAssertTrue(playerRows.allSatisfy { $0.contains(",\(name),") })
        XCTAssertTrue(csv.contains { $0.contains(",1,0,team:blue,") })      // round 1 team totals
        XCTAssertTrue(csv.contains { $0.hasPrefix("*,*,all,") })
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(table.json().utf8)) as? [String: Any])
        let matches = try XCTUnwrap(json["matches"] as? [[String: Any]])
        let rounds = try XCTUnwrap(matches[0]["rounds"] as? [[String: Any]])
        XCTAssertGreaterThan(rounds.count, 1)
        // Round figures add up to the match figures.
        let goalsByRound = rounds.map { r in ((r["teams"] as? [[String: Any]]) ?? []).reduce(0) { $0 + ($1["goals"] as? Int ?? 0) } }
        let matchGoals = ((matches[0]["teams"] as? [[String: Any]]) ?? []).reduce(0) { $0 + ($1["goals"] as? Int ?? 0) }
        XCTAssertEqual(goalsByRound.reduce(0, +), matchGoals)
        XCTAssertTrue(table.text().contains("round 2"))
    }

    /// The game numbers rounds by the round scores, so the round after a tie repeats the tied
    /// round's number; stats count it as the next round played.
    func testARoundAfterATieIsTheNextRound() throws {
        let (url, truth) = try simulate("tie.echoreplay", seed: 11, duration: 60)
        let starts = truth.filter { $0.0.kind == .roundStarted }.map { $0.0.round }
        XCTAssertEqual(starts, [1, 1], "seed 11: a tied first round, then round 1 again")
        XCTAssertTrue(truth.contains { $0.0.kind == .roundEnded && $0.0.team == -1 })
        let run = try StatsRun.run(paths: [url.path])
        XCTAssertEqual(run.matches.count, 1)
        XCTAssertEqual(run.matches[0].rounds.keys.sorted(), [1, 2])
    }

    func testMissingPathsAndEmptyFoldersAreClearErrors() throws {
        XCTAssertThrowsError(try StatsRun.run(paths: [dir.appendingPathComponent("nope.echoreplay").path])) { e in
            XCTAssertTrue("\(e)".contains("no such file"))
        }
        XCTAssertThrowsError(try StatsRun.run(paths: [dir.path])) { e in XCTAssertTrue("\(e)".contains("no capture files")) }
        let bad = dir.appendingPathComponent("bad.echoreplay")
        try Data("not a capture\n".utf8).write(to: bad)
        let run = try StatsRun.run(paths: [bad.path])
        XCTAssertNotNil(run.files[0].failure)
    }
}
