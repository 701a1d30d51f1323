import Foundation
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest

/// `nevr simulate` and `nevr demo`, run as the built executable.
final class SimulateDemoCLITests: XCTestCase {
    func truthLines(_ url: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func testSimulateWritesEchoReplayAndTruthDeterministically() throws {
        let dir = try SharedData.temporaryDirectory("nevr-simulate")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.echoreplay"), b = dir.appendingPathComponent("b.echoreplay")
        for url in [a, b] {
            let r = try NEVRProcess.run(["simulate", "--seed", "5", "--duration", "30s", "--rate", "10", "--bones", "--plain", "--out", url.path])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("300 frames"), r.stdout)
        }
        XCTAssertEqual(try Data(contentsOf: a), try Data(contentsOf: b), "same seed, same bytes")
        let reader = try EchoReplayReader(url: a)
        var frames = 0
        while let record = try reader.next() {
            XCTAssertNoThrow(try GameJSONReader.parseSession(record.session))
            XCTAssertNotNil(record.bones)
            frames += 1
        }
        XCTAssertEqual(frames, 300)
        XCTAssertEqual(reader.skippedCount, 0)
        let truthA = URL(fileURLWithPath: a.path + ".truth.jsonl")
        let truth = try truthLines(truthA)
        XCTAssertGreaterThan(truth.count, 5)
        XCTAssertEqual(try Data(contentsOf: truthA), try Data(contentsOf: URL(fileURLWithPath: b.path + ".truth.jsonl")))
        for line in truth {
            let frame = try XCTUnwrap(line["frame"] as? Int)
            XCTAssert((1..<300).contains(frame))
            XCTAssertNotNil(EventKind(name: try XCTUnwrap(line["kind"] as? String)))
            XCTAssertNotNil(line["slots"] as? [Int])
        }
        let c = dir.appendingPathComponent("c.echoreplay")
        XCTAssertEqual(try NEVRProcess.run(["simulate", "--seed", "6", "--duration", "30s", "--rate", "10", "--plain", "--out", c.path]).status, 0)
        XCTAssertNotEqual(try Data(contentsOf: a), try Data(contentsOf: c))
    }

    func testSimulateWritesNevrcapByExtension() throws {
        let dir = try SharedData.temporaryDirectory("nevr-simulate")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("m.nevrcap")
        let r = try NEVRProcess.run(["simulate", "--seed", "2", "--duration", "40s", "--rate", "15", "--players", "6", "--out", url.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let reader = try NevrcapReader(url: url)
        XCTAssertTrue(reader.header?.captureID.hasPrefix("simulated-2-") ?? false)
        var frames = 0, events = 0
        while let f = try reader.next() {
            XCTAssertEqual(f.session.matchType, "Echo_Arena_Private")
            frames += 1
            events += f.events.count
        }
        XCTAssertEqual(frames, 600)
        XCTAssertGreaterThan(events, 10, "a .nevrcap carries detected events")
        XCTAssertGreaterThan(try truthLines(URL(fileURLWithPath: url.path + ".truth.jsonl")).count, 10)
    }

    func testSimulateRejectsBadOptionsAndUnwritablePaths() throws {
        let short = try NEVRProcess.run(["simulate", "--duration", "10s", "--out", "/tmp/never.echoreplay"])
        XCTAssertNotEqual(short.status, 0)
        XCTAssertTrue(short.stderr.contains("duration must be at least 30 s"), short.stderr)
        let players = try NEVRProcess.run(["simulate", "--players", "40", "--out", "/tmp/never.echoreplay"])
        XCTAssertNotEqual(players.status, 0)
        XCTAssertTrue(players.stderr.contains("players"), players.stderr)
        let path = "/nonexistent-nevr-dir/x.echoreplay"
        let bad = try NEVRProcess.run(["simulate", "--duration", "30s", "--out", path])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.hasPrefix("nevr: \(path): "), bad.stderr)
    }

    func testDemoWritesBothFormatsAndSummarises() throws {
        let dir = try SharedData.temporaryDirectory("nevr-demo")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try NEVRProcess.run(["demo", "--out", dir.path, "--duration", "40s", "--rate", "20"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for name in ["demo.echoreplay", "demo.nevrcap", "demo.truth.jsonl"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), name)
        }
        XCTAssertTrue(r.stdout.contains("frames     800 "), r.stdout)
        XCTAssertTrue(r.stdout.contains("read back 800 frames"), r.stdout)
        XCTAssertTrue(r.stdout.contains("events by kind"), r.stdout)
        XCTAssertTrue(r.stdout.contains("round_started"), r.stdout)
        XCTAssertTrue(r.stdout.contains("frames/s"), r.stdout)
        let echo = try EchoReplayReader(url: dir.appendingPathComponent("demo.echoreplay"))
        var n = 0
        while try echo.next() != nil { n += 1 }
        XCTAssertEqual(n, 800)
        XCTAssertTrue(echo.isZipped)
    }

    /// The README's main job: no arguments, no files, no network.
    func testDemoRunsWithNoArguments() throws {
        let r = try NEVRProcess.run(["demo"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("frames     7200 "), r.stdout)
        let out = try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.contains("  output ") })
        let path = String(out.split(separator: " ", omittingEmptySubsequences: true)[1])
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + "/demo.nevrcap"))
        XCTAssertTrue(r.stderr.contains("the files are kept in \(path) (a temporary folder"), r.stderr)
        try? FileManager.default.removeItem(atPath: path)
        // The summary scores like `nevr accuracy` (the library's matching windows): the derived
        // kinds reported after they happen are matched, not 3 detected / 0 matched.
        for kind in ["big_boost", "interception", "throw_details"] {
            let row = try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.hasPrefix("    \(kind) ") }, "\(kind) row in\n\(r.stdout)")
            let numbers = row.split(separator: " ").compactMap { Int($0) }
            XCTAssertEqual(numbers.count, 3, String(row))
            XCTAssertGreaterThan(numbers.first ?? 0, 0, String(row))
            XCTAssertEqual(Set(numbers).count, 1, "detected, truth and matched must agree: \(row)")
        }
    }

    /// On a terminal (a pseudo-terminal made by `script`), the long jobs `demo` and `inspect`
    /// draw a progress line with a percentage, and erase it before their summary.
    func testDemoAndInspectShowProgressOnATerminal() throws {
        let dir = try SharedData.temporaryDirectory("nevr-progress")
        defer { try? FileManager.default.removeItem(at: dir) }
        let nevr = try NEVRProcess.binary().path
        func onTerminal(_ command: String) throws -> String {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            p.arguments = ["-qec", command, "/dev/null"]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            p.standardInput = FileHandle.nullDevice
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0, command)
            return String(decoding: data, as: UTF8.self)
        }
        let demo = try onTerminal("'\(nevr)' demo --out '\(dir.path)' --duration 30s --rate 20")
        XCTAssertTrue(demo.range(of: #"demo [0-9]+%"#, options: .regularExpression) != nil, demo)
        XCTAssertTrue(demo.contains("\u{1B}[K"), "the progress line is erased: \(demo)")
        let inspect = try onTerminal("'\(nevr)' inspect '\(dir.path)/demo.echoreplay'")
        XCTAssertTrue(inspect.range(of: #"inspecting demo.echoreplay [0-9]+%"#, options: .regularExpression) != nil, inspect)
    }
}
