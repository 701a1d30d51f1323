import Foundation
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest

/// `nevr inspect`, `convert` and `cat` run as a subprocess on recordings built from the real 2021 frame.
final class EchoReplayCLITests: XCTestCase {
    var dir: URL!
    var session: [UInt8] = []
    private let errorFrame = Array(#"{"err_description":"Endpoint is restricted in this match type","err_code":-6}"#.utf8)
    private let bones = Array(#"{"user_bones":[{"bone_t":[0.0,1.0,2.0],"playerid":0,"bone_o":[0.0,0.0,0.0,1.0]}],"err_code":0}"#.utf8)

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("nevr-cli")
        session = try SharedData.bytes(SharedData.frame2021)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// Five lines: three game frames (one with bones), an error object, and one bad line (line 4).
    func recording(zipped: Bool) throws -> URL {
        let plain = dir.appendingPathComponent("plain-source.echoreplay")
        var text: [UInt8] = []
        func line(_ ts: String, _ json: [UInt8], _ b: [UInt8]? = nil) {
            text += Array(ts.utf8) + [0x09] + json
            if let b { text += [0x09, 0x20] + b }
            text += [0x0D, 0x0A]
        }
        line("2021/11/20 21:05:33.407", session)
        line("2021/11/20 21:05:33.424", session, bones)
        line("2021/11/20 21:05:33.441", errorFrame)
        text += Array("not a frame\r\n".utf8)
        line("2021/11/20 21:05:45.000", session)
        try Data(text).write(to: plain)
        guard zipped else { return plain }
        let zippedURL = dir.appendingPathComponent("match.echoreplay")
        let writer = try EchoReplayWriter(url: zippedURL)
        let reader = try EchoReplayReader(url: plain)
        while let r = try reader.next() { try writer.write(timestamp: r.timestamp, session: r.session, bones: r.bones) }
        try writer.close()
        return zippedURL
    }

    func testInspectJSONReportsTheRecording() throws {
        let url = try recording(zipped: false)
        let result = try NEVRProcess.run(["inspect", url.path, "--json"])
        XCTAssertEqual(result.status, 2, "damaged input (a skipped line or a cut archive) exits 2\n" + result.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any])
        XCTAssertEqual(object["format"] as? String, "echoreplay-plain")
        XCTAssertEqual(object["frames"] as? Int, 4)
        XCTAssertEqual(object["game_frames"] as? Int, 3)
        XCTAssertEqual(object["error_frames"] as? Int, 1)
        XCTAssertEqual(object["skipped"] as? Int, 1)
        let skippedLines = try XCTUnwrap(object["skipped_lines"] as? [[String: Any]])
        XCTAssertEqual(skippedLines.first?["line"] as? Int, 4)
        XCTAssertEqual(object["first_timestamp"] as? String, "2021-11-20T21:05:33.407")
        XCTAssertEqual(object["last_timestamp"] as? String, "2021-11-20T21:05:45.000")
        XCTAssertEqual(try XCTUnwrap(object["duration_seconds"] as? Double), 11.593, accuracy: 1e-9)
        XCTAssertEqual(object["frames_with_bones"] as? Int, 1)

        // Expected session id and players come from the frame itself (Foundation as the oracle).
        let frame = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(session)) as? [String: Any])
        XCTAssertEqual(object["sessions"] as? [String], [try XCTUnwrap(frame["sessionid"] as? String)])
        var expected: [String] = []
        for (index, team) in (frame["teams"] as? [[String: Any]] ?? []).enumerated() {
            for p in team["players"] as? [[String: Any]] ?? [] {
                expected.append("\(index)/\(p["playerid"] as? Int ?? -1)/\(p["name"] as? String ?? "")")
            }
        }
        let players = try XCTUnwrap(object["players"] as? [[String: Any]])
        let seen = players.map { "\($0["team_index"] as? Int ?? -1)/\($0["slot"] as? Int ?? -1)/\($0["name"] as? String ?? "")" }
        XCTAssertEqual(seen.sorted(), expected.sorted())
        XCTAssertEqual(players.count, 10)
        XCTAssertTrue(players.allSatisfy { ["blue", "orange"].contains($0["team"] as? String ?? "") })
    }

    func testInspectTextOnAZippedRecording() throws {
        let url = try recording(zipped: true)
        let result = try NEVRProcess.run(["inspect", url.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("echoreplay-zip"), result.stdout)
        XCTAssertTrue(result.stdout.contains("zip_entry match.echoreplay"), result.stdout)
        XCTAssertTrue(result.stdout.contains("2021/11/20 21:05:33.407"), result.stdout)
        XCTAssertTrue(result.stdout.contains("frames with bones: 1"), result.stdout)
    }

    func testConvertZippedToPlainAndBackKeepsEveryByte() throws {
        let source = try recording(zipped: true)
        let plain = dir.appendingPathComponent("converted-plain.echoreplay")
        let result = try NEVRProcess.run(["convert", source.path, plain.path, "--plain"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("4 frames written (1 with bones), 0 lines skipped"), result.stdout)
        XCTAssertTrue(result.stdout.hasPrefix(plain.path + ": "), result.stdout)
        XCTAssertEqual(result.stderr, "", "no progress line when stderr is not a terminal")
        let plainBytes = try Data(contentsOf: plain)
        XCTAssertNotEqual(plainBytes.prefix(2), Data("PK".utf8))

        let back = dir.appendingPathComponent("back.echoreplay")
        let again = try NEVRProcess.run(["convert", plain.path, back.path])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try Data(contentsOf: back).prefix(2), Data("PK".utf8))
        let a = try records(source), b = try records(back)
        XCTAssertEqual(a.map(\.timestamp), b.map(\.timestamp))
        XCTAssertTrue(a.map(\.session) == b.map(\.session))
        XCTAssertEqual(a.map(\.bones), b.map(\.bones))
        XCTAssertEqual(b.count, 4)
    }

    func testConvertReportsSkippedLinesOnStderr() throws {
        let source = try recording(zipped: false)
        let out = dir.appendingPathComponent("out.echoreplay")
        let result = try NEVRProcess.run(["convert", source.path, out.path])
        XCTAssertEqual(result.status, 2, "damaged input (a skipped line or a cut archive) exits 2\n" + result.stderr)
        XCTAssertTrue(result.stdout.contains("4 frames written (1 with bones), 1 lines skipped"), result.stdout)
        XCTAssertTrue(result.stderr.contains("nevr: \(source.path): line 4: "), result.stderr)
    }

    func testCatPrintsTheRecordedSessionBytes() throws {
        let url = try recording(zipped: true)
        let result = try NEVRProcess.run(["cat", url.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let expected = session + [0x0A] + session + [0x0A] + errorFrame + [0x0A] + session + [0x0A]
        XCTAssertTrue([UInt8](result.stdoutBytes) == expected, "cat prints each session JSON exactly, one per line")
    }

    func testMissingFileFailsWithTheFileNamed() throws {
        let missing = dir.appendingPathComponent("missing.echoreplay").path
        for args in [["inspect", missing], ["inspect", missing, "--json"], ["cat", missing],
                     ["convert", missing, dir.appendingPathComponent("o.echoreplay").path]] {
            let result = try NEVRProcess.run(args)
            XCTAssertNotEqual(result.status, 0, "\(args)")
            XCTAssertTrue(result.stderr.hasPrefix("nevr: \(missing): cannot open"), "\(args): \(result.stderr)")
            XCTAssertEqual(result.stdout, "", "\(args)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("o.echoreplay").path))
    }

    func testAllBadFileFailsEveryCommand() throws {
        let bad = dir.appendingPathComponent("bad.echoreplay")
        try Data("hello\nworld\n".utf8).write(to: bad)
        for args in [["inspect", bad.path], ["cat", bad.path], ["convert", bad.path, dir.appendingPathComponent("o2.echoreplay").path]] {
            let result = try NEVRProcess.run(args)
            XCTAssertNotEqual(result.status, 0, "\(args)")
            XCTAssertTrue(result.stderr.contains("nevr: \(bad.path): all 2 non-empty line(s) rejected"), "\(args): \(result.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("o2.echoreplay").path), "no partial output left")
    }

    func testConvertRefusesToOverwriteItsInput() throws {
        let url = try recording(zipped: true)
        let before = try Data(contentsOf: url)
        let result = try NEVRProcess.run(["convert", url.path, url.path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("the output is the input file"), result.stderr)
        XCTAssertEqual(try Data(contentsOf: url), before)
    }

    func testCatOnANevrcapPrintsGameJSON() throws {
        let source = dir.appendingPathComponent("three.echoreplay")
        let writer = try EchoReplayWriter(url: source, options: .init(zipped: false))
        for ms in [407, 424, 441] {
            try writer.write(timestamp: EchoReplayTimestamp.parse("2021/11/20 21:05:33.\(ms)")!, session: session, bones: nil)
        }
        try writer.close()
        let capture = dir.appendingPathComponent("three.nevrcap")
        let converted = try NEVRProcess.run(["convert", source.path, capture.path])
        XCTAssertEqual(converted.status, 0, converted.stderr)

        let result = try NEVRProcess.run(["cat", capture.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdoutBytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 4, "three lines and the final newline")
        let expected = try GameJSONReader.parseSession(session)
        for line in lines.prefix(3) {
            XCTAssertEqual(try GameJSONReader.parseSession([UInt8](line)), expected)
        }
    }

    func testConvertAndCatSayWhenAnArchiveIsUnfinished() throws {
        let source = try recording(zipped: true)
        var bytes = [UInt8](try Data(contentsOf: source))
        bytes.removeLast(60)   // the central directory and end record: as if the writer died
        try Data(bytes).write(to: source)
        let out = dir.appendingPathComponent("recovered.echoreplay")
        let result = try NEVRProcess.run(["convert", source.path, out.path, "--plain"])
        XCTAssertEqual(result.status, 2, "damaged input (a skipped line or a cut archive) exits 2\n" + result.stderr)
        XCTAssertTrue(result.stderr.contains("unfinished"), result.stderr)
        XCTAssertTrue(result.stdout.contains("(input truncated)"), result.stdout)
        let cat = try NEVRProcess.run(["cat", source.path])
        XCTAssertEqual(cat.status, 2, "damaged input (a skipped line or a cut archive) exits 2\n" + cat.stderr)
        XCTAssertTrue(cat.stderr.contains("unfinished"), cat.stderr)
        XCTAssertEqual(cat.stdoutBytes.filter { $0 == 0x0A }.count, 4, "every frame before the cut")
    }

    private func records(_ url: URL) throws -> [EchoReplayRecord] {
        let reader = try EchoReplayReader(url: url)
        var out: [EchoReplayRecord] = []
        while let r = try reader.next() { out.append(r) }
        return out
    }
}
