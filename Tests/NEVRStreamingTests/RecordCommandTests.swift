import Foundation
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest

@testable import NEVRStreaming

/// Runs the built `nevr` (beside the test bundle in `.build/debug/`) as a subprocess.
enum NEVRExecutable {
    static var url: URL? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("nevr"),
            Bundle.main.bundleURL.appendingPathComponent("nevr"),
            SharedData.packageRoot.appendingPathComponent(".build/debug/nevr"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    static func require(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        guard let url else {
            XCTFail("the nevr executable is not built beside the tests; run `swift build --build-tests` first", file: file, line: line)
            throw CancellationError()
        }
        return url
    }
}

/// A `nevr` subprocess with its output collected.
final class NEVRProcess: @unchecked Sendable {
    let process = Process()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()

    init(_ arguments: [String]) throws {
        process.executableURL = try NEVRExecutable.require()
        process.arguments = arguments
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
    }

    func interrupt() { process.interrupt() }  // SIGINT

    /// Waits for exit (at most `timeout` seconds, then kills it) and returns status and output.
    func finish(timeout: Double = 20) async -> (status: Int32, stdout: String, stderr: String) {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let out = String(decoding: stdoutPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: stderrPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, out, err)
    }
}

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
