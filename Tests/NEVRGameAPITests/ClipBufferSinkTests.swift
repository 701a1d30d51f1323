import Foundation
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest

@testable import NEVRGameAPI
import NEVRNetworkTestSupport

final class ClipBufferSinkTests: XCTestCase {
    private let segment = RecordingSegment(sessionID: TestFrames.realSessionID, startedAt: Timestamp(millisecondsSinceEpoch: 1_637_442_333_407))

    /// Ten thousand frames at 50 Hz through a 2 s buffer: it never holds more than the window
    /// (101 frames), and nothing is written to disk until a clip is asked for.
    func testBufferStaysWithinItsWindowHoweverLongItRuns() async throws {
        let dir = try SharedData.temporaryDirectory("nevr-clip")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sink = ClipBufferSink(directory: dir, options: .init(window: .seconds(2)))
        _ = try await sink.beginSegment(segment)
        let one = TestFrames.sequence(1)[0]
        var most = 0
        for i in 0..<10_000 {
            var raw = one
            raw.timestamp = Timestamp(nanosecondsSinceEpoch: one.timestamp.nanosecondsSinceEpoch + Int64(i) * 20_000_000)
            try await sink.write(PolledFrame(sequence: i, indexInSegment: i, sessionID: TestFrames.realSessionID, raw: raw))
            most = max(most, await sink.bufferedFrames)
        }
        XCTAssertEqual(most, 101)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])

        // Frames with one timestamp (a stuck clock) are bounded by the frame cap instead.
        let capped = ClipBufferSink(directory: dir, options: .init(window: .seconds(2), maximumFrames: 50))
        _ = try await capped.beginSegment(segment)
        for i in 0..<500 { try await capped.write(PolledFrame(sequence: i, indexInSegment: i, sessionID: TestFrames.realSessionID, raw: one)) }
        let held = await capped.bufferedFrames
        XCTAssertEqual(held, 50)
    }

    /// A clip holds the last frames of the window, renumbered from 0; its `.nevrcap` form starts
    /// with a full frame equal to the first buffered one and has no events in it; a new segment
    /// empties the buffer.
    func testClipIsACompleteFileOfTheLastFrames() async throws {
        let dir = try SharedData.temporaryDirectory("nevr-clip")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sink = ClipBufferSink(directory: dir, options: .init(window: .milliseconds(1010), formats: [.echoReplay, .nevrcap], zip: false))
        let frames = TestFrames.sequence(300)   // 5 s at 60 Hz
        let nothing = try await sink.saveClip(reason: "test")
        XCTAssertNil(nothing)
        _ = try await sink.beginSegment(segment)
        for (i, raw) in frames.enumerated() {
            try await sink.write(PolledFrame(sequence: 1000 + i, indexInSegment: 1000 + i, sessionID: TestFrames.realSessionID, raw: raw))
        }
        let saved = try await sink.saveClip(reason: "test")
        let clip = try XCTUnwrap(saved)
        XCTAssertEqual(clip.frames, 61)
        XCTAssertEqual(clip.files.count, 2)
        let kept = Array(frames.suffix(61))

        let echo = try EchoReplayReader(url: try XCTUnwrap(clip.files.first { $0.pathExtension == "echoreplay" }))
        var sessions: [[UInt8]] = []
        while let r = try echo.next() { sessions.append(r.session) }
        XCTAssertEqual(sessions, kept.map(\.session))

        let cap = try NevrcapReader(url: try XCTUnwrap(clip.files.first { $0.pathExtension == "nevrcap" }))
        var typed: [Frame] = []
        while let f = try cap.next() { typed.append(f) }
        XCTAssertEqual(typed.count, 61)
        XCTAssertEqual(typed.first?.index, 0)
        XCTAssertEqual(typed.first?.session, try GameJSONReader.parseSession(kept[0].session))
        XCTAssertEqual(typed.first?.timestamp, kept[0].timestamp)

        _ = try await sink.beginSegment(RecordingSegment(sessionID: "other", startedAt: frames[0].timestamp))
        let emptied = await sink.bufferedFrames
        XCTAssertEqual(emptied, 0)
    }
}
