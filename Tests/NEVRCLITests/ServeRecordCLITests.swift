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
    func recording(_ name: String, count: Int, id: Character = "A", status: String? = nil) throws -> URL {
        var frame = try GameJSONReader.parseSession(session)
        var text: [UInt8] = []
        for i in 0..<count {
            frame.sessionID = String(repeating: id, count: 8) + "-0000-0000-0000-000000000000"
            frame.gameClock = 300 - Double(i) * 0.1
            if let status { frame.gameStatus = status }
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
        init(_ arguments: [String]) throws {
            process = Process()
            process.executableURL = try NEVRProcess.binary()
            process.arguments = ["serve"] + arguments + ["--port", "0"]
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
        XCTAssertTrue(r.stderr.contains("127.0.0.1:1: never answered"), r.stderr)

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
}
