import Foundation
import NEVRCore
import NEVRSimulator
import NEVRTestSupport
import XCTest

@testable import NEVRCapture

/// Cross-checks `.nvr` with an independent decoder written from docs/nvr-format.md in Python
/// (Tests/Scripts/nvr_decode.py: its own template parser, roles, column decoding and the game's
/// float spelling via `%.8g`). Needs python3 and pip `zstandard` (scripts/bootstrap.sh installs
/// them); fails, never skips, when one is missing.
final class NVRIndependentCheckTests: XCTestCase {
    private var dir: URL!
    private let script = SharedData.packageRoot.appendingPathComponent("Tests/Scripts/nvr_decode.py").path

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("nvr-py")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// Writes `docs`, decodes with Python, and compares line by line with the originals and
    /// with what the Swift reader returns.
    func check(_ name: String, _ docs: [(Timestamp, [UInt8], [UInt8]?)], cutTo: Int? = nil, version: Int = 3) throws {
        let url = dir.appendingPathComponent(name)
        let w = try NVRWriter(url: url, options: .init(maxBlockFrames: 20, formatVersion: version))
        for (t, s, b) in docs { try w.write(session: s, bones: b, timestamp: t) }
        try w.finish()
        if let cutTo {
            let data = try Data(contentsOf: url)
            try data.prefix(cutTo).write(to: url)
        }
        // Documents may hold newlines themselves (pretty JSON): compare the whole output, which
        // is every session followed by one newline, as `nevr cat` prints it.
        let out = try ExternalTool.run("python3", [script, "cat", url.path])
        let r = try NVRReader(url: url)
        var swift: [[UInt8]] = []
        while let rec = try r.nextRecord() { swift.append(rec.session) }
        XCTAssertGreaterThan(swift.count, 0, name)
        let expectedOut: [UInt8] = swift.flatMap { $0 + [0x0A] }
        if [UInt8](out) != expectedOut {
            let at = zip([UInt8](out), expectedOut).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(out.count, expectedOut.count)
            XCTFail("\(name): python output differs at byte \(at) of \(expectedOut.count): \(String(decoding: [UInt8](out).dropFirst(max(0, at - 80)).prefix(200), as: UTF8.self))")
        }
        if cutTo == nil {
            XCTAssertEqual(swift, docs.map(\.1), name)
        } else {
            XCTAssertEqual(swift, Array(docs.prefix(swift.count)).map(\.1), name)
        }
        let bones = try ExternalTool.run("python3", [script, "bones", url.path])
        let expectedBones: [UInt8] = docs.prefix(swift.count).flatMap { ($0.2 ?? Array("-".utf8)) + [0x0A] }
        XCTAssertEqual([UInt8](bones), expectedBones, name)
    }

    func testPythonDecodesSimulatedMatchWithBones() throws {
        var sim = MatchSimulator(options: SimulationOptions(seed: 4, duration: 30, rate: 30, players: 10, bones: true))
        var docs: [(Timestamp, [UInt8], [UInt8]?)] = []
        while let f = sim.next(), docs.count < 30 {
            docs.append((f.timestamp, GameJSONWriter.bytes(f.session), f.bones.map { GameJSONWriter.bytes($0) }))
        }
        try check("sim.nvr", docs)
    }

    func testPythonDecodesRealAndRandomWalkFrames() throws {
        var docs: [(Timestamp, [UInt8], [UInt8]?)] = []
        var i = 0
        for name in SharedData.allFrames {
            let bytes = try SharedData.bytes(name)
            for _ in 0..<3 {
                docs.append((Timestamp(millisecondsSinceEpoch: Int64(i) * 33), bytes, nil))
                i += 1
            }
        }
        let base = try GameJSONReader.parseSession(SharedData.bytes(SharedData.frame2021))
        var gen = RandomWalkFrames(base: base, options: .init(rate: 60, seed: 2, bones: true))
        for k in 0..<40 {
            let f = gen.next()
            docs.append((f.timestamp, f.json, k % 5 == 0 ? Array("{\"err_code\":0}".utf8) : f.bones.map { GameJSONWriter.bytes($0) }))
        }
        // Exceptions: not JSON, odd spellings, unknown keys.
        docs.append((Timestamp(millisecondsSinceEpoch: 999_999), Array("{\"a\":[1E5,-0,600,12345678901234567890,\"\\u00e9\"],\"b\":null,\"c\":true}".utf8), nil))
        docs.append((Timestamp(millisecondsSinceEpoch: 1_000_000), Array("not json".utf8), nil))
        try check("mixed.nvr", docs)
    }

    /// A version-1 file (the fuzz seed written before version 2) still reads, in Swift and in
    /// Python alike, and its frames survive a version-3 and a version-2 round trip byte for byte.
    func testVersion1FileStillReads() throws {
        let v1 = SharedData.packageRoot.appendingPathComponent("Fuzz/seeds/FuzzTapeButterNVR/sim-8-frames.nvr")
        let r = try NVRReader(url: v1)
        XCTAssertEqual(r.version, 1)
        var docs: [(Timestamp, [UInt8], [UInt8]?)] = []
        while let rec = try r.nextRecord() { docs.append((rec.timestamp, rec.session, rec.bones)) }
        XCTAssertEqual(docs.count, 8)
        let out = try ExternalTool.run("python3", [script, "cat", v1.path])
        XCTAssertEqual([UInt8](out), docs.flatMap { $0.1 + [0x0A] })
        try check("v1-rewritten.nvr", docs)
        XCTAssertEqual(try NVRReader(url: dir.appendingPathComponent("v1-rewritten.nvr")).version, 3)
        // The same frames written as version 2 (the previous default) decode in Python too.
        try check("v2.nvr", docs, version: 2)
        XCTAssertEqual(try NVRReader(url: dir.appendingPathComponent("v2.nvr")).version, 2)
    }

    func testPythonReadsACutFileFromTheStart() throws {
        var sim = MatchSimulator(options: SimulationOptions(seed: 5, duration: 30, rate: 30, players: 8))
        var docs: [(Timestamp, [UInt8], [UInt8]?)] = []
        while let f = sim.next(), docs.count < 90 { docs.append((f.timestamp, GameJSONWriter.bytes(f.session), nil)) }
        let url = dir.appendingPathComponent("probe.nvr")
        let w = try NVRWriter(url: url, options: .init(maxBlockFrames: 20))
        for (t, s, b) in docs { try w.write(session: s, bones: b, timestamp: t) }
        try w.finish()
        let size = try Data(contentsOf: url).count
        try check("cut.nvr", docs, cutTo: size * 2 / 3)
        let info = try ExternalTool.run("python3", [script, "info", dir.appendingPathComponent("cut.nvr").path])
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: info) as? [String: Any])
        XCTAssertEqual(summary["indexed"] as? Bool, false)
    }
}
