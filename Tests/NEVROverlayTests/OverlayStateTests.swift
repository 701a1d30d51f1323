import Foundation
import NEVRCore
import NEVRSimulator
import XCTest

@testable import NEVROverlay

/// The Spark documents and messages over a whole simulated match, checked against the
/// frames and the core events themselves (counts, names, keys), not against stored answers.
final class OverlayStateTests: XCTestCase {
    struct Run {
        var state = OverlayState()
        var messages: [SparkMessage] = []
        var events: [Event] = []
        var last: Frame?
        var seconds = 0.0
    }

    static func run(seed: UInt64 = 3, duration: Double = 150) -> Run {
        var simulator = MatchSimulator(options: SimulationOptions(seed: seed, duration: duration, rate: 60, players: 8))
        var processor = FrameProcessor()
        var run = Run()
        var first: Timestamp?
        while let sim = simulator.next() {
            let bytes = GameJSONWriter.bytes(sim.session)
            let frame = try! processor.process(session: bytes, bones: nil, timestamp: sim.timestamp)
            let t0 = first ?? sim.timestamp
            first = t0
            run.seconds = Double(sim.timestamp.nanosecondsSinceEpoch - t0.nanosecondsSinceEpoch) / 1e9
            run.messages += run.state.ingest(frame, sessionJSON: bytes, bonesJSON: nil, now: run.seconds)
            run.events += frame.events
            run.last = frame
        }
        return run
    }

    static let shared = run()

    static let matchPlayerKeys = [
        "session_id", "match_time", "player_id", "player_name", "level", "player_number", "team_color", "possession_time",
        "play_time", "inverted_time", "points", "2_pointers", "3_pointers", "shots_taken", "saves", "goals", "stuns", "passes",
        "catches", "steals", "blocks", "interceptions", "assists", "average_speed", "average_speed_lhand", "average_speed_rhand",
        "wingspan", "playspace_abuses", "wins",
    ]

    func testStatsHasSparksShapeAndTheGamesCounters() throws {
        let run = Self.shared
        let stats = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.state.sparkStats().bytes)) as? [String: Any])
        XCTAssertEqual(Set(stats.keys), ["teams", "joust_events", "goals"])
        let teams = try XCTUnwrap(stats["teams"] as? [[String: Any]])
        XCTAssertEqual(teams.count, 2)
        let last = try XCTUnwrap(run.last).session
        for (t, team) in teams.enumerated() {
            XCTAssertEqual(Set(team.keys), ["vrml_team_name", "vrml_team_logo", "team_name", "team_logo", "players"])
            let players = try XCTUnwrap(team["players"] as? [[String: Any]])
            let gamePlayers = last.teams?[t].players ?? []
            // Everyone on the team now, plus anyone who played for it earlier in the match and left.
            XCTAssertGreaterThanOrEqual(players.count, gamePlayers.count)
            for p in players {
                XCTAssertEqual(Set(p.keys), Set(Self.matchPlayerKeys))
                XCTAssertEqual(p["team_color"] as? String, t == 0 ? "blue" : "orange")
            }
            // A player's rounds are summed per team colour (Spark's `/stats`): one who switched
            // teams has the match's counters split between the two entries.
            let everyEntry = teams.flatMap { ($0["players"] as? [[String: Any]]) ?? [] }
            func total(_ name: String?, _ key: String) -> Int {
                everyEntry.filter { $0["player_name"] as? String == name }.reduce(0) { $0 + ($1[key] as? Int ?? 0) }
            }
            for game in gamePlayers {
                let p = try XCTUnwrap(players.first { $0["player_name"] as? String == game.name }, "\(game.name ?? "?") is listed")
                XCTAssertEqual(total(game.name, "points"), Int(game.stats?.points ?? -1))
                XCTAssertEqual(total(game.name, "saves"), Int(game.stats?.saves ?? -1))
                XCTAssertEqual(p["player_id"] as? UInt64, game.userID)
                // Two- and three-pointers add up to the goals the player scored while we watched.
                let two = total(game.name, "2_pointers"), three = total(game.name, "3_pointers")
                let goalEvents = run.events.filter { if case .playerGoal(let s, _, _) = $0 { return s == game.slot }; return false }
                XCTAssertEqual(two + three, goalEvents.count)
                XCTAssertGreaterThan(p["play_time"] as? Double ?? 0, 0)
                XCTAssertGreaterThan(p["average_speed"] as? Double ?? 0, 0)
            }
        }
    }

    func testGoalsMatchTheCoreGoalEvents() throws {
        let run = Self.shared
        let scored = run.events.compactMap { e -> LastScore? in if case .goalScored(let s) = e { return s }; return nil }
        XCTAssertGreaterThan(scored.count, 0, "the simulated match has goals")
        XCTAssertEqual(run.state.goals.count, scored.count)
        let goalMessages = run.messages.filter { $0.type == .goal }
        XCTAssertEqual(goalMessages.count, scored.count)
        for (message, score) in zip(goalMessages, scored) {
            let g = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any])
            XCTAssertEqual(g["player_name"] as? String, score.personScored)
            XCTAssertEqual(g["point_value"] as? Int, Int(score.pointAmount ?? -1))
            XCTAssertEqual(g["team_scored"] as? String, score.team)
            let angle = try XCTUnwrap(g["goal_angle"] as? Double)
            XCTAssert((0...90).contains(angle))
            XCTAssertNotNil(g["backboard"] as? Bool)
            XCTAssert(["blue", "orange"].contains(g["goal_color"] as? String ?? ""))
        }
    }

    func testEventMessagesFollowTheCoreEvents() throws {
        let run = Self.shared
        func count(_ type: SparkEventType) -> Int { run.messages.filter { $0.type == type }.count }
        let saves = run.events.filter { if case .playerSave = $0 { return true }; return false }.count
        let steals = run.events.filter { if case .playerSteal = $0 { return true }; return false }.count
        XCTAssertEqual(count(.save), saves)
        XCTAssertEqual(count(.steal), steals)
        XCTAssertEqual(count(.eventLog), run.events.count)
        XCTAssertEqual(count(.joinedGame), 1)
        for m in run.messages where m.type == .save {
            let d = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(m.payload)) as? [String: Any])
            XCTAssertEqual(
                Set(d.keys),
                ["session_id", "match_time", "event_time", "game_clock", "event_type", "player_id", "player_name", "player_team", "pos_x", "pos_y", "pos_z"])
            XCTAssertFalse((d["player_name"] as? String ?? "").isEmpty)
        }
        // Every stun the core stream reports is paired with a victim or counted as unpaired.
        let stuns = run.events.filter { if case .playerStun = $0 { return true }; return false }.count
        XCTAssertEqual(count(.stun) + run.state.overflow.unpairedStuns, stuns)
    }

    func testRateLimitedFramesKeepTheirRates() {
        let run = Self.shared
        func count(_ type: SparkEventType) -> Int { run.messages.filter { $0.type == type }.count }
        // 150 s of 60 Hz input, rate-limited on the frame clock.
        XCTAssertEqual(Double(count(.frame30Hz)), run.seconds * 30, accuracy: run.seconds * 30 * 0.02)
        XCTAssertEqual(Double(count(.frame10Hz)), run.seconds * 10, accuracy: run.seconds * 10 * 0.02)
        XCTAssertEqual(Double(count(.frame1Hz)), run.seconds, accuracy: 2)
        XCTAssertLessThanOrEqual(Double(count(.frame30Hz)), run.seconds * 30 + 1)
    }

    func testLeaveMatchSendsTheLastFrameOnceAndEndsThePassthrough() {
        var state = Self.shared.state
        let left = state.leaveMatch()
        XCTAssertEqual(left.map(\.type), [.leftGame])
        XCTAssertNil(state.sessionJSON)
        XCTAssertEqual(state.leaveMatch(), [])
        XCTAssertEqual(state.sparkDiscSpeed()["speed"], .double(0))
    }

    func testDiscPositionsAreEveryFifthPlayingFrameAndBounded() {
        var limits = OverlayState.Limits()
        limits.discPositions = 50
        var state = OverlayState(limits: limits)
        var simulator = MatchSimulator(options: SimulationOptions(seed: 5, duration: 60, rate: 60, players: 8))
        var processor = FrameProcessor()
        var playing = 0
        while let sim = simulator.next() {
            let bytes = GameJSONWriter.bytes(sim.session)
            let frame = try! processor.process(session: bytes, bones: nil, timestamp: sim.timestamp)
            if sim.session.gameStatus == "playing" { playing += 1 }
            _ = state.ingest(frame, sessionJSON: bytes, bonesJSON: nil, now: 0)
        }
        let expected = (playing + 4) / 5
        XCTAssertEqual(state.discPositions.count, min(50, expected))
        XCTAssertEqual(state.overflow.discPositionsForgotten, max(0, expected - 50))
    }
}
