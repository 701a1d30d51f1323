import Foundation
import NEVRCore
import NEVRNetworkTestSupport
import NEVRTestSupport
import XCTest

@testable import NEVRGameAPI

#if canImport(Glibc)
import Glibc
#endif

/// Issue 15 for the recorder: a server that sends headers and then trickles its body cannot
/// hold a poll (or the recording) past its time bounds; bad URLs are refused before connecting.
final class RecorderSecurityTests: XCTestCase {
    /// A loopback server that answers every request with headers announcing `length` bytes,
    /// then sends one byte every 200 ms. Bounded: it stops after `seconds`.
    final class TricklingServer: @unchecked Sendable {
        let port: Int
        private let fd: Int32
        private var stopped = false
        private let lock = NSLock()

        init(seconds: Double = 20) throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.fd = fd
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = 0
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            listen(fd, 16)
            var bound = sockaddr_in()
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
            port = Int(UInt16(bigEndian: bound.sin_port))
            let deadline = Date().addingTimeInterval(seconds)
            let listener = fd
            Thread.detachNewThread { [self] in
                while Date() < deadline, !isStopped {
                    let client = accept(listener, nil, nil)
                    if client < 0 { break }
                    Thread.detachNewThread {
                        var buffer = [UInt8](repeating: 0, count: 4096)
                        _ = recv(client, &buffer, buffer.count, 0)
                        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
                        _ = head.withCString { send(client, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
                        while Date() < deadline, !self.isStopped {
                            usleep(200_000)
                            if send(client, " ", 1, Int32(MSG_NOSIGNAL)) < 0 { break }
                        }
                        close(client)
                    }
                }
            }
        }

        var isStopped: Bool { lock.withLock { stopped } }

        func stop() {
            lock.withLock { stopped = true }
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    func testATrickledBodyCannotHoldTheRecorderPastItsDuration() async throws {
        let server = try TricklingServer()
        defer { server.stop() }
        let dir = try SharedData.temporaryDirectory("nevr-trickle")
        defer { try? FileManager.default.removeItem(at: dir) }
        let recorder = LiveRecorder(
            options: .init(url: "http://127.0.0.1:\(server.port)", rate: 10, duration: .seconds(1), requestTimeout: .milliseconds(500)),
            sink: EchoReplayFileSink(directory: dir, options: .init(zipOnClose: false)))
        let started = ContinuousClock.now
        // The bound below is a liveness check (it must end at all), not a timing measurement.
        let stats = try await withTimeout(.seconds(15), "the recorder to stop") { try await recorder.run() }
        let elapsed = ContinuousClock.now - started
        XCTAssertLessThan(elapsed, .seconds(10), "the recording must end near its 1 s duration, took \(elapsed)")
        XCTAssertEqual(stats.framesWritten, 0)
        XCTAssertGreaterThan(stats.connectionFailures, 0, "the trickled answers count as failed polls")
    }

    func testTheRecorderRefusesPortsOutsideTheRange() async throws {
        let dir = try SharedData.temporaryDirectory("nevr-bad-url")
        defer { try? FileManager.default.removeItem(at: dir) }
        for url in ["http://127.0.0.1:99999", "http://127.0.0.1:0", "http://:6721", "ftp://127.0.0.1:6721"] {
            let recorder = LiveRecorder(options: .init(url: url, duration: .seconds(1)), sink: EchoReplayFileSink(directory: dir))
            do {
                _ = try await recorder.run()
                XCTFail("\(url) was accepted")
            } catch {
                XCTAssertTrue("\(error)".contains("invalid URL"), "\(url): \(error)")
            }
        }
    }
}
