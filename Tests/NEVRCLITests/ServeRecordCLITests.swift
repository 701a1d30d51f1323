import Foundation
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `nevr serve` (playlist, /status, control) and `nevr record` (several servers, filters)
/// against each other, both as the real binary.
final class ServeRecordCLITests: XCTestCase {
    var dir: URL!
    var session: [UInt8] = []

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("nevr-serve-record")
        session = try SharedData.bytes(SharedData.frame2021)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// A plain `.echoreplay` of `count` frames 100 ms apart whose `game_clock` counts down
    /// from `clock`, with `sessionid` replaced by `id` (same length as the real one).
    func recording(_ name: String, count: Int, id: Character = "A", status: String? = nil, goalAt: Int? = nil) throws -> URL {
        var frame = try GameJSONReader.parseSession(session)
        var text: [UInt8] = []
        for i in 0..<count {
            frame.sessionID = String(repeating: id, count: 8) + "-0000-0000-0000-000000000000"
            frame.gameClock = 300 - Double(i) * 0.1
            if let status { frame.gameStatus = status }
            if goalAt != nil, i == 0 { frame.bluePoints = 0 }
            if let goalAt, i == goalAt { frame.bluePoints = 1 }
            var json: [UInt8] = []
            GameJSONWriter.write(frame, into: &json)
            let ms = 100 + i * 100
            text += Array(String(format: "2021/11/20 21:%02d:%02d.%03d", 5 + ms / 60_000, (ms / 1000) % 60, ms % 1000).utf8) + [0x09] + json + [0x0D, 0x0A]
        }
        let url = dir.appendingPathComponent(name)
        try Data(text).write(to: url)
        return url
    }

    /// A running `nevr serve` and its base URL.
    final class Served {
        let process: Process
        let url: String
        init(_ arguments: [String], port: Int = 0) throws {
            process = Process()
            process.executableURL = try NEVRProcess.binary()
            process.arguments = ["serve"] + arguments + ["--port", "\(port)"]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line = Data()
            while !line.contains(0x0A) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line += chunk
            }
            url = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func stop() {
            if process.isRunning { process.interrupt() }
            process.waitUntilExit()
        }
    }

    func request(_ url: String, method: String = "GET") throws -> (status: Int, json: [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Int, Data)?
        URLSession.shared.dataTask(with: request) { data, response, _ in
            result = ((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data())
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + 10)
        let (status, data) = result ?? (0, Data())
        return (status, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    func testServeStatusAndControlPauseSeekAndSpeed() throws {
        let a = try recording("a.echoreplay", count: 600)   // 60 s at 10 Hz
        let served = try Served(["--replay", a.path])
        defer { served.stop() }
        XCTAssertTrue(served.url.hasPrefix("http://127.0.0.1:"), served.url)

        var status = try request(served.url + "/status")
        XCTAssertEqual(status.status, 200)
        XCTAssertEqual(status.json["file"] as? String, a.path)
        XCTAssertEqual(status.json["paused"] as? Bool, false)

        status = try request(served.url + "/control/pause", method: "POST")
        XCTAssertEqual(status.json["paused"] as? Bool, true)
        status = try request(served.url + "/control/seek?seconds=30", method: "POST")
        XCTAssertEqual(status.status, 200)
        Thread.sleep(forTimeInterval: 0.5)
        status = try request(served.url + "/status")
        XCTAssertEqual(status.json["frame"] as? Int, 300, "seeking to 30 s shows frame 300 even while paused: \(status.json)")
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(try request(served.url + "/status").json["frame"] as? Int, 300, "paused: the frame stays")

        status = try request(served.url + "/control/seek?frame=100", method: "POST")
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(try request(served.url + "/status").json["frame"] as? Int, 100)

        status = try request(served.url + "/control/speed?value=10", method: "POST")
        XCTAssertEqual(status.json["speed"] as? Double, 10)
        _ = try request(served.url + "/control/resume", method: "POST")
        Thread.sleep(forTimeInterval: 1.0)
        let moved = (try request(served.url + "/status").json["frame"] as? Int) ?? 0
        XCTAssertGreaterThan(moved, 150, "10x speed plays about 100 frames a second")

        XCTAssertEqual(try request(served.url + "/control/speed?value=0", method: "POST").status, 400)
        XCTAssertEqual(try request(served.url + "/control/seek?seconds=-1", method: "POST").status, 400)
        XCTAssertEqual(try request(served.url + "/control/seek", method: "POST").status, 400)
    }

    func testServePlaysAFolderInSequence() throws {
        let folder = dir.appendingPathComponent("list", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let first = try recording("list/1.echoreplay", count: 60, id: "A")
        let second = try recording("list/2.echoreplay", count: 60, id: "B")
        try Data("not a recording".utf8).write(to: folder.appendingPathComponent("README.md"))
        let served = try Served(["--replay", folder.path, "--speed", "5"])
        defer { served.stop() }
        let start = try request(served.url + "/status")
        XCTAssertEqual(start.json["files"] as? Int, 2, "\(start.json)")
        var seen = Set<String>()
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, seen.count < 2 {
            if let file = try request(served.url + "/status").json["file"] as? String { seen.insert(file) }
            Thread.sleep(forTimeInterval: 0.02)
        }
        XCTAssertEqual(seen, [first.path, second.path])
    }

    func testDeprecatedServeRateStillWorksWithAWarning() throws {
        let a = try recording("a.echoreplay", count: 3)
        let p = Process()
        p.executableURL = try NEVRProcess.binary()
        p.arguments = ["serve", "--replay", a.path, "--rate", "2", "--port", "0"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        Thread.sleep(forTimeInterval: 1.5)
        p.interrupt()
        p.waitUntilExit()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(text.contains("warning: --rate is deprecated, use --speed"), text)
    }

    /// Two servers given as a port range are recorded at once, each into its own folder; a
    /// third port in the range with nothing listening is polled quietly.
    func testRecordSeveralServersFromARange() throws {
        let a = try recording("a.echoreplay", count: 400, id: "A")
        let b = try recording("b.echoreplay", count: 400, id: "B")
        let one = try Served(["--replay", a.path])
        defer { one.stop() }
        let two = try Served(["--replay", b.path])
        defer { two.stop() }
        let p1 = Int(one.url.split(separator: ":").last!)!, p2 = Int(two.url.split(separator: ":").last!)!
        let out = dir.appendingPathComponent("rec", isDirectory: true)
        let r = try NEVRProcess.run(["record", "--url", "127.0.0.1:\(min(p1, p2))", "--url", "127.0.0.1:\(max(p1, p2))",
                                     "--url", "127.0.0.1:1", "--rate", "20", "--duration", "3s", "--out", out.path, "--plain"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for port in [p1, p2] {
            let folder = out.appendingPathComponent("127.0.0.1_\(port)")
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            XCTAssertEqual(files.filter { $0.hasSuffix(".echoreplay") }.count, 1, "\(folder.path): \(files)\n\(r.stderr)")
        }
        XCTAssertTrue(r.stdout.contains("AAAAAAAA") && r.stdout.contains("BBBBBBBB"), r.stdout)
        XCTAssertTrue(r.stderr.contains("nevr: 127.0.0.1:1: connection refused (is the game running with its API enabled?)"), r.stderr)
        for raw in ["NIO", "errno", "Error(", "HTTPClient"] { XCTAssertFalse(r.stderr.contains(raw), "\(raw) in \(r.stderr)") }

        let bad = try NEVRProcess.run(["record", "--url", "127.0.0.1:6730-6721"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("runs backwards"), bad.stderr)
        let port = try NEVRProcess.run(["record", "--url", "http://127.0.0.1:99999"])
        XCTAssertEqual(port.status, 64)
        XCTAssertTrue(port.stderr.contains("not a port"), port.stderr)
    }

    /// `--match-types` that no frame has records nothing and says how many were filtered out;
    /// `--split round` starts a file per round.
    func testRecordFiltersAndSplitsByRound() throws {
        let a = try recording("a.echoreplay", count: 400, id: "C", status: "playing")
        let served = try Served(["--replay", a.path])
        defer { served.stop() }
        let out = dir.appendingPathComponent("filtered", isDirectory: true)
        let r = try NEVRProcess.run(["record", "--url", served.url, "--rate", "20", "--duration", "2s", "--out", out.path,
                                     "--match-types", "echo_combat", "--plain"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("recorded 0 frames"), r.stderr)
        XCTAssertTrue(r.stderr.contains("filtered out"), r.stderr)

        let kept = dir.appendingPathComponent("kept", isDirectory: true)
        let k = try NEVRProcess.run(["record", "--url", served.url, "--rate", "20", "--duration", "2s", "--out", kept.path,
                                     "--active-only", "--exclude-match-types", "social_2.0", "--split", "round", "--plain"])
        XCTAssertEqual(k.status, 0, k.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: kept.path)
        XCTAssertEqual(files.count, 1, "\(files)")
        XCTAssertTrue(files.first?.contains("_round") ?? false, "\(files)")
    }

    /// A `nevr record` running in the background, its stdout and stderr in files.
    final class Recording {
        let process = Process()
        let outURL: URL
        let errURL: URL
        init(_ arguments: [String], in dir: URL) throws {
            outURL = dir.appendingPathComponent("record.stdout")
            errURL = dir.appendingPathComponent("record.stderr")
            _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
            process.executableURL = try NEVRProcess.binary()
            process.arguments = ["record"] + arguments
            process.standardOutput = try FileHandle(forWritingTo: outURL)
            process.standardError = try FileHandle(forWritingTo: errURL)
            try process.run()
        }
        var stdout: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }
        func wait() -> Int32 {
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    /// `--buffer 2s` writes nothing until SIGUSR1, then one clip per format holding at most the
    /// last 2 s: the `.nevrcap` clip starts with a full frame (index 0, no events) whose session
    /// is the one in the `.echoreplay` clip; the process keeps recording and ends normally.
    func testRecordBufferSavesAClipOnSIGUSR1() throws {
        let a = try recording("a.echoreplay", count: 600, id: "D", status: "playing")
        let served = try Served(["--replay", a.path])
        defer { served.stop() }
        let out = dir.appendingPathComponent("clips", isDirectory: true)
        let rec = try Recording(["--url", served.url, "--rate", "20", "--buffer", "2s", "--duration", "7s",
                                 "--format", "both", "--out", out.path], in: dir)
        Thread.sleep(forTimeInterval: 4.5)
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: out.path))?.count ?? 0, 0,
                       "nothing may be written before a clip is asked for")
        kill(rec.process.processIdentifier, SIGUSR1)
        XCTAssertEqual(rec.wait(), 0, rec.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        XCTAssertEqual(files.count, 2, "\(files)\n\(rec.stderr)")
        XCTAssertTrue(files.allSatisfy { $0.hasPrefix("clip_") && $0.contains("DDDDDDDD") }, "\(files)")
        XCTAssertTrue(rec.stderr.contains("saved a clip of") && rec.stderr.contains("on SIGUSR1"), rec.stderr)
        XCTAssertTrue(rec.stderr.contains("1 clip saved"), rec.stderr)
        XCTAssertEqual(rec.stdout.split(separator: "\n").count, 2, rec.stdout)

        let echo = try EchoReplayReader(url: out.appendingPathComponent(files.first { $0.hasSuffix(".echoreplay") }!))
        var records: [EchoReplayRecord] = []
        while let r = try echo.next() { records.append(r) }
        // At least a second's worth of frames at 20 Hz under load, never more than the 2 s window.
        XCTAssertGreaterThan(records.count, 10)
        let span = records.last!.timestamp.nanosecondsSinceEpoch - records.first!.timestamp.nanosecondsSinceEpoch
        XCTAssertLessThanOrEqual(span, 2_000_000_000)
        let cap = try NevrcapReader(url: out.appendingPathComponent(files.first { $0.hasSuffix(".nevrcap") }!))
        var frames: [Frame] = []
        while let f = try cap.next() { frames.append(f) }
        XCTAssertEqual(frames.count, records.count)
        XCTAssertEqual(frames.first?.index, 0)
        XCTAssertEqual(frames.first?.events.count, 0, "a clip's first frame is a silent baseline")
        XCTAssertEqual(frames.first?.session, try GameJSONReader.parseSession(records[0].session))
        XCTAssertEqual(frames.first?.timestamp, records[0].timestamp)
    }

    /// `--save-on goal_scored` saves a clip by itself when a goal is detected; the events derived
    /// from the clip alone (`nevr events` on the file) hold exactly that one goal.
    func testRecordBufferSavesAClipOnAGoal() throws {
        let a = try recording("a.echoreplay", count: 600, id: "E", status: "playing", goalAt: 45)
        let served = try Served(["--replay", a.path])
        defer { served.stop() }
        let out = dir.appendingPathComponent("goals", isDirectory: true)
        let r = try NEVRProcess.run(["record", "--url", served.url, "--rate", "20", "--buffer", "3s", "--save-on", "goal_scored",
                                     "--duration", "8s", "--out", out.path, "--plain"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path)
        XCTAssertEqual(files.count, 1, "\(files)\n\(r.stderr)")
        XCTAssertTrue(r.stderr.contains("on goal_scored"), r.stderr)
        let clip = out.appendingPathComponent(files[0]).path
        let events = try NEVRProcess.run(["events", clip, "--kinds", "goal_scored"])
        XCTAssertEqual(events.status, 0, events.stderr)
        XCTAssertEqual(events.stdout.split(separator: "\n").filter { $0.contains("goal_scored") }.count, 1, events.stdout)

        let bad = try NEVRProcess.run(["record", "--buffer", "30s", "--save-on", "goal"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("unknown event kind goal") && bad.stderr.contains("goal_scored"), bad.stderr)
        let alone = try NEVRProcess.run(["record", "--save-on", "goal_scored"])
        XCTAssertEqual(alone.status, 64)
        XCTAssertTrue(alone.stderr.contains("--save-on needs --buffer"), alone.stderr)
    }

    /// Servers that come and go while recording: one is started late (on a port that refused at
    /// first), the other stops; both get their file, and `--status-log` lines list both servers
    /// with their states as they change.
    func testRecordPicksUpServersThatComeAndGo() throws {
        let a = try recording("a.echoreplay", count: 600, id: "F")
        let b = try recording("b.echoreplay", count: 600, id: "G")
        // A port that was just in use and is free now: the late server's.
        let probe = try Served(["--replay", b.path])
        let latePort = Int(probe.url.split(separator: ":").last!)!
        probe.stop()
        let early = try Served(["--replay", a.path])
        var earlyStopped = false
        defer { if !earlyStopped { early.stop() } }
        let earlyPort = Int(early.url.split(separator: ":").last!)!
        let out = dir.appendingPathComponent("come-go", isDirectory: true)
        let rec = try Recording(["--url", "127.0.0.1:\(earlyPort)", "--url", "127.0.0.1:\(latePort)", "--rate", "20",
                                 "--idle-rate", "4", "--idle-timeout", "1s", "--duration", "9s", "--status-log",
                                 "--out", out.path, "--plain"], in: dir)
        Thread.sleep(forTimeInterval: 2.5)
        let late = try Served(["--replay", b.path], port: latePort)
        defer { late.stop() }
        Thread.sleep(forTimeInterval: 2.5)
        early.stop()
        earlyStopped = true
        XCTAssertEqual(rec.wait(), 0, rec.stderr)

        for (port, id) in [(earlyPort, "FFFFFFFF"), (latePort, "GGGGGGGG")] {
            let folder = out.appendingPathComponent("127.0.0.1_\(port)")
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            XCTAssertEqual(files.count, 1, "\(folder.path): \(files)\n\(rec.stderr)")
            XCTAssertTrue(files.first?.contains(id) ?? false, "\(files)")
        }
        let status = rec.stderr.split(separator: "\n").filter { $0.hasPrefix("nevr record: status: ") }
        func seen(_ earlyState: String, _ lateState: String) -> Bool {
            status.contains { $0.contains("\(earlyPort) \(earlyState)") && $0.contains("\(latePort) \(lateState)") }
        }
        XCTAssertTrue(seen("●", "not reachable"), "before the late server: \(status)")
        XCTAssertTrue(seen("●", "●"), "both recording: \(status)")
        XCTAssertTrue(seen("not reachable", "●"), "after the early server stopped: \(status)")
    }

    /// `POST /clip` on the hub (with its token) makes a recorder publishing there with `--buffer`
    /// save a clip; without the token the hub answers 401 and nothing is saved.
    func testHubClipRequestSavesAClipInTheRecorder() throws {
        let hub = try RunningHub(["--token", "s3cret"], in: dir)
        defer { hub.stop() }
        let hubURL = hub.url
        let http = hubURL.replacingOccurrences(of: "ws://", with: "http://")

        let a = try recording("a.echoreplay", count: 600, id: "H", status: "playing")
        let served = try Served(["--replay", a.path])
        defer { served.stop() }
        let out = dir.appendingPathComponent("hub-clips", isDirectory: true)
        let rec = try Recording(["--url", served.url, "--rate", "20", "--buffer", "2s", "--duration", "7s", "--plain",
                                 "--hub", hubURL + "/publish", "--token", "s3cret", "--out", out.path], in: dir)
        Thread.sleep(forTimeInterval: 3.5)
        XCTAssertEqual(try request(http + "/clip", method: "POST").status, 401)
        let asked = try request(http + "/clip?token=s3cret", method: "POST")
        XCTAssertEqual(asked.status, 200)
        XCTAssertEqual(asked.json["clip_requests"] as? Int, 1)
        XCTAssertEqual(asked.json["publishers"] as? Int, 1)
        XCTAssertEqual(rec.wait(), 0, rec.stderr)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
        XCTAssertEqual(files.count, 1, "\(files)\n\(rec.stderr)")
        XCTAssertTrue(files.first?.hasPrefix("clip_") ?? false, "\(files)")
        XCTAssertTrue(rec.stderr.contains("on hub request"), rec.stderr)

        // A hub that is not there is named with its URL, in plain words.
        let refused = try NEVRProcess.run(["watch", "ws://127.0.0.1:1/subscribe"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("nevr: ws://127.0.0.1:1/subscribe: connection refused (is nevr hub running there?)"), refused.stderr)
        XCTAssertFalse(refused.stderr.contains("ConnectionFailure") || refused.stderr.contains("errno"), refused.stderr)
    }

    /// `record --hub` to a hub started with `--token`: without a token (or with a wrong one) the
    /// user is told at once that the hub answered 401 and how to pass the token; the files are
    /// still written, and the run exits 1 because the hub acknowledged none of the frames. With the
    /// right token every frame is acknowledged and it exits 0.
    func testRecordToAHubThatRefusesTheTokenSaysSoAndHowToPassIt() throws {
        let hub = try RunningHub(["--token", "s3cret"], in: dir)
        defer { hub.stop() }
        let a = try recording("a.echoreplay", count: 600, id: "T", status: "playing")
        let served = try Served(["--replay", a.path])
        defer { served.stop() }
        let publish = hub.url + "/publish"

        var elapsed: [String: TimeInterval] = [:]
        func record(_ name: String, _ extra: [String]) throws -> (NEVRProcess.Output, [String]) {
            let out = dir.appendingPathComponent(name, isDirectory: true)
            let started = Date()
            let r = try NEVRProcess.run(["record", "--url", served.url, "--rate", "20", "--duration", "2s", "--hub", publish, "--out", out.path] + extra)
            elapsed[name] = Date().timeIntervalSince(started)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
            return (r, files)
        }
        let (none, noneFiles) = try record("no-token", [])
        XCTAssertEqual(none.status, 1, none.stderr)
        XCTAssertTrue(none.stderr.contains(
            "nevr: \(publish): the hub refused the connection: it needs a token (401 Unauthorized); pass it with --token TOKEN\n"), none.stderr)
        XCTAssertEqual(noneFiles.filter { $0.hasSuffix(".echoreplay") }.count, 1, "\(noneFiles)\n\(none.stderr)")
        XCTAssertTrue(none.stderr.contains(" 0 of "), none.stderr)

        let (wrong, _) = try record("wrong-token", ["--token", "nope"])
        XCTAssertEqual(wrong.status, 1, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains(
            "nevr: \(publish): the hub refused the token (401 Unauthorized): check the value given with --token TOKEN"), wrong.stderr)

        let (right, rightFiles) = try record("right-token", ["--token", "s3cret"])
        XCTAssertEqual(right.status, 0, right.stderr)
        XCTAssertFalse(right.stderr.contains("401"), right.stderr)
        XCTAssertEqual(rightFiles.filter { $0.hasSuffix(".echoreplay") }.count, 1, "\(rightFiles)")
        let acked = try XCTUnwrap(right.stderr.range(of: #"streamed to \S+: ([0-9]+) of ([0-9]+) frames acknowledged"#, options: .regularExpression),
                                  right.stderr)
        let numbers = right.stderr[acked].split(separator: " ").compactMap { Int($0) }
        XCTAssertEqual(numbers.count, 2, String(right.stderr[acked]))
        XCTAssertGreaterThan(numbers.first ?? 0, 0)
        XCTAssertEqual(numbers.first, numbers.last, String(right.stderr[acked]))

        for r in [none, wrong, right] {
            for raw in ["WebSocketClientError", "upgradeFailed", "NIO", "errno", "Error("] { XCTAssertFalse(r.stderr.contains(raw), "\(raw) in \(r.stderr)") }
        }
        // A refusal will not change, so the end of the 2 s recording is not followed by the
        // publisher's 10 s wait for acks (the bound is loose for a loaded machine; it was over 12 s).
        for name in ["no-token", "wrong-token"] {
            XCTAssertLessThan(elapsed[name] ?? .infinity, 7, "\(name): a refused hub held the exit")
        }
    }

    /// A recorder no game server ever answered has failed: exit 1, the refused connection named.
    func testRecordWhereNoServerAnswersExitsOne() throws {
        let r = try NEVRProcess.run(["record", "--url", "127.0.0.1:1", "--duration", "1s", "--out", dir.appendingPathComponent("none").path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("nevr: 127.0.0.1:1: connection refused (is the game running with its API enabled?)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("no game server answered"), r.stderr)
    }
}
