import Foundation
import NEVRCore
import NEVRSimulator
import XCTest

@testable import NEVROverlay

/// `/stats` against the simulator's ground truth (the engine's own record of what it made
/// happen, not the frames): playspace abuses per player, the scorer's throwing hand on each
/// goal, and the per-round counters over the current and previous rounds.
final class OverlayRoundsTests: XCTestCase {
    /// One simulated match through the core and the overlay state, with its truth.
    struct Run {
        var state: OverlayState
        /// Truth events with the frame's session (to name the slots).
        var truth: [(event: TruthEvent, session: Session)] = []
    }

    static func run(
        _ options: SimulationOptions, limits: OverlayState.Limits = .init(), swapHands: Bool = false
    ) throws -> Run {
        var simulator = MatchSimulator(options: options)
        var processor = FrameProcessor()
        var run = Run(state: OverlayState(limits: limits))
        while let sim = simulator.next() {
            let session = swapHands ? Self.swappingHands(sim.session) : sim.session
            let bytes = GameJSONWriter.bytes(session)
            let frame = try processor.process(session: bytes, bones: nil, timestamp: sim.timestamp)
            _ = run.state.ingest(frame, sessionJSON: bytes, bonesJSON: nil, now: 0)
            run.truth += sim.truth.map { (event: $0, session: session) }
        }
        return run
    }

    /// The session with every player's left- and right-hand poses exchanged: the simulator
    /// holds the disc in the right hand, so in this mirror every throw leaves the left hand.
    static func swappingHands(_ session: Session) -> Session {
        var s = session
        for t in s.teams?.indices ?? 0..<0 {
            for i in s.teams?[t].players?.indices ?? 0..<0 {
                let p = s.teams![t].players![i]
                s.teams![t].players![i].leftHand = p.rightHand
                s.teams![t].players![i].rightHand = p.leftHand
            }
        }
        return s
    }

    static func name(slot: Int32, in session: Session) -> String? {
        var name: String?
        session.forEachPlayer { _, p in if p.slot == slot { name = p.name } }
        return name
    }

    /// `/stats` players as `[name: summed value of key]` over both teams.
    static func statsByName(_ state: OverlayState, _ key: String) throws -> [String: Int] {
        let stats = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(state.sparkStats().bytes)) as? [String: Any])
        var out: [String: Int] = [:]
        for team in try XCTUnwrap(stats["teams"] as? [[String: Any]]) {
            for p in try XCTUnwrap(team["players"] as? [[String: Any]]) {
                let name = try XCTUnwrap(p["player_name"] as? String)
                out[name, default: 0] += try XCTUnwrap(p[key] as? Int, "\(key) of \(name)")
            }
        }
        return out
    }

    static func goals(_ state: OverlayState) throws -> [[String: Any]] {
        let stats = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(state.sparkStats().bytes)) as? [String: Any])
        return try XCTUnwrap(stats["goals"] as? [[String: Any]])
    }

    // MARK: item: playspace abuses

    func testPlayspaceAbusesPerPlayerEqualTheTruth() throws {
        for seed in [UInt64(5), 6] {
            let run = try Self.run(SimulationOptions(seed: seed, duration: 300, rate: 30, players: 10))
            var truth: [String: Int] = [:]
            for (e, session) in run.truth where e.kind == .playspaceAbuse {
                truth[try XCTUnwrap(Self.name(slot: e.slot, in: session)), default: 0] += 1
            }
            XCTAssertGreaterThan(truth.values.reduce(0, +), 0, "seed \(seed): the match has playspace abuses")
            let reported = try Self.statsByName(run.state, "playspace_abuses")
            XCTAssertEqual(reported.filter { $0.value > 0 }, truth, "seed \(seed)")
        }
    }

    // MARK: item: the scorer's hand and underhandedness on each goal

    /// Goals whose scorer threw in that round (by the truth) carry the hand and underhandedness
    /// of the throw: right-handed in the simulated match, left-handed once the hands are swapped,
    /// the same underhandedness in both (the throwing hand's pose is the same).
    func testGoalsCarryTheScorersThrowingHand() throws {
        let options = SimulationOptions(seed: 4, duration: 300, rate: 30, players: 10)
        let normal = try Self.run(options)
        let swapped = try Self.run(options, swapHands: true)
        // Truth: for each goal, whether its scorer made a throw since the round began.
        var threw: [Bool] = []
        var throwers = Set<String>()
        for (e, session) in normal.truth {
            switch e.kind {
            case .roundStarted: throwers = []
            case .throwDetails: if let n = Self.name(slot: e.slot, in: session) { throwers.insert(n) }
            case .goalScored: threw.append(Self.name(slot: e.slot, in: session).map { throwers.contains($0) } ?? false)
            default: break
            }
        }
        let a = try Self.goals(normal.state), b = try Self.goals(swapped.state)
        XCTAssertEqual(a.count, threw.count, "one /stats goal per truth goal")
        XCTAssertEqual(b.count, threw.count)
        XCTAssertGreaterThanOrEqual(threw.filter { $0 }.count, 5, "the match has goals scored by a player who threw")
        var underhandedness: [Double] = []
        for (i, scorerThrew) in threw.enumerated() where i < min(a.count, b.count) && scorerThrew {
            XCTAssertEqual(a[i]["left_handed"] as? Bool, false, "goal \(i) is right-handed")
            XCTAssertEqual(b[i]["left_handed"] as? Bool, true, "goal \(i) with swapped hands is left-handed")
            let u = try XCTUnwrap(a[i]["underhandedness"] as? Double, "goal \(i) has underhandedness")
            XCTAssertEqual(b[i]["underhandedness"] as? Double ?? .nan, u, accuracy: 1e-9, "goal \(i)")
            XCTAssertLessThan(abs(u), 1.5, "goal \(i): the hand is within arm's reach of the head")
            underhandedness.append(u)
        }
        XCTAssertGreaterThan(Set(underhandedness).count, 1, "measured per throw, not a constant")
    }

    // MARK: item: previous rounds

    /// Counters per player over the rounds `/stats` covers equal the truth's increments in those
    /// rounds; goals are those of those rounds. With the default limits that is the whole match;
    /// with one previous round kept, only the last two rounds.
    func testStatsCoverTheCurrentAndPreviousRounds() throws {
        let options = SimulationOptions(seed: 3, duration: 150, rate: 30, players: 8)
        var one = OverlayState.Limits()
        one.previousRounds = 1
        for (limits, kept) in [(OverlayState.Limits(), 3), (one, 2)] {
            let run = try Self.run(options, limits: limits)
            // Truth: round of each truth event (round_started starts the next).
            var round = 0
            var perRound: [(round: Int, event: TruthEvent, session: Session)] = []
            for (e, session) in run.truth {
                if e.kind == .roundStarted { round += 1 }
                perRound.append((round, e, session))
            }
            XCTAssertEqual(round, 3, "the 150 s match has three rounds")
            let first = round - kept + 1
            XCTAssertEqual(run.state.rounds.count, kept)
            XCTAssertEqual(run.state.overflow.roundsForgotten, 3 - kept)
            let counters: [(EventKind, String)] = [
                (.playerSave, "saves"), (.playerStun, "stuns"), (.playerPass, "passes"), (.playerSteal, "steals"),
                (.playerShotTaken, "shots_taken"), (.playerGoal, "goals"), (.playerAssist, "assists"),
            ]
            for (kind, key) in counters {
                var truth: [String: Int] = [:]
                for x in perRound where x.round >= first && x.event.kind == kind {
                    truth[try XCTUnwrap(Self.name(slot: x.event.slot, in: x.session)), default: 0] += 1
                }
                let reported = try Self.statsByName(run.state, key).filter { $0.value > 0 }
                XCTAssertEqual(reported, truth, "\(key), \(kept) rounds kept")
            }
            let truthGoals = perRound.filter { $0.round >= first && $0.event.kind == .goalScored }
            let goals = try Self.goals(run.state)
            XCTAssertGreaterThan(truthGoals.count, 0)
            XCTAssertEqual(goals.map { $0["player_name"] as? String }, truthGoals.map { Self.name(slot: $0.event.slot, in: $0.session) })
        }
    }
}
