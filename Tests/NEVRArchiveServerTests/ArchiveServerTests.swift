import AsyncHTTPClient
import Foundation
import NEVRArchive
import NEVRArchiveServer
import NEVRCapture
import NEVRCore
import NEVRSimulator
import NEVRTestSupport
import NIOCore
import XCTest

/// A simulated match written to a capture, with the truth taken from the simulator's frames
/// (not through any reader, the archive or the server).
struct SimulatedCapture {
    var sessionID: String
    var startMs: Int64
    var frames: Int
    /// Saves per user id at the last frame.
    var saves: [String: Int]
    var id: String { ArchivedMatch.key(sessionID: sessionID, startedAtMs: startMs) }

    /// Writes `matches` simulated matches (8 players, 30 s at 10 Hz), one after another, into
    /// one capture `url` (the extension picks the format).
    static func write(_ url: URL, seeds: [UInt64], start: Int64) throws -> [SimulatedCapture] {
        let writer = try CaptureFormat.create(url)
        var out: [SimulatedCapture] = []
        var t = start
        for seed in seeds {
            let simulator = MatchSimulator(options: SimulationOptions(seed: seed, duration: 30, rate: 10, players: 8, startTime: Timestamp(millisecondsSinceEpoch: t)))
            var processor = FrameProcessor()
            var frames = 0
            var saves: [String: Int] = [:]
            var first: Int64?
            for simulated in simulator {
                let frame = processor.process(session: simulated.session, bones: nil, timestamp: simulated.timestamp)
                try writer.write(CaptureRecord(frame: frame))
                if first == nil { first = simulated.timestamp.milliseconds }
                frames += 1
                for team in (simulated.session.teams ?? []).prefix(2) {
                    for p in team.players ?? [] {
                        if let id = p.userID { saves[String(id)] = Int(p.stats?.saves ?? 0) }
                    }
                }
            }
            out.append(SimulatedCapture(sessionID: simulator.sessionID, startMs: first ?? t, frames: frames, saves: saves))
            t += 3_600_000
        }
        try writer.finish()
        return out
    }
}

/// A server on a free loopback port for one test, stopped (task cancelled) by `stop()`.
final class RunningArchiveServer: @unchecked Sendable {
    let port: Int
    let task: Task<Void, any Error>
    var base: String { "http://127.0.0.1:\(port)" }

    init(_ archive: Archive) async throws {
        let server = ArchiveServer(archive: archive, options: .init(host: "127.0.0.1", port: 0))
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        task = Task { try await server.run { port in continuation.yield(port) } }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw CancellationError() }
        self.port = port
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

/// The REST API of `nevr archive serve` over loopback HTTP: answers checked against the
/// simulator's truth, every route of docs/archive-openapi.yaml checked by an independent
/// Python client, bad queries answered 400/404 with JSON.
final class ArchiveServerTests: XCTestCase {
    var dir: URL!
    // Made per test in setUp (XCTest also creates instances only to list tests, and an
    // HTTPClient must be shut down before it goes away).
    var client: HTTPClient!

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("archive-serve")
        client = HTTPClient(eventLoopGroupProvider: .singleton)
    }
    override func tearDown() async throws {
        try? await client?.shutdown()
        client = nil
        try? FileManager.default.removeItem(at: dir)
    }

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) }
        var object: [String: Any] { (json as? [String: Any]) ?? [:] }
    }

    func get(_ url: String, post: Bool = false) async throws -> Answer {
        try await Self.fetch(client, url, post: post)
    }

    static func fetch(_ client: HTTPClient, _ url: String, post: Bool = false) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        if post { request.method = .POST }
        let response = try await client.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 64 << 20)
        var headers: [String: String] = [:]
        for h in response.headers { headers[h.name.lowercased()] = h.value }
        return Answer(status: Int(response.status.code), headers: headers, body: Array(body.readableBytesView))
    }

    /// `GET path` written by hand on a TCP socket: no URL parser in between, so malformed
    /// escapes and huge queries reach the server exactly as written.
    func rawGet(port: Int, _ path: String) async throws -> Answer {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.rawExchange(port: port, request: "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n") })
            }
        }
    }

    struct RawHTTPError: Error { var what: String }

    static func rawExchange(port: Int, request: String) throws -> Answer {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError(what: "socket") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw RawHTTPError(what: "connect") }
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw RawHTTPError(what: "send") }
            sent += n
        }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += chunk[0..<n]
        }
        guard let split = response.firstRange(of: Array("\r\n\r\n".utf8)) else { throw RawHTTPError(what: "no header end in \(response.count) bytes") }
        let head = String(decoding: response[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw RawHTTPError(what: "status line \(head[0])") }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(response[split.upperBound...])
        if headers["transfer-encoding"] == "chunked" { body = dechunk(body) }
        return Answer(status: status, headers: headers, body: body)
    }

    static func dechunk(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while let lineEnd = data[i...].firstRange(of: Array("\r\n".utf8)) {
            guard let size = Int(String(decoding: data[i..<lineEnd.lowerBound], as: UTF8.self), radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            out += data[start..<min(start + size, data.count)]
            i = min(start + size + 2, data.count)
        }
        return out
    }

    /// Three matches: two in one `.nevrcap` file (one after another), one in an `.echoreplay`.
    func makeArchive(_ archive: Archive) async throws -> [SimulatedCapture] {
        let t0: Int64 = 1_700_000_000_000
        let pair = try SimulatedCapture.write(dir.appendingPathComponent("pair.nevrcap"), seeds: [41, 42], start: t0)
        let single = try SimulatedCapture.write(dir.appendingPathComponent("single.echoreplay"), seeds: [43], start: t0 + 10_000_000)
        let summary = await ArchiveIngest(archive: archive).add(ArchiveIngest.captureFiles(in: [dir.path])) { _, _ in }
        XCTAssertEqual(summary.matchesAdded, 3)
        return pair + single
    }

    func sqliteArchive() async throws -> Archive {
        try await ArchiveLocation(dir.appendingPathComponent("archive.sqlite").path).open()
    }

    /// A fresh database on the test process's PostgreSQL server, or a skip when the machine has
    /// no PostgreSQL server binaries.
    func postgresArchive() async throws -> Archive {
        guard PostgresTestServer.binDirectory() != nil else {
            throw XCTSkip("PostgreSQL serve test skipped: no PostgreSQL server binaries on this machine (scripts/bootstrap.sh installs Debian's postgresql)")
        }
        return try await ArchiveLocation(try PostgresTestServer.shared().makeDatabase()).open()
    }

    func testListsPagesDetailEventsAndStatsAgreeWithTheSimulationOnSQLite() async throws {
        try await listsPagesDetailEventsAndStatsAgreeWithTheSimulation(try await sqliteArchive())
    }

    func testListsPagesDetailEventsAndStatsAgreeWithTheSimulationOnPostgreSQL() async throws {
        try await listsPagesDetailEventsAndStatsAgreeWithTheSimulation(try await postgresArchive())
    }

    func listsPagesDetailEventsAndStatsAgreeWithTheSimulation(_ archive: Archive) async throws {
        let truth = try await makeArchive(archive)
        let server = try await RunningArchiveServer(archive)
        defer { Task { await server.stop() } }
        let newestFirst = truth.sorted { $0.startMs > $1.startMs }

        let all = try await get(server.base + "/matches")
        XCTAssertEqual(all.status, 200)
        XCTAssertEqual(all.headers["content-type"], "application/json; charset=utf-8")
        let list = try XCTUnwrap(all.object["matches"] as? [[String: Any]])
        XCTAssertEqual(list.map { $0["session_id"] as? String }, newestFirst.map(\.sessionID))
        XCTAssertEqual(list.map { $0["frames"] as? Int }, newestFirst.map(\.frames))
        XCTAssertTrue(all.object["next_page"] is NSNull)

        // Paging: one per page walks the same order; the last page says there is no next.
        for (i, match) in newestFirst.enumerated() {
            let page = try await get(server.base + "/matches?limit=1&page=\(i + 1)")
            let rows = try XCTUnwrap(page.object["matches"] as? [[String: Any]])
            XCTAssertEqual(rows.map { $0["id"] as? String }, [match.id])
            if i + 1 < newestFirst.count {
                XCTAssertEqual(page.object["next_page"] as? Int, i + 2)
            } else {
                XCTAssertTrue(page.object["next_page"] is NSNull)
            }
        }
        let beyond = try await get(server.base + "/matches?limit=1&page=4")
        XCTAssertEqual((beyond.object["matches"] as? [Any])?.count, 0)

        // A player's matches, and the stats of that player against the truth.
        let keeper = try XCTUnwrap(truth[0].saves.keys.sorted().first)
        let played = truth.filter { $0.saves[keeper] != nil }
        let byPlayer = try await get(server.base + "/matches?player=\(keeper)")
        XCTAssertEqual((byPlayer.object["matches"] as? [Any])?.count, played.count)
        let total = try await get(server.base + "/players/\(keeper)/stats?columns=saves&total=true")
        XCTAssertEqual(total.status, 200)
        let sums = try XCTUnwrap(total.object["total"] as? [String: Any])
        XCTAssertEqual(sums["matches"] as? Int, played.count)
        XCTAssertEqual(sums["saves"] as? Int, played.map { $0.saves[keeper]! }.reduce(0, +))
        let perMatch = try await get(server.base + "/players/\(keeper)/stats?last=1")
        let rows = try XCTUnwrap(perMatch.object["stats"] as? [[String: Any]])
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0]["saves"] as? Int, played.max { $0.startMs < $1.startMs }!.saves[keeper])

        // Detail and events of each match (the @ escaped as a client would).
        for match in truth {
            let escaped = match.id.replacingOccurrences(of: "@", with: "%40")
            let detail = try await get(server.base + "/matches/\(escaped)")
            XCTAssertEqual(detail.status, 200, String(decoding: detail.body, as: UTF8.self))
            let players = try XCTUnwrap(detail.object["players"] as? [[String: Any]])
            XCTAssertEqual(Set(players.compactMap { $0["user_id"] as? String }), Set(match.saves.keys))
            for p in players {
                XCTAssertEqual(p["saves"] as? Int, match.saves[p["user_id"] as! String], "match \(match.id)")
            }
            let events = try await get(server.base + "/matches/\(escaped)/events?limit=10000")
            let items = try XCTUnwrap(events.object["events"] as? [[String: Any]])
            let stored = try await archive.events(.init(match: match.id, limit: 100_000))
            XCTAssertEqual(items.count, stored.rows.count)
            XCTAssertFalse(items.isEmpty)
            for item in items {
                let event = try XCTUnwrap(item["event"] as? [String: Any], "the event is an embedded object")
                XCTAssertEqual(event["kind"] as? String, item["kind"] as? String)
            }
            let paged = try await get(server.base + "/matches/\(escaped)/events?limit=2&page=2")
            XCTAssertEqual((paged.object["events"] as? [[String: Any]])?.compactMap { $0["frame"] as? Int },
                           items.dropFirst(2).prefix(2).compactMap { $0["frame"] as? Int })
        }
        let summary = try await get(server.base + "/summary")
        XCTAssertEqual(summary.object["matches"] as? Int, 3)
        await server.stop()
        try await archive.close()
    }

    func testDownloadConvertsOnlyTheMatchIntoEveryWritableFormat() async throws {
        let archive = try await sqliteArchive()
        let truth = try await makeArchive(archive)
        XCTAssertEqual(truth.count, 3)
        let server = try await RunningArchiveServer(archive)
        defer { Task { await server.stop() } }
        // Every writable format once, for the second match of the two-match file (its frames
        // only); the other two in one format each, one of them from the .echoreplay (6
        // conversions: each costs seconds in a debug build).
        let plan: [(SimulatedCapture, [String])] = [
            (truth[1], ["nevrcap", "echoreplay", "tape", "nvr"]), (truth[0], ["nevrcap"]), (truth[2], ["nvr"]),
        ]
        for (match, formats) in plan {
            for format in formats {
                let answer = try await get(server.base + "/matches/\(match.id)/download?format=\(format)")
                XCTAssertEqual(answer.status, 200, "\(format): \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
                XCTAssertEqual(answer.headers["content-type"], "application/octet-stream")
                XCTAssertTrue(answer.headers["content-disposition"]?.hasSuffix(".\(format)\"") ?? false, "\(answer.headers)")
                let file = dir.appendingPathComponent("got-\(UUID().uuidString).\(format)")
                try Data(answer.body).write(to: file)
                // Read back with the capture layer: exactly the match's frames, its session id only.
                let reader = try CaptureFormat.open(file)
                var frames = 0
                var sessions = Set<String>()
                while var record = try reader.next() {
                    frames += 1
                    if let id = try record.typedFrame(index: 0).session.sessionID { sessions.insert(id) }
                }
                XCTAssertEqual(frames, match.frames, "\(format) of \(match.id)")
                XCTAssertEqual(sessions, [match.sessionID], "\(format) of \(match.id)")
            }
        }
        let butter = try await get(server.base + "/matches/\(truth[0].id)/download?format=butter")
        XCTAssertEqual(butter.status, 400)
        XCTAssertNotNil(butter.object["error"] as? String)
        // Nothing is left in the server's scratch folder once downloads are sent.
        let scratch = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
            .filter { $0.hasPrefix("nevr-archive-serve-") }
            .flatMap { (try? FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.appendingPathComponent($0).path)) ?? [] }
        XCTAssertEqual(scratch, [], "converted files are deleted after sending")
        await server.stop()
        try await archive.close()
    }

    func testBadQueriesAnswer400Or404WithJSONAndTheServerGoesOn() async throws {
        let archive = try await sqliteArchive()
        let truth = try await makeArchive(archive)
        let server = try await RunningArchiveServer(archive)
        defer { Task { await server.stop() } }
        let id = truth[0].id
        let cases: [(String, Int)] = [
            ("/matches?page=-1", 400), ("/matches?page=0", 400), ("/matches?limit=1000000000000", 400),
            ("/matches?limit=99999999999999999999999999", 400), ("/matches?limit=abc", 400), ("/matches?limit=0x10", 400),
            ("/matches?limit=+5", 400), ("/matches?limit=1.5", 400), ("/matches?limit=", 400), ("/matches?page=10000000&limit=1000", 400),
            ("/matches?limit=1&limit=2", 400), ("/matches?bogus=1", 400), ("/matches?player=%zz", 400), ("/matches?player=%ff", 400),
            ("/matches?player=%00", 400), ("/matches?%=1", 400), ("/matches?player=" + String(repeating: "a", count: 600), 400),
            ("/matches?map=" + String(repeating: "m", count: 5000), 414), ("/matches?&&&", 200), ("/matches?player=nobody", 200),
            ("/matches/no-such-match", 404), ("/matches/no-such-match/events", 404), ("/matches/no-such-match/download", 404),
            ("/matches/\(id)/events?kinds=Bad-Kind", 400), ("/matches/\(id)/events?limit=10001", 400),
            ("/matches/\(id)/download?format=bogus", 400), ("/matches/\(id)/download?format=butter", 400),
            ("/players?limit=-5", 400), ("/players/no-such-player/stats", 404),
            ("/players/\(truth[0].saves.keys.first!)/stats?columns=saves;DROP%20TABLE%20matches", 400),
            ("/players/\(truth[0].saves.keys.first!)/stats?total=maybe", 400), ("/players/\(truth[0].saves.keys.first!)/stats?last=0", 400),
            ("/summary?x=1", 400), ("/no/such/route", 404),
        ]
        for (path, status) in cases {
            let answer = try await rawGet(port: server.port, path)
            XCTAssertEqual(answer.status, status, "\(path.prefix(80)): \(String(decoding: answer.body.prefix(200), as: UTF8.self))")
            if status != 200 {
                XCTAssertNotNil(answer.object["error"] as? String, "\(path.prefix(80)): a JSON error body")
                XCTAssertEqual(answer.headers["content-type"], "application/json; charset=utf-8", String(path.prefix(80)))
            }
        }
        let post = try await get(server.base + "/matches", post: true)
        XCTAssertTrue([404, 405].contains(post.status))
        XCTAssertNotNil(post.object["error"] as? String)

        // A capture that moved away after archiving: 404 with a reason, not a 500.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("single.echoreplay"))
        let gone = try await get(server.base + "/matches/\(truth[2].id)/download")
        XCTAssertEqual(gone.status, 404)
        XCTAssertTrue((gone.object["error"] as? String)?.contains("no longer") ?? false, "\(gone.object)")

        // Still answering, also many requests at once.
        try await withThrowingTaskGroup(of: Int.self) { group in
            let client: HTTPClient = self.client, base = server.base
            for i in 0..<32 { group.addTask { try await Self.fetch(client, base + (i % 2 == 0 ? "/matches" : "/matches?page=-1")).status } }
            var codes: [Int] = []
            for try await code in group { codes.append(code) }
            XCTAssertEqual(codes.filter { $0 == 200 }.count, 16)
            XCTAssertEqual(codes.filter { $0 == 400 }.count, 16)
        }
        let summary = try await get(server.base + "/summary")
        XCTAssertEqual(summary.status, 200)
        await server.stop()
        try await archive.close()
    }

    /// docs/archive-openapi.yaml against the server, by an independent Python client
    /// (Tests/Scripts/openapi_check.py), on SQLite here and on PostgreSQL below.
    func runOpenAPICheck(_ archive: Archive, truth: [SimulatedCapture]) async throws {
        let server = try await RunningArchiveServer(archive)
        let root = SharedData.packageRoot
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", root.appendingPathComponent("Tests/Scripts/openapi_check.py").path, server.base,
            root.appendingPathComponent("docs/archive-openapi.yaml").path,
            "--match-id", truth[0].id, "--player-id", truth[0].saves.keys.sorted()[0],
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // Read on a Dispatch thread: the server answers on this process's event loops meanwhile.
        let text: String = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }
        }
        await server.stop()
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("openapi_check: 7 routes,"), text)
        XCTAssertTrue(text.contains(" 0 failed"), text)
    }

    func testEveryRouteOfTheOpenAPIFileAnswersWithItsShapeOnSQLite() async throws {
        let archive = try await sqliteArchive()
        let truth = try await makeArchive(archive)
        try await runOpenAPICheck(archive, truth: truth)
        try await archive.close()
    }

    func testEveryRouteOfTheOpenAPIFileAnswersWithItsShapeOnPostgreSQL() async throws {
        let archive = try await postgresArchive()
        let truth = try await makeArchive(archive)
        try await runOpenAPICheck(archive, truth: truth)
        try await archive.close()
    }
}
