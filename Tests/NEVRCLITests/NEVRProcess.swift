import Foundation
import NEVRTestSupport

/// Runs the built `nevr` executable (it sits beside the test bundle in `.build/debug/`).
enum NEVRProcess {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var stdoutBytes: Data
    }

    struct NotBuilt: Error, CustomStringConvertible {
        var tried: [String]
        var description: String { "the nevr executable was not found (build it with `swift build`); tried: \(tried.joined(separator: ", "))" }
    }

    static func binary() throws -> URL {
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["NEVR_BINARY"], !env.isEmpty {
            candidates.append(URL(fileURLWithPath: env))
        }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("nevr"))
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("nevr"))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("nevr"))
        candidates.append(SharedData.packageRoot.appendingPathComponent(".build/debug/nevr"))
        for c in candidates where FileManager.default.isExecutableFile(atPath: c.path) {
            return c
        }
        throw NotBuilt(tried: candidates.map(\.path))
    }

    /// Runs `nevr arguments...`; `stdin` (when given) is what the child reads on standard input.
    static func run(_ arguments: [String], stdin: Data? = nil) throws -> Output {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        if let stdin {
            // From a file, so a large input cannot block on a pipe the test is not draining.
            let inURL = FileManager.default.temporaryDirectory.appendingPathComponent("nevr-stdin-\(UUID().uuidString)")
            try stdin.write(to: inURL)
            process.standardInput = try FileHandle(forReadingFrom: inURL)
            try? FileManager.default.removeItem(at: inURL)   // the open handle keeps the data readable
        }
        // stderr goes to a file so neither stream can fill a pipe and block the child.
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("nevr-stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let errHandle = try FileHandle(forWritingTo: errURL)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = errHandle
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errHandle.close()
        let errData = try Data(contentsOf: errURL)
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self), stdoutBytes: outData)
    }
}
