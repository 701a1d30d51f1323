import AsyncHTTPClient
import Foundation
import NEVRCapture
import NEVRCore
import NEVRSimulator
import NEVRTestSupport
import XCTest

@testable import NEVRGameAPI
import NEVRNetworkTestSupport

/// `nevr serve` and `nevr record` as subprocesses over loopback.
final class ServeCommandTests: XCTestCase {
    /// Writes `frames` to a zipped `.echoreplay`.
    private func replayFile(_ frames: [RawFrame]) throws -> URL {
        let url = try SharedData.temporaryDirectory("nevr-serve").appendingPathComponent("fixture.echoreplay")
        let writer = try EchoReplayWriter(url: url)
        for f in frames { try writer.write(timestamp: f.timestamp, session: f.session, bones: f.bones) }
        try writer.close()
        return url
    }

    /// Waits until `url` answers 200 on /session.
    private func waitForServer(_ client: HTTPClient, _ url: String) async throws {
        try await waitUntil("the server answers a frame") {
            (try? await httpGet(client, url + "/session"))?.status == 200
        }
    }

    /// The whole loop: `nevr serve --replay` (a file made from the real frame) on a free
    /// port, `nevr record` against it at 60 Hz, SIGINT to both. The recording holds
    /// exactly the frames the recorder reported, in order, byte-identical to the served
    /// frames, with valid timestamps; it is zipped on close.
    func testServeReplayAndRecordSubprocessesEndToEnd() async throws {
        let frames = TestFrames.sequence(3600)
        let replay = try replayFile(frames)
        let port = try freeLoopbackPort()
        let server = try NEVRProcess(["serve", "--replay", replay.path, "--port", String(port)])
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let base = "http://127.0.0.1:\(port)"
        try await waitForServer(client, base)

        let dir = try SharedData.temporaryDirectory("nevr-record-cli")
        let recorder = try NEVRProcess(["record", "--url", base, "--rate", "60", "--out", dir.path])
        try await waitUntil("the recording file appears") { try !recordedFiles(dir).isEmpty }
        try await Task.sleep(for: .seconds(2))
        recorder.interrupt()
        let recorded = await recorder.finish()
        server.interrupt()
        let served = await server.finish()
        try await client.shutdown()

        XCTAssertEqual(recorded.status, 0, recorded.stderr)
        XCTAssertEqual(served.status, 0, served.stderr)
        XCTAssertEqual(served.stdout, "http://127.0.0.1:\(port)\n")
        let reported = try reportedFrames(recorded.stderr)
        let files = try recordedFiles(dir)
        XCTAssertEqual(files.count, 1)
        let records = try readRecording(files[0], expectZipped: true)
        XCTAssertEqual(records.count, reported)
        XCTAssertGreaterThan(records.count, 60)
        let servedIndex = Dictionary(uniqueKeysWithValues: frames.enumerated().map { ($0.element.session, $0.offset) })
        let indices = records.map { servedIndex[$0.session] }
        XCTAssertFalse(indices.contains(nil), "every recorded frame is byte-identical to a served frame")
        XCTAssertEqual(indices, indices.sorted { ($0 ?? 0) < ($1 ?? 0) })
        XCTAssertEqual(records.map(\.timestamp), records.map(\.timestamp).sorted())
    }

    /// A recorder killed with SIGKILL leaves a plain-text file readable up to its last
    /// flush (at most a second before the kill).
    func testKilledRecorderLeavesAReadablePlainTextFile() async throws {
        let frames = TestFrames.sequence(3600)
        let server = try await RunningServer.start()
        let playing = Task { try await FramePlayback(store: server.store) { ArrayFrameSource(frames) }.run() }
        let dir = try SharedData.temporaryDirectory("nevr-record-kill")
        let recorder = try NEVRProcess(["record", "--url", server.url, "--rate", "60", "--out", dir.path])
        try await waitUntil("the recording file appears") { try !recordedFiles(dir).isEmpty }
        try await Task.sleep(for: .milliseconds(2500))
        kill(recorder.process.processIdentifier, SIGKILL)
        let result = await recorder.finish()
        playing.cancel()
        await server.stop()

        XCTAssertEqual(result.status, SIGKILL)
        let files = try recordedFiles(dir)
        XCTAssertEqual(files.count, 1)
        let records = try readRecording(files[0], expectZipped: false)
        // 2.5 s at 60 Hz, flushed every second: at least 1.5 s of frames survive.
        XCTAssertGreaterThanOrEqual(records.count, 90)
        XCTAssertEqual(records.map(\.timestamp), records.map(\.timestamp).sorted())
    }

    func testServeSimulateAnswersParsableGameFrames() async throws {
        let port = try freeLoopbackPort()
        let server = try NEVRProcess(["serve", "--simulate", "--seed", "7", "--port", String(port), "--sim-duration", "30s"])
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let base = "http://127.0.0.1:\(port)"
        try await waitForServer(client, base)
        let session = try await httpGet(client, base + "/session")
        let bones = try await httpGet(client, base + "/player_bones")
        try await client.shutdown()
        server.interrupt()
        let result = await server.finish()

        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(session.contentType, "application/json")
        let parsed = try GameJSONReader.parseSession(session.body)
        XCTAssertNotNil(parsed.sessionID)
        XCTAssertGreaterThan(parsed.playerCount, 0)
        XCTAssertEqual(bones.status, 500, "no bones simulated without --bones")
        XCTAssertEqual(bones.body, GameAPIResponse.noMatchBody)
    }

    /// `nevr serve --simulate --bones` and `nevr record --bones` at 60 Hz, SIGINT to both:
    /// every recorded frame is byte-identical to a frame of the same simulation made here,
    /// in simulation order, and the count matches the recorder's summary.
    func testServeSimulateAndRecordSubprocessesEndToEnd() async throws {
        let options = SimulationOptions(seed: 11, duration: 60, rate: 60, players: 8, bones: true)
        // The same simulation, spelled here (the CLI's `serve --simulate` glue does the same).
        var simulator = MatchSimulator(options: options)
        var simulatedIndex: [[UInt8]: Int] = [:]
        var bonesIndex: [[UInt8]: Int] = [:]
        var n = 0
        while let f = simulator.next() {
            let session = GameJSONWriter.bytes(f.session)
            simulatedIndex[session] = simulatedIndex[session] ?? n
            if let b = f.bones.map({ GameJSONWriter.bytes($0) }) { bonesIndex[b] = bonesIndex[b] ?? n }
            n += 1
        }
        let port = try freeLoopbackPort()
        let server = try NEVRProcess([
            "serve", "--simulate", "--seed", "11", "--sim-duration", "60s", "--sim-rate", "60", "--players", "8", "--bones",
            "--port", String(port),
        ])
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let base = "http://127.0.0.1:\(port)"
        try await waitForServer(client, base)
        try await client.shutdown()

        let dir = try SharedData.temporaryDirectory("nevr-record-sim")
        let recorder = try NEVRProcess(["record", "--url", base, "--rate", "60", "--bones", "--out", dir.path])
        try await waitUntil("the recording file appears") { try !recordedFiles(dir).isEmpty }
        try await Task.sleep(for: .seconds(2))
        recorder.interrupt()
        let recorded = await recorder.finish()
        server.interrupt()
        let served = await server.finish()

        XCTAssertEqual(recorded.status, 0, recorded.stderr)
        XCTAssertEqual(served.status, 0, served.stderr)
        let files = try recordedFiles(dir)
        XCTAssertEqual(files.count, 1)
        let records = try readRecording(files[0], expectZipped: true)
        XCTAssertEqual(records.count, try reportedFrames(recorded.stderr))
        XCTAssertGreaterThan(records.count, 60)
        let indices = records.map { simulatedIndex[$0.session] }
        XCTAssertFalse(indices.contains(nil), "a recorded frame that the simulation does not produce")
        XCTAssertEqual(indices.compactMap { $0 }, indices.compactMap { $0 }.sorted())
        for (record, index) in zip(records, indices) {
            let b = try XCTUnwrap(record.bones.flatMap { bonesIndex[$0] }, "bones not from the simulation")
            // Polled concurrently: from the same frame or a neighbour (first occurrence of identical bones may be earlier).
            XCTAssertLessThanOrEqual(b, (index ?? 0) + 3, "bones more than 3 frames (50 ms) after their session")
        }
        XCTAssertEqual(records.map(\.timestamp), records.map(\.timestamp).sorted())
    }

    func testServeReportsAMissingFileAndBadArguments() async throws {
        let missing = try await NEVRProcess(["serve", "--replay", "/nonexistent/x.echoreplay", "--port", "0"]).finish()
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.hasPrefix("nevr: /nonexistent/x.echoreplay: "), missing.stderr)
        let neither = try await NEVRProcess(["serve"]).finish()
        XCTAssertNotEqual(neither.status, 0)
        XCTAssertTrue(neither.stderr.contains("give either --replay FILE or --simulate"), neither.stderr)
    }
}

/// The frame count in `nevr record`'s summary line.
func reportedFrames(_ stderr: String) throws -> Int {
    let summary = try XCTUnwrap(stderr.split(separator: "\n").last { $0.hasPrefix("nevr record: recorded ") }, stderr)
    return try XCTUnwrap(Int(summary.dropFirst("nevr record: recorded ".count).prefix { $0.isNumber }), String(summary))
}
