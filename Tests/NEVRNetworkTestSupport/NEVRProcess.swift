import Foundation
import NEVRTestSupport
import XCTest

/// Runs the built `nevr` (beside the test bundle in `.build/debug/`) as a subprocess.
public enum NEVRExecutable {
    public static var url: URL? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("nevr"),
            Bundle.main.bundleURL.appendingPathComponent("nevr"),
            SharedData.packageRoot.appendingPathComponent(".build/debug/nevr"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    public static func require(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        guard let url else {
            XCTFail("the nevr executable is not built beside the tests; run `swift build --build-tests` first", file: file, line: line)
            throw CancellationError()
        }
        return url
    }
}

/// A `nevr` subprocess with its output collected.
public final class NEVRProcess: @unchecked Sendable {
    public let process = Process()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()

    public init(_ arguments: [String]) throws {
        process.executableURL = try NEVRExecutable.require()
        process.arguments = arguments
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
    }

    public func interrupt() { process.interrupt() }  // SIGINT

    /// Waits for exit (at most `timeout` seconds, then kills it) and returns status and output.
    public func finish(timeout: Double = 20) async -> (status: Int32, stdout: String, stderr: String) {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let out = String(decoding: stdoutPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: stderrPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, out, err)
    }
}
