import Foundation
import NEVRCore
import NEVRTestSupport
import XCTest

/// `nevr stats`, `clip`, `diff` and `plot`, run as the built executable on simulated matches.
final class AnalysisCLITests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try SharedData.temporaryDirectory("nevr-analysis-cli") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func simulate(_ name: String, seed: Int = 3, duration: String = "90s") throws -> URL {
        let url = dir.appendingPathComponent(name)
        let r = try NEVRProcess.run(["simulate", "--seed", String(seed), "--duration", duration, "--rate", "30", "--out", url.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        return url
    }

    func testStatsOverAFolderAddsUpPlayersAndWritesCSVAndJSON() throws {
        _ = try simulate("a.echoreplay")
        _ = try simulate("b.nevrcap")
        let json = try NEVRProcess.run(["stats", dir.path, "--json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: json.stdoutBytes) as? [String: Any])
        let matches = try XCTUnwrap(root["matches"] as? [[String: Any]])
        XCTAssertEqual(matches.count, 2)
        let players = try XCTUnwrap(root["players"] as? [[String: Any]])
        XCTAssertTrue(players.allSatisfy { ($0["matches"] as? Int) == 2 }, "the same simulated players in both files")
        let csv = try NEVRProcess.run(["stats", dir.path, "--csv", "--by", "round"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        XCTAssertTrue(csv.stdout.hasPrefix("source,session_id,round,userid,name,team,points"))
        let text = try NEVRProcess.run(["stats", dir.appendingPathComponent("a.echoreplay").path])
        XCTAssertTrue(text.stdout.contains("all matches (1), by player"), text.stdout)
        let bad = try NEVRProcess.run(["stats", dir.path, "--by", "week"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--by"), bad.stderr)
    }

    func testClipHasACorrectBaselineAndDiffFindsNothingBetweenAFileAndItsConversion() throws {
        let source = try simulate("m.echoreplay", duration: "150s")
        let clip = dir.appendingPathComponent("round2.nevrcap")
        let r = try NEVRProcess.run(["clip", source.path, "--round", "2", clip.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let events = try NEVRProcess.run(["events", clip.path, "--json"])
        XCTAssertEqual(events.status, 0, events.stderr)
        let lines = events.stdout.split(separator: "\n").map(String.init)
        XCTAssertFalse(lines.isEmpty)
        // Frame 0 is a baseline: no joins, no stale goal; the clip starts with its round.
        XCTAssertFalse(lines.contains { $0.hasPrefix("{\"frame\":0,") }, lines.first ?? "")
        XCTAssertFalse(lines.prefix(3).contains { $0.contains("\"kind\":\"player_joined\"") || $0.contains("\"kind\":\"goal_scored\"") })
        XCTAssertTrue(lines.contains { $0.contains("\"kind\":\"round_ended\"") && $0.contains("\"round_number\":2") })
        let around = try NEVRProcess.run(["clip", source.path, "--around", "goal_scored:1", "--before", "2", "--after", "1",
                                          dir.appendingPathComponent("goal.echoreplay").path])
        XCTAssertEqual(around.status, 0, around.stderr)
        XCTAssertTrue(around.stderr.contains("frames"), around.stderr)
        // A clip is its source's frames: each pairs with the frame it was cut from (not with
        // the one before, which is within the 50 ms tolerance too).
        let cut = try NEVRProcess.run(["diff", source.path, dir.appendingPathComponent("goal.echoreplay").path, "--json"])
        XCTAssertEqual(cut.status, 0, cut.stderr)
        let c = try XCTUnwrap(JSONSerialization.jsonObject(with: cut.stdoutBytes) as? [String: Any])
        XCTAssertGreaterThan(c["pairs"] as? Int ?? 0, 30)
        XCTAssertEqual(c["identical_pairs"] as? Int, c["pairs"] as? Int)
        XCTAssertEqual(c["only_in_b"] as? Int, 0)
        let missing = try NEVRProcess.run(["clip", source.path, "--around", "goal_scored:999", dir.appendingPathComponent("x.nevrcap").path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("no goal_scored number 999"), missing.stderr)

        let converted = dir.appendingPathComponent("m.nevrcap")
        XCTAssertEqual(try NEVRProcess.run(["convert", source.path, converted.path]).status, 0)
        let same = try NEVRProcess.run(["diff", source.path, converted.path])
        XCTAssertEqual(same.status, 0, same.stderr)
        XCTAssertTrue(same.stdout.contains("no differences"), same.stdout)
        // Two different matches: every pair differs nearly everywhere, so keep them short (30 s, the simulator's shortest).
        let mine = try simulate("s.echoreplay", seed: 3, duration: "30s")
        let other = try simulate("o.echoreplay", seed: 4, duration: "30s")
        let differ = try NEVRProcess.run(["diff", mine.path, other.path, "--json", "--tolerance", "1"])
        XCTAssertEqual(differ.status, 0, differ.stderr)
        let d = try XCTUnwrap(JSONSerialization.jsonObject(with: differ.stdoutBytes) as? [String: Any])
        let paths = try XCTUnwrap(d["paths"] as? [[String: Any]])
        XCTAssertTrue(paths.contains { ($0["path"] as? String) == "sessionid" })
        XCTAssertTrue(paths.contains { ($0["path"] as? String) == "teams[].players[].head.position[]" })
    }

    func testPlotWritesSVGAndPNG() throws {
        let source = try simulate("p.echoreplay")
        let svg = dir.appendingPathComponent("t.svg"), png = dir.appendingPathComponent("h.png")
        let a = try NEVRProcess.run(["plot", source.path, "--kind", "timeline", "--out", svg.path])
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertTrue(try String(contentsOf: svg, encoding: .utf8).contains("<svg"))
        let b = try NEVRProcess.run(["plot", source.path, "--kind", "heatmap", "--out", png.path])
        XCTAssertEqual(b.status, 0, b.stderr)
        XCTAssertEqual(try Data(contentsOf: png).prefix(4), Data([0x89, 0x50, 0x4E, 0x47]))
        let bad = try NEVRProcess.run(["plot", source.path, "--kind", "pie", "--out", svg.path])
        XCTAssertNotEqual(bad.status, 0)
    }
}

/// `--threshold NAME=VALUE` and `--no-derived` on `nevr events` (and `stats`), run as the built executable.
final class DetectionArgumentsCLITests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try SharedData.temporaryDirectory("nevr-threshold-cli") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private static let derivedKinds: Set<String> = [
        "joust", "big_boost", "playspace_abuse", "turnover", "interception", "throw_details", "stun", "restart_request", "pause_request",
    ]

    private func kinds(_ arguments: [String]) throws -> [String] {
        let r = try NEVRProcess.run(["events", "--json"] + arguments)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try r.stdout.split(separator: "\n").map { line in
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try XCTUnwrap(object["kind"] as? String)
        }
    }

    func testThresholdsChangeWhatIsDetectedAndBadOnesAreRefused() throws {
        let url = dir.appendingPathComponent("m.echoreplay")
        let sim = try NEVRProcess.run(["simulate", "--seed", "3", "--duration", "90s", "--rate", "30", "--out", url.path])
        XCTAssertEqual(sim.status, 0, sim.stderr)

        let defaults = try kinds([url.path])
        XCTAssertGreaterThan(defaults.filter { $0 == "throw_details" }.count, 0, "a 90 s match has throws")
        // No release leaves the hand 1 km/s faster than the thrower: only the recording client's
        // throws remain (the detector also takes those from `last_throw`, whatever the threshold).
        let strict = try kinds([url.path, "--threshold", "throw_relative_speed=1000"])
        XCTAssertLessThan(strict.filter { $0 == "throw_details" }.count, defaults.filter { $0 == "throw_details" }.count / 2)
        XCTAssertEqual(strict.filter { $0 == "goal_scored" }.count, defaults.filter { $0 == "goal_scored" }.count,
                       "the game's own events do not depend on the derived thresholds")
        let none = try kinds([url.path, "--no-derived"])
        XCTAssertTrue(none.allSatisfy { !Self.derivedKinds.contains($0) }, "\(Set(none))")
        XCTAssertEqual(none.count, defaults.filter { !Self.derivedKinds.contains($0) }.count)

        for (bad, says) in [("nonsense=1", "unknown threshold"), ("big_boost_percentile=2", "percentile"),
                            ("big_boost_window_samples=1.5", "whole number"), ("throw_relative_speed", "NAME=VALUE")] {
            let r = try NEVRProcess.run(["events", url.path, "--threshold", bad])
            XCTAssertNotEqual(r.status, 0, bad)
            XCTAssertTrue(r.stderr.contains(says), "\(bad): \(r.stderr)")
        }
        let stats = try NEVRProcess.run(["stats", url.path, "--json", "--threshold", "throw_relative_speed=1000"])
        XCTAssertEqual(stats.status, 0, stats.stderr)
    }
}
