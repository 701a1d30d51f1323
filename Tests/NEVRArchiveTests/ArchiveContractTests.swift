import Foundation
import NEVRArchive
import NEVRCapture
import NEVRCore
import NEVRSimulator
import NEVRTestSupport
import XCTest

/// The archive behaviour every back end must have, run by each back end's test class on an
/// empty archive of its own (XCTest on Linux does not discover inherited test methods, so
/// each class names the checks explicitly).
struct ArchiveContract {
    /// The test's temporary folder (captures are written there).
    let dir: URL
    static let keeperID: UInt64 = 4242

    /// Truth taken straight from the simulator's sessions (not through any reader or the
    /// archive): per match, the last game frame's stats per user id, and its start instant.
    struct SimulatedMatch {
        var sessionID: String
        var startMs: Int64
        var lastStats: [String: (name: String, values: [Int])]
        var file: URL
        var eventKinds: [String: Int]
    }

    /// Simulates a match (players 8, `duration` s at 10 Hz) into `name` (its extension picks
    /// the format). `.nevrcap` files carry events as `nevr simulate` writes them (detected
    /// while writing).
    func simulate(seed: UInt64, start: Int64, name: String) throws -> SimulatedMatch {
        let options = SimulationOptions(seed: seed, duration: 40, rate: 10, players: 8, startTime: Timestamp(millisecondsSinceEpoch: start))
        let simulator = MatchSimulator(options: options)
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let writer = try CaptureFormat.create(url)
        var processor = FrameProcessor()
        var last: [String: (String, [Int])] = [:]
        var kinds: [String: Int] = [:]
        var target: UInt64?
        for simulated in simulator {
            // The simulator draws new user ids per seed: one player becomes the same person
            // (user id 4242, "Keeper") in every match, for the cross-match queries.
            var session = simulated.session
            if target == nil { target = session.teams?.first?.players?.first?.userID }
            for t in (session.teams ?? []).indices {
                for p in (session.teams?[t].players ?? []).indices where session.teams?[t].players?[p].userID == target {
                    session.teams?[t].players?[p].userID = ArchiveContract.keeperID
                    session.teams?[t].players?[p].name = "Keeper"
                }
            }
            let frame = processor.process(session: session, bones: nil, timestamp: simulated.timestamp)
            for event in frame.events { kinds[event.kind.name, default: 0] += 1 }
            try writer.write(CaptureRecord(frame: frame))
            for team in (session.teams ?? []).prefix(2) {
                for p in team.players ?? [] {
                    guard let id = p.userID else { continue }
                    let s = p.stats
                    last[String(id)] = (p.name ?? "", [s?.points, s?.goals, s?.saves, s?.stuns, s?.passes, s?.catches, s?.steals,
                                                       s?.blocks, s?.interceptions, s?.assists, s?.shotsTaken].map { Int($0 ?? 0) })
                }
            }
        }
        try writer.finish()
        return SimulatedMatch(sessionID: simulator.sessionID, startMs: start, lastStats: last.mapValues { (name: $0.0, values: $0.1) }, file: url, eventKinds: kinds)
    }

    func addQueryAndDeduplicateAcrossFormats(_ archive: Archive) async throws {
        let t0: Int64 = 1_700_000_000_000
        let a = try simulate(seed: 11, start: t0, name: "a.nevrcap")
        let b = try simulate(seed: 12, start: t0 + 3_600_000, name: "sub/b.echoreplay")
        let c = try simulate(seed: 13, start: t0 + 7_200_000, name: "sub/c.nevrcap")
        try Data("not a capture at all".utf8).write(to: dir.appendingPathComponent("sub/broken.nevrcap"))
        let files = ArchiveIngest.captureFiles(in: [dir.path])
        XCTAssertEqual(files.map(\.lastPathComponent), ["a.nevrcap", "b.echoreplay", "broken.nevrcap", "c.nevrcap"])

        var failed: [String] = []
        let summary = await ArchiveIngest(archive: archive).add(files) { _, outcome in
            if case .failed(let file, _) = outcome { failed.append(URL(fileURLWithPath: file).lastPathComponent) }
        }
        XCTAssertEqual(summary.matchesAdded, 3)
        XCTAssertEqual(summary.filesFailed, 1)
        XCTAssertEqual(failed, ["broken.nevrcap"])

        // Adding the same files again adds nothing.
        let again = await ArchiveIngest(archive: archive).add(files) { _, _ in }
        XCTAssertEqual(again.matchesAdded, 0)
        XCTAssertEqual(again.duplicates, 3)
        let counts = try await archive.counts()
        XCTAssertEqual(counts.matches, 3)

        // Newest first, with the simulator's session ids and start times.
        let matches = try await archive.matches(.init())
        XCTAssertEqual(matches.rows.count, 3)
        XCTAssertEqual((0..<3).map { matches.value("session_id", row: $0)?.text }, [c, b, a].map(\.sessionID))
        XCTAssertEqual(matches.value("id", row: 2)?.text, ArchivedMatch.key(sessionID: a.sessionID, startedAtMs: t0))
        XCTAssertEqual(matches.value("map", row: 0)?.text.isEmpty, false)
        let limited = try await archive.matches(.init(limit: 2))
        XCTAssertEqual(limited.rows.count, 2)

        // Per-player stats at the last frame equal the simulator's, for every player of every match.
        for sim in [a, b, c] {
            let id = ArchivedMatch.key(sessionID: sim.sessionID, startedAtMs: sim.startMs)
            let detail = try await archive.match(id: id)
            let players = try XCTUnwrap(detail).players
            XCTAssertEqual(players.rows.count, sim.lastStats.count)
            for row in 0..<players.rows.count {
                let user = try XCTUnwrap(players.value("user_id", row: row)?.text)
                let truth = try XCTUnwrap(sim.lastStats[user])
                XCTAssertEqual(players.value("name", row: row)?.text, truth.name)
                let values = ArchivedPlayerStats.statNames.map { Int(players.value($0, row: row)?.int ?? -1) }
                XCTAssertEqual(values, truth.values, "match \(id) player \(user)")
            }
        }
        let missing = try await archive.match(id: "nope")
        XCTAssertNil(missing)

        // A player's saves over their last N matches: rows and the total against the truth.
        let someone = String(ArchiveContract.keeperID)
        XCTAssertNotNil(a.lastStats[someone])
        let savesIndex = ArchivedPlayerStats.statNames.firstIndex(of: "saves")!
        let perMatch = try await archive.stats(.init(player: someone, last: 2, columns: ["saves"]))
        XCTAssertEqual(perMatch.columns.suffix(1), ["saves"])
        XCTAssertEqual(perMatch.rows.map { $0.last?.int }, [c, b].map { Int64($0.lastStats[someone]!.values[savesIndex]) })
        let total = try await archive.stats(.init(player: a.lastStats[someone]!.name.uppercased(), last: 100, columns: ["saves", "goals"], total: true))
        XCTAssertEqual(total.value("matches", row: 0)?.int, 3)
        let truthSaves = [a, b, c].map { $0.lastStats[someone]!.values[savesIndex] }.reduce(0, +)
        XCTAssertEqual(total.value("saves", row: 0)?.int, Int64(truthSaves))
        do {
            _ = try await archive.stats(.init(columns: ["saves; DROP TABLE matches"]))
            XCTFail("an unknown stat column must be refused")
        } catch {
            XCTAssertEqual(error as? ArchiveError, .unknownColumn("saves; DROP TABLE matches"))
        }

        // Players: each user id once, with the number of matches they played.
        let players = try await archive.players(limit: 1000)
        var truthMatches: [String: Int] = [:]
        for sim in [a, b, c] { for user in sim.lastStats.keys { truthMatches[user, default: 0] += 1 } }
        XCTAssertEqual(players.rows.count, truthMatches.count)
        for row in 0..<players.rows.count {
            let user = try XCTUnwrap(players.value("user_id", row: row)?.text)
            XCTAssertEqual(players.value("matches", row: row)?.int, Int64(truthMatches[user] ?? -1))
        }
        let matchesOfSomeone = try await archive.matches(.init(player: someone))
        XCTAssertEqual(matchesOfSomeone.rows.count, 3)

        // Events: every event the detectors found while writing (nevrcap) or that the
        // indexer detected (echoreplay), by kind.
        for sim in [a, b, c] {
            let id = ArchivedMatch.key(sessionID: sim.sessionID, startedAtMs: sim.startMs)
            let events = try await archive.events(.init(match: id, limit: 100_000))
            var kinds: [String: Int] = [:]
            for row in 0..<events.rows.count { kinds[events.value("kind", row: row)!.text, default: 0] += 1 }
            XCTAssertEqual(kinds, sim.eventKinds, "events of \(sim.file.lastPathComponent)")
            XCTAssertFalse(kinds.isEmpty)
        }
        let saves = try await archive.events(.init(kinds: ["player_save"], player: someone, limit: 100_000))
        XCTAssertTrue((0..<saves.rows.count).allSatisfy { saves.value("kind", row: $0)?.text == "player_save" && saves.value("user_id", row: $0)?.text == someone })
        try await archive.close()
    }

    /// Two writers on one database (two machines on a shared archive) adding the same files at
    /// the same time: every match is stored once, and each was added by exactly one of them.
    func concurrentWritersStoreEachMatchOnce(_ first: Archive, _ second: Archive) async throws {
        let t0: Int64 = 1_700_100_000_000
        var files: [URL] = []
        var playerRows = 0
        for i in 0..<4 {
            let sim = try simulate(seed: UInt64(60 + i), start: t0 + Int64(i) * 3_600_000, name: "w\(i).nevrcap")
            files.append(sim.file)
            playerRows += sim.lastStats.count
        }
        async let a = ArchiveIngest(archive: first).add(files) { _, _ in }
        async let b = ArchiveIngest(archive: second).add(files.reversed()) { _, _ in }
        let (one, two) = await (a, b)
        XCTAssertEqual(one.filesFailed + two.filesFailed, 0)
        XCTAssertEqual(one.matchesAdded + two.matchesAdded, 4, "each match added by exactly one writer")
        XCTAssertEqual(one.duplicates + two.duplicates, 4)
        let counts = try await first.counts()
        XCTAssertEqual(counts.matches, 4)
        XCTAssertEqual(counts.playerMatches, playerRows, "each match's players stored once")
        try await first.close()
        try await second.close()
    }

    /// One match in each format the capture layer reads: `.nevrcap`, `.echoreplay`, `.tape`
    /// and `.nvr` written from the simulator, `.butter` (read-only here) from the independent
    /// Python builder (`Tests/Scripts/butter_check.py`, from the spec). Each gives one match,
    /// its session id and players as the truth says; a folder of them is found and added whole.
    func everyReadableFormatIsIndexed(_ archive: Archive) async throws {
        let t0: Int64 = 1_700_200_000_000
        var truth: [String: SimulatedMatch] = [:]
        for (i, ext) in ["nevrcap", "echoreplay", "tape", "nvr"].enumerated() {
            truth[ext] = try simulate(seed: UInt64(70 + i), start: t0 + Int64(i) * 3_600_000, name: "formats/m.\(ext)")
        }
        let butterDir = dir.appendingPathComponent("formats/butter")
        try FileManager.default.createDirectory(at: butterDir, withIntermediateDirectories: true)
        let script = SharedData.packageRoot.appendingPathComponent("Tests/Scripts/butter_check.py").path
        try PythonScript.run([script, "build", butterDir.path])
        let expect = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: butterDir.appendingPathComponent("expect.json"))) as? [String: Any])
        // Only v3.butter: the builder's other files are the same session in older layouts.
        for name in try FileManager.default.contentsOfDirectory(atPath: butterDir.path) where name != "v3.butter" {
            try FileManager.default.removeItem(at: butterDir.appendingPathComponent(name))
        }
        let files = ArchiveIngest.captureFiles(in: [dir.appendingPathComponent("formats").path])
        XCTAssertEqual(Set(files.map(\.pathExtension)), ["nevrcap", "echoreplay", "tape", "nvr", "butter"])
        var outcomes: [String: ArchiveIngest.Outcome] = [:]
        let summary = await ArchiveIngest(archive: archive).add(files) { i, outcome in outcomes[files[i].pathExtension] = outcome }
        XCTAssertEqual(summary.filesFailed, 0, "\(outcomes)")
        XCTAssertEqual(summary.matchesAdded, 5, "\(outcomes)")
        for (ext, sim) in truth {
            let detail = try await archive.match(id: ArchivedMatch.key(sessionID: sim.sessionID, startedAtMs: sim.startMs))
            let players = try XCTUnwrap(detail, "the .\(ext) match").players
            XCTAssertEqual(Set((0..<players.rows.count).compactMap { players.value("user_id", row: $0)?.text }), Set(sim.lastStats.keys), ".\(ext)")
        }
        let butterSession = try XCTUnwrap(expect["session_id"] as? String)
        let all = try await archive.matches(.init())
        let sessions = (0..<all.rows.count).compactMap { all.value("session_id", row: $0)?.text }
        XCTAssertTrue(sessions.contains(butterSession), "butter session \(butterSession) in \(sessions)")
        try await archive.close()
    }

    /// `stats` without a player: every player's rows of the archive's last N matches (not the
    /// last N rows), and `total` counts matches.
    func statsOfEveryoneCoverTheLastMatches(_ archive: Archive) async throws {
        let t0: Int64 = 1_700_300_000_000
        var sims: [SimulatedMatch] = []
        for i in 0..<3 { sims.append(try simulate(seed: UInt64(80 + i), start: t0 + Int64(i) * 3_600_000, name: "s\(i).nevrcap")) }
        let summary = await ArchiveIngest(archive: archive).add(sims.map(\.file)) { _, _ in }
        XCTAssertEqual(summary.matchesAdded, 3)
        let newest = Array(sims.reversed().prefix(2))
        let rows = try await archive.stats(.init(last: 2, columns: ["saves"]))
        XCTAssertEqual(rows.rows.count, newest.map(\.lastStats.count).reduce(0, +))
        let ids = Set((0..<rows.rows.count).compactMap { rows.value("match_id", row: $0)?.text })
        XCTAssertEqual(ids, Set(newest.map { ArchivedMatch.key(sessionID: $0.sessionID, startedAtMs: $0.startMs) }))
        let savesIndex = ArchivedPlayerStats.statNames.firstIndex(of: "saves")!
        let total = try await archive.stats(.init(last: 2, columns: ["saves"], total: true))
        XCTAssertEqual(total.value("matches", row: 0)?.int, 2)
        let truthSaves = newest.flatMap { $0.lastStats.values.map { $0.values[savesIndex] } }.reduce(0, +)
        XCTAssertEqual(total.value("saves", row: 0)?.int, Int64(truthSaves))
        // The keeper played all three: their last 2 are the newest two, their total over 100 is 3 matches.
        let keeper = try await archive.stats(.init(player: "keeper", last: 100, columns: ["saves"], total: true))
        XCTAssertEqual(keeper.value("matches", row: 0)?.int, 3)
        try await archive.close()
    }

    func fileWithoutGameFramesIsReportedNotArchived(_ archive: Archive) async throws {
        let url = dir.appendingPathComponent("errors.echoreplay")
        let writer = try CaptureFormat.create(url)
        try writer.write(CaptureRecord(timestamp: Timestamp(millisecondsSinceEpoch: 1), sessionJSON: Array(#"{"err_code":-6,"err_description":"not in a match"}"#.utf8)))
        try writer.finish()
        let outcome = await ArchiveIngest(archive: archive).add(url)
        guard case .failed(_, let reason) = outcome else { return XCTFail("expected a failure, got \(outcome)") }
        XCTAssertTrue(reason.contains("no game frames"), reason)
        let unknown = await ArchiveIngest(archive: archive).add(dir.appendingPathComponent("notes.json"))
        guard case .failed(_, let why) = unknown else { return XCTFail("expected a failure") }
        XCTAssertTrue(why.contains("unknown file extension"), why)
        let counts = try await archive.counts()
        XCTAssertEqual(counts.matches, 0)
        try await archive.close()
    }
}

/// The contract on the embedded back end (an SQLite file in the test's folder).
final class SQLiteArchiveTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try SharedData.temporaryDirectory("archive") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func makeArchive() async throws -> Archive {
        try await Archive(store: SQLiteArchiveStore(path: dir.appendingPathComponent("archive.sqlite").path))
    }

    func testAddQueryAndDeduplicateAcrossFormats() async throws {
        try await ArchiveContract(dir: dir).addQueryAndDeduplicateAcrossFormats(try await makeArchive())
    }

    func testAFileWithoutGameFramesIsReportedNotArchived() async throws {
        try await ArchiveContract(dir: dir).fileWithoutGameFramesIsReportedNotArchived(try await makeArchive())
    }

    func testConcurrentWritersStoreEachMatchOnce() async throws {
        let path = dir.appendingPathComponent("shared.sqlite").path
        let first = try await Archive(store: SQLiteArchiveStore(path: path))
        let second = try await Archive(store: SQLiteArchiveStore(path: path))
        try await ArchiveContract(dir: dir).concurrentWritersStoreEachMatchOnce(first, second)
    }

    func testEveryReadableFormatIsIndexed() async throws {
        try await ArchiveContract(dir: dir).everyReadableFormatIsIndexed(try await makeArchive())
    }

    func testStatsOfEveryoneCoverTheLastMatches() async throws {
        try await ArchiveContract(dir: dir).statsOfEveryoneCoverTheLastMatches(try await makeArchive())
    }

    func testReopenedFileKeepsTheArchiveAndLocationParses() async throws {
        let path = dir.appendingPathComponent("archive.sqlite").path
        XCTAssertEqual(try ArchiveLocation(path), .sqlite(path: path))
        XCTAssertEqual(try ArchiveLocation("sqlite:" + path), .sqlite(path: path))
        XCTAssertEqual(try ArchiveLocation("postgres://u@h/db"), .postgres(url: "postgres://u@h/db"))
        XCTAssertThrowsError(try ArchiveLocation("mysql://h/db"))
        do {
            _ = try await ArchiveLocation(path).open(mustExist: true)
            XCTFail("a query must not create an archive")
        } catch {
            XCTAssertFalse(FileManager.default.fileExists(atPath: path))
            guard case .cannotOpen(let location, let reason)? = error as? ArchiveError else { return XCTFail("\(error)") }
            XCTAssertEqual(location, path)
            XCTAssertTrue(reason.hasPrefix("no archive there"), reason)
        }
        let match = try ArchiveContract(dir: dir).simulate(seed: 5, start: 1_700_000_000_000, name: "m.nevrcap")
        var archive = try await ArchiveLocation(path).open()
        let outcome = await ArchiveIngest(archive: archive).add(match.file)
        guard case .added(_, 1, 0, _, _) = outcome else { return XCTFail("\(outcome)") }
        try await archive.close()
        archive = try await ArchiveLocation(path).open(mustExist: true)
        let counts = try await archive.counts()
        XCTAssertEqual(counts.matches, 1)
        XCTAssertEqual(counts.players, match.lastStats.count)
        try await archive.close()
    }
}

/// Output spellings, independent of any database.
final class ArchiveTableTests: XCTestCase {
    func testTableJSONAndCSVSpellings() {
        let table = ArchiveTable(columns: ["name", "saves", "time"], rows: [
            [.text("A, \"the\" keeper"), .int(3), .double(1.5)],
            [.text("line\nbreak"), .null, .double(.nan)],
        ])
        XCTAssertEqual(table.rendered(.csv), "name,saves,time\n\"A, \"\"the\"\" keeper\",3,1.5\n\"line\nbreak\",,\n")
        XCTAssertEqual(table.rendered(.json), #"{"name":"A, \"the\" keeper","saves":3,"time":1.5}"# + "\n" + #"{"name":"line\nbreak","saves":null,"time":null}"# + "\n")
        let text = table.rendered(.table).split(separator: "\n")
        XCTAssertEqual(text.count, 3)
        XCTAssertTrue(text[0].hasPrefix("name"))
        // Every JSON line parses as JSON (checked by Foundation's parser, not ours).
        for line in table.rendered(.json).split(separator: "\n") {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8)))
        }
    }
}

/// The same contract on PostgreSQL: the test process's private cluster
/// (``PostgresTestServer/shared()``: initdb/pg_ctl on a free loopback port), a new database per
/// test. Skipped, saying so, only when the machine has no PostgreSQL server binaries; when they
/// exist but the server does not start, the tests fail with the server's log.
final class PostgresArchiveTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try SharedData.temporaryDirectory("archive-pg") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// The running server, or a skip (no binaries) or failure (no start).
    static func runningServer() throws -> PostgresTestServer {
        guard PostgresTestServer.binDirectory() != nil else {
            throw XCTSkip("PostgreSQL tests skipped: no PostgreSQL server binaries on this machine (scripts/bootstrap.sh installs Debian's postgresql)")
        }
        return try PostgresTestServer.shared()
    }

    /// The URL of a fresh database on the shared server.
    func makeDatabase() throws -> String {
        try Self.runningServer().makeDatabase()
    }

    /// A fresh database, opened as `nevr archive --database` would.
    func makeArchive() async throws -> Archive {
        let url = try makeDatabase()
        let location = try ArchiveLocation(url)
        XCTAssertEqual(location, .postgres(url: url))
        return try await location.open()
    }

    func testConcurrentWritersStoreEachMatchOnce() async throws {
        let url = try makeDatabase()
        let first = try await ArchiveLocation(url).open()
        let second = try await ArchiveLocation(url).open()
        try await ArchiveContract(dir: dir).concurrentWritersStoreEachMatchOnce(first, second)
    }

    func testAddQueryAndDeduplicateAcrossFormats() async throws {
        try await ArchiveContract(dir: dir).addQueryAndDeduplicateAcrossFormats(try await makeArchive())
    }

    func testAFileWithoutGameFramesIsReportedNotArchived() async throws {
        try await ArchiveContract(dir: dir).fileWithoutGameFramesIsReportedNotArchived(try await makeArchive())
    }

    func testEveryReadableFormatIsIndexed() async throws {
        try await ArchiveContract(dir: dir).everyReadableFormatIsIndexed(try await makeArchive())
    }

    func testStatsOfEveryoneCoverTheLastMatches() async throws {
        try await ArchiveContract(dir: dir).statsOfEveryoneCoverTheLastMatches(try await makeArchive())
    }

    func testTheStoreNamesServerAndDatabaseOnlyAndReportsTheServersMessage() async throws {
        let server = try Self.runningServer()
        let url = try makeDatabase()
        let database = String(url.split(separator: "/").last ?? "")
        let archive = try await ArchiveLocation(url).open()
        let label = await archive.store.label
        XCTAssertEqual(label, "postgres://127.0.0.1:\(server.port)/\(database)")
        // A statement the server refuses comes back as ArchiveError.database with the server's
        // message only (not postgres-nio's debug text, which holds the query).
        do {
            _ = try await archive.store.query("SELECT * FROM no_such_table WHERE 1 = $1", [.int(1)])
            XCTFail("a query on a missing table must fail")
        } catch {
            XCTAssertEqual(error as? ArchiveError, .database(#"relation "no_such_table" does not exist"#))
        }
        try await archive.close()
    }

    // A refused login, a missing password, an unknown role and a missing database are tested
    // through the `nevr` binary (ArchiveCLITests.testAddAndQueryOnPostgreSQL), not in this
    // process: postgres-nio 1.33 can release a connection whose login failed before its channel
    // is closed, and its debug-build `assert` in `PostgresConnection.deinit` then stops the whole
    // test process (seen here once in a run of these tests; release builds have no assert).

    func testURLParsingAndRefusedConnection() async throws {
        let e = try PostgresArchiveStore.Endpoint(url: "postgres://u:secret@127.0.0.1:6543/league")
        XCTAssertEqual(e, try PostgresArchiveStore.Endpoint(url: "postgresql://u:secret@127.0.0.1:6543/league"))
        XCTAssertEqual([e.host, e.user, e.password ?? "", e.database], ["127.0.0.1", "u", "secret", "league"])
        XCTAssertEqual(e.port, 6543)
        XCTAssertEqual(e.display, "postgres://127.0.0.1:6543/league")
        let defaults = try PostgresArchiveStore.Endpoint(url: "postgres://league.example")
        XCTAssertEqual([defaults.user, defaults.database], ["postgres", "postgres"])
        XCTAssertEqual(defaults.port, 5432)
        XCTAssertEqual(defaults.display, "postgres://league.example:5432/postgres")
        XCTAssertEqual(try ArchiveLocation("postgres://u:secret@h/db").redacted, "postgres://h:5432/db")
        XCTAssertFalse(PostgresArchiveStore.Endpoint.redacted("postgres://u:secret@h/db").contains("secret"))
        XCTAssertThrowsError(try PostgresArchiveStore.Endpoint(url: "postgres://h/db?sslmode=require"))
        XCTAssertThrowsError(try PostgresArchiveStore.Endpoint(url: "postgres:///db"))
        XCTAssertThrowsError(try PostgresArchiveStore.Endpoint(url: "postgres://h:70000/db"))
        do {
            // Port 1 on loopback: nothing listens there; a clear error, not a hang.
            _ = try await PostgresArchiveStore(url: "postgres://nevr:pw@127.0.0.1:1/x")
            XCTFail("connecting to a closed port must fail")
        } catch {
            guard case .cannotOpen(let location, let reason)? = error as? ArchiveError else { return XCTFail("\(error)") }
            XCTAssertEqual(location, "postgres://127.0.0.1:1/x")
            XCTAssertTrue(reason.hasPrefix("connection refused (is a PostgreSQL server running there? start one"), reason)
            XCTAssertEqual("\(error)", "postgres://127.0.0.1:1/x: \(reason)")
        }
    }
}
