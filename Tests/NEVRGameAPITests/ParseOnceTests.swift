import Foundation
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest

@testable import NEVRGameAPI
import NEVRNetworkTestSupport

/// Keeps every polled frame it is handed.
private actor CapturingSink: FrameSink {
    var frames: [PolledFrame] = []
    var segments = 0

    func beginSegment(_ segment: RecordingSegment) async throws -> String? {
        segments += 1
        return nil
    }

    func write(_ frame: PolledFrame) async throws { frames.append(frame) }
}

/// The recorder parses each polled body once and hands every sink the same raw bytes,
/// typed frame and events; the typed sinks use that frame instead of parsing again.
final class ParseOnceTests: XCTestCase {
    func testEverySinkGetsTheSameRawBytesTypedFrameAndEvents() async throws {
        let served = TestFrames.sequence(600, interval: 1.0 / 60, bones: true)
        let server = try await RunningServer.start()
        let playback = FramePlayback(store: server.store, options: .init(rate: 1, loop: false)) { ArrayFrameSource(served) }
        let playing = Task { try await playback.run() }
        try await waitUntil("the first frame is up") { server.store.current.session != nil }
        let first = CapturingSink(), second = CapturingSink()
        let recorder = LiveRecorder(
            options: .init(url: server.url, rate: 60, bones: true), sink: FanOutFrameSink([first, second]))
        let recording = Task { try await recorder.run() }
        try await waitUntil("40 frames recorded") { recorder.statistics.framesWritten >= 40 }
        recording.cancel()
        _ = try await recording.value
        playing.cancel()
        await server.stop()

        let a = await first.frames, b = await second.frames
        XCTAssertGreaterThanOrEqual(a.count, 40)
        XCTAssertEqual(a, b, "the two sinks got different frames")
        let segments = await first.segments
        XCTAssertEqual(segments, 1)

        // Checked against a parse of the raw bytes done here, and a processor run here over
        // the same bytes: the typed frame is those bytes, numbered in the segment, with the
        // events detected against the segment's previous frame.
        var processor = FrameProcessor()
        for (n, polled) in a.enumerated() {
            XCTAssertNil(polled.parseFailure, "frame \(n)")
            let typed = try XCTUnwrap(polled.typed, "frame \(n) has no typed form")
            XCTAssertEqual(typed.session, try GameJSONReader.parseSession(polled.raw.session), "frame \(n) session")
            XCTAssertEqual(typed.bones, try GameJSONReader.parseBones(try XCTUnwrap(polled.raw.bones)), "frame \(n) bones")
            XCTAssertEqual(typed.timestamp, polled.raw.timestamp)
            XCTAssertEqual(Int(typed.index), polled.indexInSegment)
            let expected = try processor.process(session: polled.raw.session, bones: polled.raw.bones, timestamp: polled.raw.timestamp)
            XCTAssertEqual(typed, expected, "frame \(n)")
        }
    }

    func testNevrcapSinkWritesTheRecordersTypedFrameWithoutParsingAgain() async throws {
        let dir = try SharedData.temporaryDirectory("nevr-parse-once")
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = Timestamp(millisecondsSinceEpoch: 1_637_442_333_407)
        var session = try GameJSONReader.parseSession(TestFrames.realFrame)
        session.gameClock = 123.5
        let typed = Frame(index: 0, timestamp: t, session: session)
        // Bytes that do not parse: only a sink that takes the typed frame can write this frame.
        let raw = RawFrame(timestamp: t, session: Array(#"{"not":"a session""#.utf8), bones: nil)
        let sink = NevrcapFileSink(directory: dir)
        let path = try await sink.beginSegment(RecordingSegment(sessionID: TestFrames.realSessionID, startedAt: t))
        try await sink.write(PolledFrame(sequence: 0, indexInSegment: 0, sessionID: TestFrames.realSessionID, raw: raw, typed: typed))
        try await sink.write(
            PolledFrame(sequence: 1, indexInSegment: 1, sessionID: TestFrames.realSessionID, raw: raw, parseFailure: "unreadable: test"))
        try await sink.finish()

        let skipped = await sink.framesSkipped
        let reasons = await sink.skippedReasons
        XCTAssertEqual(skipped, 1)
        XCTAssertEqual(reasons, ["frame 1: unreadable: test"])
        let reader = try NevrcapReader(url: URL(fileURLWithPath: try XCTUnwrap(path)))
        var read: [Frame] = []
        while case .frame(let f) = try reader.step() { read.append(f) }
        XCTAssertEqual(read.count, 1)
        XCTAssertEqual(read.first?.session.gameClock, 123.5)
        XCTAssertEqual(read.first?.session.sessionID, TestFrames.realSessionID)
    }
}
