import Foundation
import NEVRTestSupport

/// Runs one of the package's Python scripts (`scripts/NAME`) with the `python3` on PATH, as the
/// documentation tests do (the scripts are stdlib-only; `scripts/bootstrap.sh` installs python3).
enum PythonScript {
    /// - Parameters:
    ///   - name: the script's file name in `scripts/`.
    ///   - arguments: its arguments.
    ///   - includeStandardError: capture standard error too, interleaved with standard output.
    /// - Returns: the exit status and the bytes captured.
    static func run(_ name: String, _ arguments: [String], includeStandardError: Bool = false) throws -> (status: Int32, output: Data) {
        let script = SharedData.packageRoot.appendingPathComponent("scripts/\(name)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        if includeStandardError { process.standardError = output }
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()  // before waiting: a full pipe would block the script
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }
}
