import Foundation
import NEVRTestSupport
import XCTest

/// `nevr archive`, run as the built executable.
final class ArchiveCLITests: XCTestCase {
    func testAddThenQueryAsTableJSONAndCSV() throws {
        let dir = try SharedData.temporaryDirectory("nevr-archive")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (seed, name) in [(21, "a.nevrcap"), (22, "b.echoreplay")] {
            let out = dir.appendingPathComponent(name).path
            XCTAssertEqual(try NEVRProcess.run(["simulate", "--seed", String(seed), "--duration", "30s", "--rate", "10", "--out", out]).status, 0)
        }
        try Data("garbage".utf8).write(to: dir.appendingPathComponent("bad.nevrcap"))

        let add = try NEVRProcess.run(["archive", "add", dir.path])
        XCTAssertEqual(add.status, 1, "a failed file gives exit status 1: \(add.stderr)")
        XCTAssertTrue(add.stderr.contains("bad.nevrcap"), add.stderr)
        XCTAssertTrue(add.stderr.contains("2 matches added"), add.stderr)
        let database = dir.appendingPathComponent("archive.sqlite").path
        XCTAssertTrue(FileManager.default.fileExists(atPath: database), "the default archive sits next to the captures")

        let again = try NEVRProcess.run(["archive", "add", "--database", database, dir.appendingPathComponent("a.nevrcap").path])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("0 matches added, 1 already archived"), again.stderr)

        let json = try NEVRProcess.run(["archive", "matches", "--database", database, "--output", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let lines = json.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        for line in lines {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertNotNil(object["session_id"] as? String)
            XCTAssertNotNil(object["frames"] as? Int)
        }

        let players = try NEVRProcess.run(["archive", "players", "--database", database, "--output", "csv"])
        XCTAssertEqual(players.status, 0, players.stderr)
        let rows = players.stdout.split(separator: "\n")
        XCTAssertEqual(rows.first, "user_id,name,matches,last_match")
        let user = try XCTUnwrap(rows.dropFirst().first?.split(separator: ",").first).description

        let stats = try NEVRProcess.run(["archive", "stats", user, "--database", database, "--columns", "saves,goals", "--total", "--output", "csv"])
        XCTAssertEqual(stats.status, 0, stats.stderr)
        XCTAssertEqual(stats.stdout.split(separator: "\n").first, "matches,saves,goals")

        let table = try NEVRProcess.run(["archive", "events", "--database", database, "--kinds", "player_save,goal_scored,discthrown", "--limit", "5"])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.hasPrefix("match_id"), "the header is there even without rows: \(table.stdout)")
        let some = try NEVRProcess.run(["archive", "events", "--database", database, "--limit", "5", "--output", "csv"])
        XCTAssertEqual(some.stdout.split(separator: "\n").count, 6, some.stdout)

        let unknown = try NEVRProcess.run(["archive", "stats", "--database", database, "--columns", "saves,bogus"])
        XCTAssertEqual(unknown.status, 64, unknown.stderr)
        let missing = try NEVRProcess.run(["archive", "matches", "--database", dir.appendingPathComponent("none.sqlite").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("none.sqlite").path))
    }
}
