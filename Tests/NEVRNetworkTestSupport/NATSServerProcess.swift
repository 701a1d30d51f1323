import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real `nats-server` (Debian's package) on a free loopback port with its JetStream store in
/// a temporary folder, started for one test and always stopped by it.
public final class NATSServerProcess: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    private let process: Process

    /// The installed `nats-server`, or nil.
    public static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let candidates = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"]
        return candidates.map { $0 + "/nats-server" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts a server, or skips the test (visibly) when nats-server is not installed.
    /// `extraConfig` goes into the config file (e.g. `max_payload: 1024`, an authorization block).
    public static func start(for test: XCTestCase, jetStream: Bool = true, extraConfig: String = "") throws -> NATSServerProcess {
        guard let executable else {
            print("nats-server not found: integration test \(test.name) SKIPPED (apt-get install nats-server; scripts/bootstrap.sh installs it)")
            throw XCTSkip("nats-server is not installed (Debian package nats-server; scripts/bootstrap.sh installs it)")
        }
        let server = try NATSServerProcess(executable: executable, jetStream: jetStream, extraConfig: extraConfig)
        test.addTeardownBlock { server.stop() }
        try server.waitUntilListening()
        return server
    }

    private init(executable: String, jetStream: Bool, extraConfig: String) throws {
        port = try Self.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("nevr-nats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var config = "listen: 127.0.0.1:\(port)\n\(extraConfig)\n"
        if jetStream { config += "jetstream {\n  store_dir: \"\(directory.appendingPathComponent("store").path)\"\n}\n" }
        let configFile = directory.appendingPathComponent("server.conf")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-c", configFile.path, "-l", directory.appendingPathComponent("server.log").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    public var url: String { "nats://127.0.0.1:\(port)" }

    /// The server's log (for failure messages).
    public var log: String { (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? "" }

    /// Polls the port until the server accepts TCP connections (at most 10 s).
    private func waitUntilListening() throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if !process.isRunning { throw ServerError("nats-server exited with \(process.terminationStatus): \(log)") }
            if Self.canConnect(port: port) { return }
            usleep(20_000)
        }
        stop()
        throw ServerError("nats-server did not listen on 127.0.0.1:\(port) within 10 s: \(log)")
    }

    /// Kills the server at once (SIGKILL: no goodbye to the clients).
    public func kill() {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Freezes the server (SIGSTOP): the socket stays open but nothing is answered.
    public func pause() { Glibc.kill(process.processIdentifier, SIGSTOP) }

    /// Thaws a paused server (SIGCONT).
    public func resume() { Glibc.kill(process.processIdentifier, SIGCONT) }

    /// Stops the server and removes its folder.
    public func stop() {
        if process.isRunning {
            resume()
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    public struct ServerError: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// A port nothing listens on right now (bound to 0 and released).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard bound == 0 else { throw ServerError("bind/getsockname failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
