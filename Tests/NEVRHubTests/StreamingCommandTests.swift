import Foundation
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest

@testable import NEVRHub
import NEVRGameAPI
import NEVRNetworkTestSupport

/// The streaming commands end to end: `nevr record --stream`, `nevr stream`, `nevr watch`.
final class StreamingCommandTests: XCTestCase {
    /// `nevr record --stream` against the loopback game API: the hub receives exactly the frames
    /// written to the recording, in order, byte for byte.
    func testRecordStreamSendsEveryRecordedFrameToTheHub() async throws {
        let frames = TestFrames.sequence(3600)
        let server = try await RunningServer.start()
        let playing = Task { try await FramePlayback(store: server.store) { ArrayFrameSource(frames) }.run() }
        let hub = try await RunningHub.start(.init(port: 0, token: "rec"))
        let sub = Collector(url: hub.url("/subscribe?match=all&token=rec"))
        try await waitUntil(.seconds(10), "subscriber") { hub.hub.statistics.subscribers == 1 }
        let dir = try SharedData.temporaryDirectory("nevr-record-stream")

        let recorder = try NEVRProcess([
            "record", "--url", server.url, "--rate", "60", "--format", "echoreplay", "--plain", "--out", dir.path,
            "--stream", hub.publishURL, "--token", "rec",
        ])
        try await waitUntil(.seconds(20), "streamed frames") { sub.frames.count >= 60 }
        recorder.interrupt()
        let result = await recorder.finish()
        playing.cancel()
        await server.stop()
        XCTAssertEqual(result.status, 0, result.stderr)

        let records = try readRecording(try XCTUnwrap(try recordedFiles(dir).first), expectZipped: false)
        XCTAssertTrue(result.stderr.contains("\(records.count) of \(records.count) frames acknowledged"), result.stderr)
        try await waitUntil(.seconds(10), "all frames at the subscriber") { sub.frames.count == records.count }
        XCTAssertEqual(sub.frames.map(\.sessionJSON), records.map(\.session))
        XCTAssertEqual(sub.frames.map(\.timestamp), records.map(\.timestamp))
        XCTAssertEqual(sub.frames.map(\.index), (0..<records.count).map(UInt32.init))
        await sub.stop()
        await hub.stop()
    }

    /// `nevr stream FILE --to` plays an .echoreplay into the hub; `nevr watch` prints every frame.
    func testStreamCommandPlaysARecordingThatWatchPrints() async throws {
        let dir = try SharedData.temporaryDirectory("nevr-stream-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("match.echoreplay")
        let writer = try EchoReplayWriter(url: file)
        let n = 30
        for i in 0..<n { try writer.write(timestamp: HubFrames.timestamp(i), session: HubFrames.session(i), bones: nil) }
        try writer.close()

        let hub = try await RunningHub.start()
        let watch = try NEVRProcess(["watch", hub.url("/subscribe?match=all"), "--count", String(n)])
        try await waitUntil(.seconds(20), "watch subscribed") { hub.hub.statistics.subscribers == 1 }
        // 30 frames 100 ms apart at 10x: about 0.3 s of real-time pacing.
        let stream = try NEVRProcess(["stream", file.path, "--to", hub.publishURL, "--rate", "10"])
        let streamed = await stream.finish()
        XCTAssertEqual(streamed.status, 0, streamed.stderr)
        XCTAssertTrue(streamed.stderr.contains("\(n) frames queued, \(n) acknowledged"), streamed.stderr)
        let watched = await watch.finish()
        XCTAssertEqual(watched.status, 0, watched.stderr)
        let lines = watched.stdout.split(separator: "\n")
        XCTAssertTrue(lines.first?.hasPrefix("header  match \(HubFrames.matchID)") ?? false, watched.stdout)
        let frameLines = lines.filter { $0.contains("  #") }
        XCTAssertEqual(frameLines.count, n, watched.stdout)
        for (i, line) in frameLines.enumerated() {
            XCTAssertTrue(line.hasPrefix("\(HubFrames.timestamp(i).iso8601)  #\(i)  892E23E2"), String(line))
        }
        XCTAssertTrue(watched.stderr.contains("nevr watch: \(n) frames"), watched.stderr)
        await hub.stop()
    }

    func testStreamCommandReportsAnUnreachableHub() async throws {
        let dir = try SharedData.temporaryDirectory("nevr-stream-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("one.echoreplay")
        let writer = try EchoReplayWriter(url: file)
        try writer.write(timestamp: HubFrames.timestamp(0), session: HubFrames.session(0), bones: nil)
        try writer.close()
        let hub = try await RunningHub.start()
        let port = hub.port
        await hub.stop()
        let stream = try NEVRProcess(["stream", file.path, "--to", "ws://127.0.0.1:\(port)/publish", "--rate", "0"])
        let result = await stream.finish(timeout: 60)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("1 frames queued, 0 acknowledged"), result.stderr)
        XCTAssertTrue(result.stderr.contains("last error"), result.stderr)
    }

    /// Writes `n` frames of the shared match to DIR/name and returns its URL.
    private func recording(_ dir: URL, _ name: String, frames n: Int) throws -> URL {
        let file = dir.appendingPathComponent(name)
        let writer = try EchoReplayWriter(url: file)
        for i in 0..<n { try writer.write(timestamp: HubFrames.timestamp(i), session: HubFrames.session(i), bones: nil) }
        try writer.close()
        return file
    }

    /// Issue 15: re-streaming the same file into a running hub is a new stream (delivered again),
    /// and `nevr stream` reports the hub's duplicate count.
    func testStreamingTheSameFileTwiceIntoARunningHubDeliversItTwice() async throws {
        let dir = try SharedData.temporaryDirectory("nevr-restream")
        defer { try? FileManager.default.removeItem(at: dir) }
        let n = 15
        let file = try recording(dir, "match.echoreplay", frames: n)
        let hub = try await RunningHub.start()
        let sub = Collector(url: hub.url("/subscribe?match=all"))
        try await waitUntil(.seconds(10), "subscriber") { hub.hub.statistics.subscribers == 1 }
        for round in 1...2 {
            let stream = try NEVRProcess(["stream", file.path, "--hub", hub.publishURL, "--speed", "0"])
            let result = await stream.finish(timeout: 60)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stderr.contains("\(n) frames queued, \(n) acknowledged"), result.stderr)
            XCTAssertTrue(result.stderr.contains("0 duplicate(s) not forwarded"), result.stderr)
            try await waitUntil(.seconds(10), "round \(round) delivered") { sub.frames.count == n * round }
        }
        XCTAssertEqual(sub.frames.map(\.index), (0..<n).map(UInt32.init) + (0..<n).map(UInt32.init))
        XCTAssertEqual(hub.hub.statistics.duplicateFramesIn, 0)
        await sub.stop()
        await hub.stop()
    }

    /// Issue 15: a hub that refuses the token answers 401, and `nevr watch` / `nevr stream` say so
    /// in plain words with the option that passes a token.
    func testWatchAndStreamSayPlainlyThatTheHubRefusedTheToken() async throws {
        let dir = try SharedData.temporaryDirectory("nevr-token-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try recording(dir, "one.echoreplay", frames: 1)
        let hub = try await RunningHub.start(.init(port: 0, token: "right-token"))
        let subscribe = hub.url("/subscribe?match=all")

        let none = await (try NEVRProcess(["watch", subscribe, "--count", "1"])).finish(timeout: 30)
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.stderr.contains("it needs a token (401 Unauthorized); pass it with --token TOKEN"), none.stderr)

        let wrong = await (try NEVRProcess(["watch", subscribe, "--count", "1", "--token", "wrong-token"])).finish(timeout: 30)
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("the hub refused the token (401 Unauthorized): check the value given with --token"), wrong.stderr)

        let stream = try NEVRProcess(["stream", file.path, "--hub", hub.publishURL, "--speed", "0", "--token", "wrong-token"])
        let streamed = await stream.finish(timeout: 60)
        XCTAssertNotEqual(streamed.status, 0)
        XCTAssertTrue(streamed.stderr.contains("1 frames queued, 0 acknowledged"), streamed.stderr)
        XCTAssertTrue(streamed.stderr.contains("the hub refused the token (401 Unauthorized)"), streamed.stderr)

        let right = try NEVRProcess(["stream", file.path, "--hub", hub.publishURL, "--speed", "0", "--token", "right-token"])
        let accepted = await right.finish(timeout: 60)
        XCTAssertEqual(accepted.status, 0, accepted.stderr)
        await hub.stop()
    }
}
