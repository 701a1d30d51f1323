import Foundation
import NEVRNetworkTestSupport
import XCTest

@testable import NEVROverlay

#if canImport(Glibc)
import Glibc
#endif

/// The Spark event server (6725) behind the hub's connection guard, over raw loopback sockets:
/// connections beyond the limit are closed on arrival, a silent connection is closed by the
/// handshake timeout, an oversized message closes its connection, and the server keeps answering.
final class SparkEventServerGuardTests: XCTestCase {
    /// A started server and the task serving it.
    struct Running {
        let server: SparkEventServer
        let port: Int
        let task: Task<Void, Error>

        func stop() async {
            task.cancel()
            _ = await task.result
        }
    }

    final class PortBox: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        var port: Int {
            lock.lock()
            defer { lock.unlock() }
            return value
        }
        func set(_ p: Int) {
            lock.lock()
            value = p
            lock.unlock()
        }
    }

    func start(_ limits: SparkEventServer.Limits) async throws -> Running {
        let server = SparkEventServer(host: "127.0.0.1", port: 0, broadcaster: SparkBroadcaster(), limits: limits)
        let box = PortBox()
        let task = Task { try await server.run { box.set($0) } }
        let deadline = Date().addingTimeInterval(20)
        while box.port == 0 {
            if Date() > deadline { throw XCTSkip("the server did not start within 20 s") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return Running(server: server, port: box.port, task: task)
    }

    func waitUntil(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(15)
        while !condition() {
            if Date() > deadline {
                XCTFail("timed out waiting for \(what)")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    static func subscribeEchoes(_ port: Int) -> Bool {
        guard let ws = RawWebSocket(port: port, path: "/") else { return false }
        ws.sendText("subscribe:goal")
        return ws.receiveText() == "subscribe:goal"
    }

    // MARK: tests

    func testConnectionsBeyondTheLimitAreClosedAndTheServerStillAnswers() async throws {
        var limits = SparkEventServer.Limits()
        limits.maxConnections = 4
        limits.handshakeTimeout = .milliseconds(500)
        let running = try await start(limits)
        XCTAssertTrue(Self.subscribeEchoes(running.port), "a client subscribes before the flood")
        try await waitUntil("the first client's slot is free") { running.server.connectionCounts.open == 0 }
        // 12 silent sockets: 4 are admitted, the other 8 are closed on arrival.
        var fds: [Int32] = []
        defer { for fd in fds { close(fd) } }
        for _ in 0..<12 { fds.append(try XCTUnwrap(RawWebSocket.connectedSocket(port: running.port, timeout: 5))) }
        try await waitUntil("8 refusals") { running.server.connectionCounts.refused >= 8 }
        XCTAssertEqual(running.server.connectionCounts.refused, 8)
        // The admitted ones never send their upgrade: the handshake timeout closes them.
        try await waitUntil("4 handshake timeouts") { running.server.connectionCounts.timedOut >= 4 }
        for fd in fds { XCTAssertTrue(RawWebSocket.closedByPeer(fd), "every silent socket is closed by the server") }
        try await waitUntil("every slot free") { running.server.connectionCounts.open == 0 }
        XCTAssertTrue(Self.subscribeEchoes(running.port), "the server answers after the flood")
        await running.stop()
    }

    func testAnOversizedMessageClosesItsConnectionOnly() async throws {
        let running = try await start(.init())
        let other = try XCTUnwrap(RawWebSocket(port: running.port, path: "/"))
        let ws = try XCTUnwrap(RawWebSocket(port: running.port, path: "/"))
        ws.sendText("subscribe:" + String(repeating: "a", count: SparkEventServer.maximumClientMessage + 1))
        XCTAssertNil(ws.receiveText(), "no answer but the close")
        XCTAssertTrue(RawWebSocket.closedByPeer(ws.fd), "a message over \(SparkEventServer.maximumClientMessage) bytes closes the connection")
        // The other client is unaffected, and new ones are served.
        other.sendText("subscribe:save")
        XCTAssertEqual(other.receiveText(), "subscribe:save")
        XCTAssertTrue(Self.subscribeEchoes(running.port))
        await running.stop()
    }
}
