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

    /// `--database postgres://...` end to end on a private server: add, add again, query, and a
    /// password in the URL that never reaches the output.
    func testAddAndQueryOnPostgreSQL() throws {
        guard PostgresTestServer.binDirectory() != nil else {
            throw XCTSkip("PostgreSQL CLI test skipped: no PostgreSQL server binaries on this machine (scripts/bootstrap.sh installs Debian's postgresql)")
        }
        let server = try PostgresTestServer()
        defer { server.stop() }
        let dir = try SharedData.temporaryDirectory("nevr-archive-pg")
        defer { try? FileManager.default.removeItem(at: dir) }
        let capture = dir.appendingPathComponent("a.nevrcap").path
        XCTAssertEqual(try NEVRProcess.run(["simulate", "--seed", "31", "--duration", "30s", "--rate", "10", "--out", capture]).status, 0)
        // Trust authentication ignores the password; it is there to check it is never printed.
        let url = "postgres://nevr:hunter2@127.0.0.1:\(server.port)/postgres"
        let add = try NEVRProcess.run(["archive", "add", "--database", url, capture])
        XCTAssertEqual(add.status, 0, add.stderr)
        XCTAssertTrue(add.stderr.contains("1 matches added"), add.stderr)
        XCTAssertFalse(add.stderr.contains("hunter2"), add.stderr)
        let again = try NEVRProcess.run(["archive", "add", "--database", url, capture])
        XCTAssertTrue(again.stderr.contains("0 matches added, 1 already archived"), again.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("archive.sqlite").path), "no SQLite file with --database postgres://")

        let json = try NEVRProcess.run(["archive", "matches", "--database", url, "--output", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let lines = json.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1)
        let first = try XCTUnwrap(lines.first, json.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        XCTAssertEqual(object["capture"] as? String, capture)

        // A server that is not there: exit status 1 and a message without the password.
        let closed = "postgres://nevr:hunter2@127.0.0.1:1/postgres"
        let refused = try NEVRProcess.run(["archive", "matches", "--database", closed])
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("127.0.0.1:1"), refused.stderr)
        XCTAssertFalse(refused.stderr.contains("hunter2"), refused.stderr)
    }

    /// `nevr archive serve --port 0`: prints its URL, answers every route of
    /// docs/archive-openapi.yaml as documented (the independent Python checker), stops on SIGINT
    /// with exit status 0.
    func testServeAnswersEveryRouteOfTheOpenAPIFileAndStopsOnSIGINT() throws {
        let dir = try SharedData.temporaryDirectory("nevr-archive-serve")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (seed, name) in [(51, "a.nevrcap"), (52, "b.echoreplay")] {
            let out = dir.appendingPathComponent(name).path
            XCTAssertEqual(try NEVRProcess.run(["simulate", "--seed", String(seed), "--duration", "30s", "--rate", "10", "--out", out]).status, 0)
        }
        let database = dir.appendingPathComponent("archive.sqlite").path
        XCTAssertEqual(try NEVRProcess.run(["archive", "add", dir.path]).status, 0)
        let matches = try NEVRProcess.run(["archive", "matches", "--database", database, "--output", "csv"])
        let matchID = try XCTUnwrap(matches.stdout.split(separator: "\n").dropFirst().first?.split(separator: ",").first).description
        let players = try NEVRProcess.run(["archive", "players", "--database", database, "--output", "csv"])
        let playerID = try XCTUnwrap(players.stdout.split(separator: "\n").dropFirst().first?.split(separator: ",").first).description

        XCTAssertEqual(try NEVRProcess.run(["archive", "serve", "--database", database, "--port", "70000"]).status, 64)
        let missing = try NEVRProcess.run(["archive", "serve", "--database", dir.appendingPathComponent("none.sqlite").path, "--port", "0"])
        XCTAssertEqual(missing.status, 1, "no archive there: \(missing.stderr)")

        let server = Process()
        server.executableURL = try NEVRProcess.binary()
        server.arguments = ["archive", "serve", "--database", database, "--port", "0"]
        let stdout = Pipe()
        server.standardOutput = stdout
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        // The first stdout line is the base URL.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let byte = stdout.fileHandleForReading.readData(ofLength: 1)
            guard !byte.isEmpty else { break }
            line += byte
        }
        let base = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(base.hasPrefix("http://127.0.0.1:"), base)

        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = [
            "python3", SharedData.packageRoot.appendingPathComponent("Tests/Scripts/openapi_check.py").path, base,
            SharedData.packageRoot.appendingPathComponent("docs/archive-openapi.yaml").path, "--match-id", matchID, "--player-id", playerID,
        ]
        let output = Pipe()
        check.standardOutput = output
        check.standardError = output
        try check.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        XCTAssertEqual(check.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("openapi_check: 7 routes,") && text.contains(" 0 failed"), text)

        kill(server.processIdentifier, SIGINT)
        let deadline = Date().addingTimeInterval(20)
        while server.isRunning, Date() < deadline { usleep(50_000) }
        XCTAssertFalse(server.isRunning, "SIGINT must stop the server within 20 s")
        if server.isRunning { server.terminate() }
        server.waitUntilExit()
        XCTAssertEqual(server.terminationStatus, 0, "SIGINT stops the server cleanly")
    }
}
