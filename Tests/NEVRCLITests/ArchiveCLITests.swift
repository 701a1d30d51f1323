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
        XCTAssertTrue(add.stderr.contains("2 matches added, 0 already archived; 2 files indexed, 1 skipped, 0 damaged"), add.stderr)
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

        // A player's saves over their last N matches: one row per match, newest first.
        let saves = try NEVRProcess.run(["archive", "stats", user, "--database", database, "--last", "100", "--columns", "saves", "--output", "csv"])
        XCTAssertEqual(saves.status, 0, saves.stderr)
        let saveRows = saves.stdout.split(separator: "\n")
        XCTAssertEqual(saveRows.first, "started_at,match_id,user_id,name,team,saves")
        XCTAssertEqual(saveRows.count - 1, Int(rows.dropFirst().first?.split(separator: ",")[2] ?? "") ?? -1, "one row per match the player played")

        // A folder without captures is reported and counted as skipped (exit status 1).
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try Data("notes".utf8).write(to: empty.appendingPathComponent("notes.md"))
        let none = try NEVRProcess.run(["archive", "add", "--database", database, empty.path])
        XCTAssertEqual(none.status, 1, none.stderr)
        XCTAssertTrue(none.stderr.contains("nevr: \(empty.path): no capture files in this folder (known extensions: .echoreplay"), none.stderr)
        XCTAssertTrue(none.stderr.contains("0 files indexed, 1 skipped, 0 damaged"), none.stderr)

        let unknown = try NEVRProcess.run(["archive", "stats", "--database", database, "--columns", "saves,bogus"])
        XCTAssertEqual(unknown.status, 64, unknown.stderr)
        let missing = try NEVRProcess.run(["archive", "matches", "--database", dir.appendingPathComponent("none.sqlite").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "nevr: \(dir.appendingPathComponent("none.sqlite").path): no archive there (create one with `nevr archive add`, or name one with --database)\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("none.sqlite").path))
    }

    /// `--database postgres://...` end to end on a private server: add, add again, query, and a
    /// password in the URL that never reaches the output.
    func testAddAndQueryOnPostgreSQL() throws {
        guard PostgresTestServer.binDirectory() != nil else {
            throw XCTSkip("PostgreSQL CLI test skipped: no PostgreSQL server binaries on this machine (scripts/bootstrap.sh installs Debian's postgresql)")
        }
        let server = try PostgresTestServer.shared()
        let dir = try SharedData.temporaryDirectory("nevr-archive-pg")
        defer { try? FileManager.default.removeItem(at: dir) }
        let capture = dir.appendingPathComponent("a.nevrcap").path
        XCTAssertEqual(try NEVRProcess.run(["simulate", "--seed", "31", "--duration", "30s", "--rate", "10", "--out", capture]).status, 0)
        // Trust authentication ignores the password; it is there to check it is never printed.
        let database = try server.makeDatabase()
        let url = database.replacingOccurrences(of: "postgres://nevr@", with: "postgres://nevr:hunter2@")
        let place = "postgres://127.0.0.1:\(server.port)/" + (database.split(separator: "/").last.map(String.init) ?? "")
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

        XCTAssertTrue(add.stderr.contains("\(place): 1 matches added"), "the summary names server and database only: \(add.stderr)")
        let stats = try NEVRProcess.run(["archive", "stats", "--database", url, "--last", "1", "--columns", "saves", "--output", "csv"])
        XCTAssertEqual(stats.status, 0, stats.stderr)
        XCTAssertEqual(stats.stdout.split(separator: "\n").first, "started_at,match_id,user_id,name,team,saves")
        let everyone = try NEVRProcess.run(["archive", "players", "--database", url, "--output", "csv"])
        XCTAssertEqual(stats.stdout.split(separator: "\n").count, everyone.stdout.split(separator: "\n").count, "a row per player of the only match: \(stats.stdout)")

        // A server that is not there, a refused login, a missing database: exit status 1 and one
        // line `nevr: postgres://HOST:PORT/DATABASE: reason (hint)`, in every subcommand.
        let closed = "postgres://nevr:hunter2@127.0.0.1:1/postgres"
        for command in [["archive", "matches"], ["archive", "add", capture], ["archive", "serve", "--port", "0"]] {
            let refused = try NEVRProcess.run(command + ["--database", closed])
            XCTAssertEqual(refused.status, 1, refused.stderr)
            XCTAssertEqual(
                refused.stderr,
                "nevr: postgres://127.0.0.1:1/postgres: connection refused (is a PostgreSQL server running there? start one, e.g. `sudo service postgresql start`, or point --database at one, or leave --database out for an SQLite archive)\n",
                "\(command)")
        }
        try server.addPasswordRole("clikeeper", password: "right")
        let login = try NEVRProcess.run(["archive", "players", "--database", "postgres://clikeeper:hunter2@127.0.0.1:\(server.port)/postgres"])
        XCTAssertEqual(login.status, 1, login.stderr)
        XCTAssertEqual(
            login.stderr,
            #"nevr: postgres://127.0.0.1:\#(server.port)/postgres: login refused: password authentication failed for user "clikeeper" (check the user and password in the URL, postgres://USER:PASSWORD@HOST:PORT/DATABASE, and the server's pg_hba.conf)"# + "\n")
        let noPassword = try NEVRProcess.run(["archive", "matches", "--database", "postgres://clikeeper@127.0.0.1:\(server.port)/postgres"])
        XCTAssertEqual(noPassword.status, 1, noPassword.stderr)
        XCTAssertTrue(noPassword.stderr.hasPrefix("nevr: postgres://127.0.0.1:\(server.port)/postgres: the server asks for a password and the URL has none ("), noPassword.stderr)
        let ghost = try NEVRProcess.run(["archive", "matches", "--database", "postgres://ghost@127.0.0.1:\(server.port)/postgres"])
        XCTAssertEqual(ghost.status, 1, ghost.stderr)
        XCTAssertTrue(ghost.stderr.hasPrefix(#"nevr: postgres://127.0.0.1:\#(server.port)/postgres: login refused: role "ghost" does not exist ("#), ghost.stderr)
        let right = try NEVRProcess.run(["archive", "matches", "--database", "postgres://clikeeper:right@127.0.0.1:\(server.port)/postgres"])
        XCTAssertEqual(right.status, 0, "the right password opens the archive: \(right.stderr)")
        for answer in [login, noPassword, ghost] {
            XCTAssertFalse(answer.stderr.contains("PSQLError") || answer.stderr.contains("NIO") || answer.stderr.contains("hunter2"), answer.stderr)
            XCTAssertEqual(answer.stderr.split(separator: "\n").count, 1, "one line: \(answer.stderr)")
        }
        let noDatabase = try NEVRProcess.run(["archive", "events", "--database", "postgres://nevr@127.0.0.1:\(server.port)/nosuchdb"])
        XCTAssertEqual(noDatabase.status, 1, noDatabase.stderr)
        XCTAssertTrue(noDatabase.stderr.hasPrefix(#"nevr: postgres://127.0.0.1:\#(server.port)/nosuchdb: database "nosuchdb" does not exist"#), noDatabase.stderr)
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
