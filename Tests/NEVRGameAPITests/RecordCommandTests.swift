import Foundation
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest

@testable import NEVRGameAPI
import NEVRNetworkTestSupport

final class RecordCommandTests: XCTestCase {
    /// `nevr record --format both --bones` against a loopback server at 60 Hz, stopped
    /// with SIGINT: both files hold exactly the frames the summary reports, in order,
    /// with valid timestamps; the `.echoreplay` is zipped on close.
    func testRecordSubprocessStoppedWithSIGINTKeepsEveryReportedFrame() async throws {
        let frames = TestFrames.sequence(3600, bones: true)
        let server = try await RunningServer.start()
        let playing = Task { try await FramePlayback(store: server.store) { ArrayFrameSource(frames) }.run() }
        let dir = try SharedData.temporaryDirectory("nevr-record-cli")

        let recorder = try NEVRProcess(["record", "--url", server.url, "--rate", "60", "--bones", "--format", "both", "--out", dir.path])
        try await waitUntil("the recording file appears") { try !recordedFiles(dir).isEmpty }
        try await Task.sleep(for: .seconds(2))
        recorder.interrupt()
        let result = await recorder.finish()
        playing.cancel()
        await server.stop()

        XCTAssertEqual(result.status, 0, result.stderr)
        let reported = try reportedFrames(result.stderr)
        let echoFiles = try recordedFiles(dir)
        let capFiles = try recordedFiles(dir, extension: "nevrcap")
        XCTAssertEqual(echoFiles.count, 1)
        XCTAssertEqual(capFiles.count, 1)
        XCTAssertEqual(result.stdout.split(separator: "\n").map(String.init), echoFiles.map(\.path) + capFiles.map(\.path))
        XCTAssertEqual(echoFiles.first?.deletingPathExtension(), capFiles.first?.deletingPathExtension())

        let records = try readRecording(echoFiles[0], expectZipped: true)
        XCTAssertEqual(records.count, reported)
        XCTAssertGreaterThan(records.count, 60, "about two seconds at 60 Hz")
        XCTAssertEqual(records.map(\.timestamp), records.map(\.timestamp).sorted())
        let indices = records.compactMap { TestFrames.index(of: $0.session) }
        XCTAssertEqual(indices.count, records.count)
        XCTAssertEqual(indices, indices.sorted())
        XCTAssertTrue(records.allSatisfy { $0.bones != nil })
        let span = Double(records.last!.timestamp.nanosecondsSinceEpoch - records.first!.timestamp.nanosecondsSinceEpoch) / 1e9
        XCTAssertGreaterThan(span, 1.5)

        let reader = try NevrcapReader(url: capFiles[0])
        XCTAssertEqual(reader.header?.captureID, TestFrames.realSessionID)
        var capTimestamps: [Timestamp] = []
        while let frame = try reader.next() {
            capTimestamps.append(frame.timestamp)
            XCTAssertEqual(frame.session.sessionID, TestFrames.realSessionID)
        }
        XCTAssertEqual(capTimestamps, records.map(\.timestamp), "the .nevrcap holds the same frames at the same instants")
    }

    func testRecordRejectsABadRateWithAClearMessage() async throws {
        let result = await (try NEVRProcess(["record", "--rate", "0"])).finish()
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--rate must be between 0 and 10000"), result.stderr)
    }
}
