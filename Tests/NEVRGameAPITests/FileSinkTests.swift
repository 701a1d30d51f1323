import Foundation
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest

@testable import NEVRGameAPI
import NEVRNetworkTestSupport

final class FileSinkTests: XCTestCase {
    private func polled(_ frames: [RawFrame], sessionID: String = TestFrames.realSessionID) -> [PolledFrame] {
        frames.enumerated().map { PolledFrame(sequence: $0.offset, indexInSegment: $0.offset, sessionID: sessionID, raw: $0.element) }
    }

    private let segment = RecordingSegment(sessionID: TestFrames.realSessionID, startedAt: Timestamp(millisecondsSinceEpoch: 1_637_442_333_407))

    func testFlushedLinesAreOnDiskBeforeTheFileIsClosedAndTheFileIsZippedOnClose() async throws {
        let dir = try SharedData.temporaryDirectory("nevr-sink")
        let frames = TestFrames.sequence(40, bones: true)
        let sink = EchoReplayFileSink(directory: dir)
        let path = try await sink.beginSegment(segment)
        let url = URL(fileURLWithPath: try XCTUnwrap(path))
        XCTAssertEqual(url.lastPathComponent, "rec_2021-11-20_21-05-33_892E23E2-8272-4B07-85E8-5E291AC85F93.echoreplay")
        for f in polled(frames).prefix(25) { try await sink.write(f) }
        try await sink.flush()

        // What a killed recorder would leave: plain text, every flushed frame, exact line format.
        let flushed = try readRecordedLines(url)
        XCTAssertEqual(flushed.count, 25)
        for (line, frame) in zip(flushed, frames) {
            XCTAssertEqual(line.session, frame.session)
            XCTAssertEqual(line.bones, frame.bones)
            XCTAssertEqual(line.timestamp, Timestamp(millisecondsSinceEpoch: frame.timestamp.milliseconds))
        }

        for f in polled(frames).dropFirst(25) { try await sink.write(f) }
        try await sink.endSegment()
        let finished = await sink.finishedFiles
        XCTAssertEqual(finished, [url])
        let warnings = await sink.warnings
        XCTAssertEqual(warnings, [])
        let reader = try EchoReplayReader(url: url)
        XCTAssertTrue(reader.isZipped)
        XCTAssertEqual(reader.entryName, url.lastPathComponent, "one entry named like the file")
        var records: [EchoReplayRecord] = []
        while let r = try reader.next() { records.append(r) }
        XCTAssertEqual(reader.skippedCount, 0)
        XCTAssertEqual(records.map(\.session), frames.map(\.session))
        XCTAssertEqual(records.map(\.bones), frames.map(\.bones))
        XCTAssertEqual(records.map(\.timestamp), frames.map { Timestamp(millisecondsSinceEpoch: $0.timestamp.milliseconds) })
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        XCTAssertEqual(leftovers, [url.lastPathComponent], "no staging files left behind")
    }

    func testSegmentsNeverOverwriteAnExistingFile() async throws {
        let dir = try SharedData.temporaryDirectory("nevr-sink")
        let sink = EchoReplayFileSink(directory: dir, options: .init(zipOnClose: false))
        let first = try await sink.beginSegment(segment)
        try await sink.write(polled(TestFrames.sequence(1))[0])
        let second = try await sink.beginSegment(segment)
        try await sink.finish()
        XCTAssertNotEqual(first, second)
        XCTAssertTrue(second?.hasSuffix("_2.echoreplay") ?? false, second ?? "nil")
        let finished = await sink.finishedFiles
        XCTAssertEqual(finished.count, 2)
    }

    func testNevrcapSinkWritesTypedFramesWithTheSessionHeaderAndCountsUnparsableBodies() async throws {
        let dir = try SharedData.temporaryDirectory("nevr-sink")
        var frames = polled(TestFrames.sequence(20))
        frames[7].raw.session = Array(#"{"sessionid":"892E23E2-8272-4B07-85E8-5E291AC85F93","teams":[}"#.utf8)
        let sink = NevrcapFileSink(directory: dir)
        let begun = try await sink.beginSegment(segment)
        let path = try XCTUnwrap(begun)
        for f in frames { try await sink.write(f) }
        try await sink.finish()
        let skipped = await sink.framesSkipped
        let reasons = await sink.skippedReasons
        XCTAssertEqual(skipped, 1)
        XCTAssertTrue(reasons.first?.hasPrefix("frame 7: ") ?? false, "\(reasons)")

        let reader = try NevrcapReader(url: URL(fileURLWithPath: path))
        XCTAssertEqual(reader.header?.captureID, TestFrames.realSessionID)
        XCTAssertEqual(reader.header?.createdAt, segment.startedAt)
        XCTAssertEqual(reader.header?[metadata: "format"], "nevrcap")
        var read: [Frame] = []
        while let f = try reader.next() { read.append(f) }
        XCTAssertEqual(read.count, 19)
        let expected = try GameJSONReader.parseSession(TestFrames.frame(3))
        XCTAssertEqual(read[3].session.gameClock, expected.gameClock)
        XCTAssertEqual(read.map(\.index), (0..<19).map(UInt32.init))
    }
}
