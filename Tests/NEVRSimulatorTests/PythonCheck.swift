import Foundation
import XCTest

/// Runs a Python 3 script (an independent JSON implementation) and returns its stdout.
enum PythonCheck {
    struct Missing: Error, CustomStringConvertible {
        var description: String { "python3 was not found on PATH: install it (scripts/bootstrap.sh expects it) to run this check" }
    }

    struct Failed: Error, CustomStringConvertible {
        var status: Int32
        var stderr: String
        var description: String { "python3 exited with \(status): \(stderr)" }
    }

    static func run(script: String, arguments: [String]) throws -> String {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else { throw Missing() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-c", script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failed(status: process.terminationStatus, stderr: String(decoding: errData, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self)
    }
}
