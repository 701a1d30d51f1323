import Foundation

/// Runs one of the independent Python checkers and builders of `Tests/Scripts` (they are
/// written from the specs, not from this package's code, and need the packages
/// `scripts/bootstrap.sh` installs).
public enum PythonScript {
    /// Why a script failed: its exit status and stderr.
    public struct Failure: Error, CustomStringConvertible {
        /// The command and what it printed on stderr.
        public var description: String
    }

    /// Runs `python3 ARGS...` (the first argument is the script's path) and returns its stdout;
    /// throws ``Failure`` with its stderr when it exits non-zero.
    @discardableResult
    public static func run(_ arguments: [String]) throws -> String {
        // stderr into a file, stdout through a pipe read to its end: neither can fill up and
        // stall the script.
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("nevr-python-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let errHandle = try FileHandle(forWritingTo: errURL)
        defer { try? errHandle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
            throw Failure(description: "python3 \(arguments.joined(separator: " ")) exited with \(process.terminationStatus): \(err.suffix(800))")
        }
        return String(decoding: output, as: UTF8.self)
    }
}
