import Foundation

/// A `nevr hub` running in the background for a test: its stderr goes to a file (so it can never
/// fill a pipe and block the hub), read until the hub says which port it listens on.
final class RunningHub {
    let process = Process()
    /// `ws://127.0.0.1:PORT`.
    let url: String
    let port: Int
    private let errURL: URL

    /// Starts `nevr hub --port 0 arguments...`; throws when it does not listen within 20 s.
    init(_ arguments: [String] = [], in dir: URL) throws {
        errURL = dir.appendingPathComponent("hub-\(UUID().uuidString).stderr")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.executableURL = try NEVRProcess.binary()
        process.arguments = ["hub", "--port", "0"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        var found: (String, Int)?
        while found == nil, Date() < deadline, process.isRunning {
            let text = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
            if let r = text.range(of: #"listening on ws://[0-9.]+:[0-9]+"#, options: .regularExpression) {
                let address = String(text[r].dropFirst("listening on ".count))
                found = (address, Int(address.split(separator: ":").last!)!)
            } else {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        guard let (url, port) = found else {
            if process.isRunning { process.interrupt() }
            process.waitUntilExit()
            throw NotListening(stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
        }
        (self.url, self.port) = (url, port)
    }

    /// The hub exited or stayed silent instead of listening (a test failure, with what it said).
    struct NotListening: Error, CustomStringConvertible {
        var stderr: String
        var description: String { "nevr hub did not start listening: \(stderr)" }
    }

    /// What the hub printed on stderr so far.
    var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

    /// Stops the hub (SIGINT) and waits for it.
    func stop() {
        if process.isRunning { process.interrupt() }
        process.waitUntilExit()
    }
}
