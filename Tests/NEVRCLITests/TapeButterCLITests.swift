import Foundation
import NEVRTestSupport
import XCTest

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `.tape` and `.butter` through the built `nevr` binary: convert both ways, `cat` (with
/// `--frames`), `events`, `inspect`, `verify`, `--dictionary`, and the `.butter` loss note.
/// Inputs come from `nevr simulate` and from the independent Python builders in Tests/Scripts
/// (a `.tape` with a trained dictionary, `.butter` v3), never from our own writers alone.
final class TapeButterCLITests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("tape-cli")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// A simulated 30-second match at 10 Hz with bones (300 frames, goals and other events).
    private func simulatedMatch() throws -> String {
        let out = path("m.echoreplay")
        let sim = try NEVRProcess.run(["simulate", "--out", out, "--duration", "30s", "--rate", "10", "--bones", "--seed", "5"])
        XCTAssertEqual(sim.status, 0, sim.stderr)
        return out
    }

    private func lines(_ output: NEVRProcess.Output) -> [String] {
        output.stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    private func json(_ line: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    /// Runs one of the Python builders (`build DIR`); they need protoc/zstandard (scripts/bootstrap.sh).
    private func python(_ script: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", SharedData.packageRoot.appendingPathComponent("Tests/Scripts/\(script)").path, "build", dir.path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, String(decoding: message, as: UTF8.self))
    }

    func testTapeConvertBothWaysCatEventsInspectAndVerify() throws {
        let source = try simulatedMatch()
        let tape = path("m.tape")
        let convert = try NEVRProcess.run(["convert", source, tape])
        XCTAssertEqual(convert.status, 0, convert.stderr)
        XCTAssertTrue(convert.stdout.contains("300 frames written"), convert.stdout)
        XCTAssertTrue(convert.stderr.contains("tape does not hold last_throw"), "what tape cannot hold is said: \(convert.stderr)")

        // inspect names format, version, container, blocks and indexes.
        let inspect = try NEVRProcess.run(["inspect", tape, "--json"])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        let report = try json(inspect.stdout)
        XCTAssertEqual(report["format"] as? String, "tape")
        XCTAssertEqual(report["frames"] as? Int, 300)
        XCTAssertEqual(report["container"] as? String, "per-block")
        XCTAssertEqual(report["blocks"] as? Int, 5, "header block, three 100-frame blocks, footer block")
        XCTAssertEqual(report["keyframes"] as? Int, 3)
        XCTAssertEqual(report["footer_frame_count"] as? Int, 300)
        XCTAssertTrue((report["format_version"] as? String)?.hasPrefix("2.") == true, "\(report)")
        let indexed = try XCTUnwrap(report["events_by_kind"] as? [String: Int])
        XCTAssertGreaterThan(indexed["player_joined"] ?? 0, 0, "seeds in the event index: \(indexed)")

        // cat: one session per frame, the same match as the source's lines.
        let catSource = lines(try NEVRProcess.run(["cat", source]))
        let catTape = try NEVRProcess.run(["cat", tape])
        XCTAssertEqual(catTape.status, 0, catTape.stderr)
        let tapeLines = lines(catTape)
        XCTAssertEqual(tapeLines.count, 300)
        XCTAssertEqual(catSource.count, 300)
        for (i, (a, b)) in zip(catSource, tapeLines).enumerated() where i % 37 == 0 {
            let (x, y) = (try json(a), try json(b))
            XCTAssertEqual(x["sessionid"] as? String, y["sessionid"] as? String, "frame \(i)")
            XCTAssertEqual(x["game_status"] as? String, y["game_status"] as? String, "frame \(i)")
            XCTAssertEqual(x["blue_points"] as? Int, y["blue_points"] as? Int, "frame \(i)")
            let (cx, cy) = (try XCTUnwrap(x["game_clock"] as? Double), try XCTUnwrap(y["game_clock"] as? Double))
            XCTAssertEqual(cx, cy, accuracy: 1e-4, "frame \(i): float32 clock")
            let names = { (o: [String: Any]) -> [String] in
                ((o["teams"] as? [[String: Any]]) ?? []).flatMap { (($0["players"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String } }
            }
            XCTAssertEqual(names(x), names(y), "frame \(i): roster rebuilt from the event tier")
        }

        // cat --frames: the same lines as the full output, on the per-block tape (seek table)
        // and on the .echoreplay (read forward).
        let slice = try NEVRProcess.run(["cat", tape, "--frames", "250:253"])
        XCTAssertEqual(slice.status, 0, slice.stderr)
        XCTAssertEqual(lines(slice), Array(tapeLines[250..<253]))
        XCTAssertEqual(lines(try NEVRProcess.run(["cat", source, "--frames", "250:253"])), Array(catSource[250..<253]))
        XCTAssertEqual(lines(try NEVRProcess.run(["cat", tape, "--frames", "298:"])), Array(tapeLines[298...]))
        XCTAssertEqual(try NEVRProcess.run(["cat", tape, "--frames", "5:2"]).status, 64, "a backwards range is a usage error")

        // events: stored in the tape, one JSON object a line.
        let events = try NEVRProcess.run(["events", tape, "--json"])
        XCTAssertEqual(events.status, 0, events.stderr)
        XCTAssertGreaterThan(lines(events).count, 0)
        XCTAssertTrue(events.stderr.contains("stored in the file"), events.stderr)

        // verify: a .tape goes through .tape again; the .echoreplay through --via tape.
        let verifyTape = try NEVRProcess.run(["verify", tape])
        XCTAssertEqual(verifyTape.status, 0, verifyTape.stdout + verifyTape.stderr)
        XCTAssertTrue(verifyTape.stdout.contains("OK: only the holes tape.md documents"), verifyTape.stdout)
        let via = try NEVRProcess.run(["verify", source, "--via", "tape", "--json"])
        XCTAssertEqual(via.status, 0, via.stdout + via.stderr)
        let receipt = try json(via.stdout)
        XCTAssertEqual(receipt["lossless"] as? Bool, true)
        XCTAssertEqual(receipt["frames_out"] as? Int, 300)
        XCTAssertEqual((receipt["losses"] as? [String: Int])?.isEmpty, true, "\(receipt)")

        // Back: .tape -> .echoreplay and .nevrcap, and the whole-stream copy reads the same.
        let back = path("back.echoreplay")
        let reverse = try NEVRProcess.run(["convert", tape, back])
        XCTAssertEqual(reverse.status, 0, reverse.stderr)
        XCTAssertEqual(lines(try NEVRProcess.run(["cat", back])), tapeLines, "the rebuilt JSON is what cat printed")
        let cap = path("m.nevrcap")
        XCTAssertEqual(try NEVRProcess.run(["convert", tape, cap]).status, 0)
        XCTAssertEqual(lines(try NEVRProcess.run(["cat", cap])).count, 300)
    }

    /// `nevr serve --replay` answers `/session` from a `.tape` and a `.butter` like the game.
    func testServeAnswersSessionFromTapeAndButter() throws {
        let source = try simulatedMatch()
        let tape = path("m.tape")
        XCTAssertEqual(try NEVRProcess.run(["convert", source, tape]).status, 0)
        try python("butter_check.py")
        let sessionIDs = [
            tape: try json(lines(try NEVRProcess.run(["cat", source]))[0])["sessionid"] as? String,
            path("v3.butter"): try json(lines(try NEVRProcess.run(["cat", path("v3.butter")]))[0])["sessionid"] as? String,
        ]
        for (file, sessionID) in sessionIDs {
            let served = try ServeRecordCLITests.Served(["--replay", file, "--loop"])
            defer { served.stop() }
            XCTAssertTrue(served.url.hasPrefix("http://127.0.0.1:"), "\(file): \(served.url)")
            // Until playback stores its first frame the server answers like a game not in a
            // match: ask again (bounded).
            var body = Data()
            for _ in 0..<50 {
                body = get(served.url + "/session")
                if body.range(of: Data("sessionid".utf8)) != nil { break }
                Thread.sleep(forTimeInterval: 0.1)
            }
            let session = try XCTUnwrap(JSONSerialization.jsonObject(with: body) as? [String: Any], "\(file): \(String(decoding: body, as: UTF8.self))")
            XCTAssertEqual(session["sessionid"] as? String, sessionID, file)
            XCTAssertNotNil(session["teams"], file)
        }
    }

    private func get(_ url: String) -> Data {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var body = Data()
        URLSession.shared.dataTask(with: URL(string: url)!) { data, _, _ in
            body = data ?? Data()
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + 10)
        return body
    }

    func testCutTapeIsDamagedEverywhereWithEveryCompleteFrame() throws {
        let source = try simulatedMatch()
        let tape = path("m.tape")
        XCTAssertEqual(try NEVRProcess.run(["convert", source, tape]).status, 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: tape))
        let cut = path("cut.tape")
        try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: cut))
        let cat = try NEVRProcess.run(["cat", cut])
        XCTAssertEqual(cat.status, 2, cat.stderr)
        XCTAssertGreaterThanOrEqual(lines(cat).count, 100, "at least the first whole block")
        XCTAssertLessThan(lines(cat).count, 300)
        XCTAssertTrue(cat.stderr.contains("truncated"), cat.stderr)
        for command in ["inspect", "events", "verify"] {
            XCTAssertEqual(try NEVRProcess.run([command, cut]).status, 2, command)
        }
        // verify's .tape receipt says what happened: damaged, not a loss.
        let verify = try NEVRProcess.run(["verify", cut])
        XCTAssertTrue(verify.stdout.contains("result:             DAMAGED: every readable frame came back intact"), verify.stdout)
        let converted = try NEVRProcess.run(["convert", cut, path("cut.nevrcap")])
        XCTAssertEqual(converted.status, 2, converted.stderr)
    }

    func testDictionaryOptionReadsADictionaryTape() throws {
        try python("tape_check.py")
        let tape = path("dict.tape")
        let without = try NEVRProcess.run(["cat", tape])
        XCTAssertEqual(without.status, 1)
        XCTAssertTrue(without.stderr.contains("needs zstd dictionary 40001"), without.stderr)

        let with = try NEVRProcess.run(["cat", tape, "--dictionary", path("dict.bin")])
        XCTAssertEqual(with.status, 0, with.stderr)
        XCTAssertEqual(lines(with).count, 250, "tape_check.py writes 250 frames")
        XCTAssertEqual(lines(with), lines(try NEVRProcess.run(["cat", path("perblock.tape")])), "same frames as the per-block file without a dictionary")

        let inspect = try NEVRProcess.run(["inspect", tape, "--dictionary", path("dict.bin"), "--json"])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        XCTAssertEqual(try json(inspect.stdout)["dictionary_id"] as? Int, 40001)

        let converted = path("from-dict.nevrcap")
        XCTAssertEqual(try NEVRProcess.run(["convert", tape, converted, "--dictionary", path("dict.bin")]).status, 0)
        XCTAssertEqual(try NEVRProcess.run(["verify", tape, "--dictionary", path("dict.bin")]).status, 0)

        let notADictionary = try NEVRProcess.run(["cat", tape, "--dictionary", path("expect.json")])
        XCTAssertEqual(notADictionary.status, 1)
        XCTAssertTrue(notADictionary.stderr.contains("expect.json: not a zstd dictionary"), notADictionary.stderr)
    }

    func testButterConvertsCatsAndInspectsWithItsLossStated() throws {
        try python("butter_check.py")
        let butter = path("v3.butter")
        let expect = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("expect.json"))) as? [String: Any])
        let frames = try XCTUnwrap(((expect["files"] as? [String: [String: Any]])?["v3"]?["frames"] as? [Any])?.count)

        let inspect = try NEVRProcess.run(["inspect", butter, "--json"])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        let report = try json(inspect.stdout)
        XCTAssertEqual(report["format"] as? String, "butter")
        XCTAssertEqual(report["version"] as? Int, 3)
        XCTAssertEqual(report["frames"] as? Int, frames)
        XCTAssertTrue((report["lossy"] as? String)?.contains("binary16") == true, "\(report)")

        let cat = try NEVRProcess.run(["cat", butter])
        XCTAssertEqual(cat.status, 0, cat.stderr)
        XCTAssertEqual(lines(cat).count, frames)
        XCTAssertEqual(try json(lines(cat)[0])["sessionid"] as? String, expect["session_id"] as? String)

        for target in ["v3.nevrcap", "v3.echoreplay", "v3.tape"] {
            let convert = try NEVRProcess.run(["convert", butter, path(target)])
            XCTAssertEqual(convert.status, 0, target + ": " + convert.stderr)
            XCTAssertTrue(convert.stdout.contains("\(frames) frames written"), convert.stdout)
            XCTAssertTrue(convert.stderr.contains(".butter is lossy: positions, velocities, timers and speeds are binary16"), "\(target): the loss is stated: \(convert.stderr)")
            XCTAssertEqual(lines(try NEVRProcess.run(["cat", path(target)])).count, frames, target)
        }
        let events = try NEVRProcess.run(["events", butter])
        XCTAssertEqual(events.status, 0, events.stderr)

        let write = try NEVRProcess.run(["convert", path("v3.echoreplay"), path("again.butter")])
        XCTAssertEqual(write.status, 1)
        XCTAssertTrue(write.stderr.contains("butter"), write.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("again.butter")), "no output left behind")
    }
}
