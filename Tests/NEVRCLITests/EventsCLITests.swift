import Foundation
import NEVRCore
import NEVRTestSupport
import XCTest

/// `nevr events` and `nevr accuracy`, run as the built executable on simulated matches.
final class EventsCLITests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("nevr-events-cli")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// Simulates the same match into both formats and returns (echoreplay, nevrcap, truth of the echoreplay).
    private func simulatedMatch() throws -> (URL, URL, URL) {
        let replay = dir.appendingPathComponent("m.echoreplay"), capture = dir.appendingPathComponent("m.nevrcap")
        for url in [replay, capture] {
            let r = try NEVRProcess.run(["simulate", "--seed", "3", "--duration", "60s", "--rate", "30", "--out", url.path])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        return (replay, capture, URL(fileURLWithPath: replay.path + ".truth.jsonl"))
    }

    private func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "not a JSON object: \($0)")
        }
    }

    func testEventsJSONFromBothFormatsAgreeAndStatCountsMatchTheTruth() throws {
        let (replay, capture, truthURL) = try simulatedMatch()
        let fromReplay = try NEVRProcess.run(["events", replay.path, "--json"])
        XCTAssertEqual(fromReplay.status, 0, fromReplay.stderr)
        let fromCapture = try NEVRProcess.run(["events", capture.path, "--json"])
        XCTAssertEqual(fromCapture.status, 0, fromCapture.stderr)

        let lines = try jsonLines(fromReplay.stdout)
        XCTAssertGreaterThan(lines.count, 20, "a minute of match has events")
        for line in lines {
            XCTAssertNotNil(line["frame"] as? Int)
            XCTAssertNotNil(line["timestamp"] as? String)
            XCTAssertNotNil(EventKind(name: try XCTUnwrap(line["kind"] as? String)))
        }
        // Events detected from the .echoreplay equal the ones stored in the .nevrcap of the same match.
        XCTAssertEqual(fromReplay.stdout, fromCapture.stdout)

        // Stat events are exact: per kind, the count equals the simulator's ground truth.
        let truth = try jsonLines(try String(contentsOf: truthURL, encoding: .utf8))
        let statKinds: Set<String> = ["player_goal", "player_save", "player_stun", "player_pass", "player_steal",
                                      "player_block", "player_interception", "player_assist", "player_shot_taken"]
        func counts(_ rows: [[String: Any]]) -> [String: Int] {
            var c: [String: Int] = [:]
            for row in rows { if let k = row["kind"] as? String, statKinds.contains(k) { c[k, default: 0] += 1 } }
            return c
        }
        XCTAssertFalse(counts(truth).isEmpty)
        XCTAssertEqual(counts(lines), counts(truth))
    }

    func testKindsFilterAndTable() throws {
        let (replay, _, _) = try simulatedMatch()
        let filtered = try NEVRProcess.run(["events", replay.path, "--json", "--kinds", "player_stun,goal_scored"])
        XCTAssertEqual(filtered.status, 0, filtered.stderr)
        let kinds = Set(try jsonLines(filtered.stdout).compactMap { $0["kind"] as? String })
        XCTAssertFalse(kinds.isEmpty)
        XCTAssertTrue(kinds.isSubset(of: ["player_stun", "goal_scored"]), "\(kinds)")

        let table = try NEVRProcess.run(["events", replay.path])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("player_stun"), table.stdout)

        let bad = try NEVRProcess.run(["events", replay.path, "--kinds", "no_such_kind"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("no_such_kind"), bad.stderr)
    }

    func testAccuracyReportsPrecisionAndRecallAndPasses() throws {
        let r = try NEVRProcess.run(["accuracy", "--seeds", "3", "--rates", "30", "--duration", "60"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.lowercased().contains("precision"), r.stdout)
        XCTAssertTrue(r.stdout.contains("player_stun"), r.stdout)
    }

    func testEventsOnAMissingFileNamesIt() throws {
        let missing = dir.appendingPathComponent("nope.echoreplay").path
        let r = try NEVRProcess.run(["events", missing])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("nope.echoreplay"), r.stderr)
    }
}
