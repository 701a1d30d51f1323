import Foundation
import NEVRCore
import NEVRHub
import NEVRTestSupport
import NIOConcurrencyHelpers
import XCTest

/// A hub running on a free loopback port for one test.
public final class RunningHub: Sendable {
    public let server: HubServer
    public let port: Int
    private let task: Task<Void, Error>

    private init(server: HubServer, port: Int, task: Task<Void, Error>) {
        self.server = server
        self.port = port
        self.task = task
    }

    public static func start(_ configuration: HubServer.Configuration = .init(port: 0)) async throws -> RunningHub {
        try await start(server: HubServer(configuration: configuration))
    }

    /// Serves `server` (e.g. a cluster node built with a relay) on its configured port.
    public static func start(server: HubServer) async throws -> RunningHub {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task { try await server.run { port in continuation.yield(port) } }
        let port = try await withTimeout(.seconds(10), "hub start") { await ports.first { _ in true } ?? 0 }
        XCTAssertGreaterThan(port, 0)
        return RunningHub(server: server, port: port, task: task)
    }

    public var hub: StreamHub { server.hub }
    public func url(_ pathAndQuery: String) -> String { "ws://127.0.0.1:\(port)\(pathAndQuery)" }
    public var publishURL: String { url("/publish") }

    public func stop() async {
        task.cancel()
        _ = try? await withTimeout(.seconds(10), "hub stop") { _ = try? await self.task.value }
    }
}

public struct TimeoutError: Error, CustomStringConvertible {
    public var what: String
    public var description: String { "timed out waiting for \(what)" }
}

/// Runs `body`, failing with `TimeoutError` after `limit` (tests stay bounded in time).
public func withTimeout<T: Sendable>(
    _ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimeoutError(what: what)
        }
        let r = try await group.next()!
        group.cancelAll()
        return r
    }
}

/// Polls `condition` every 5 ms until it holds (or fails the wait after `limit`).
public func waitUntil(_ limit: Duration = .seconds(10), _ what: String, _ condition: @escaping @Sendable () -> Bool) async throws {
    try await withTimeout(limit, what) {
        while !condition() { try await Task.sleep(for: .milliseconds(5)) }
    }
}

/// Collects what one subscriber receives.
public final class Collector: Sendable {
    private let box = NIOLockedValueBox<[StreamMessage]>([])
    private let task = NIOLockedValueBox<Task<Void, Error>?>(nil)
    public let failure = NIOLockedValueBox<String?>(nil)

    /// Subscribes in the background; `delayPerMessage` makes a slow reader, `stopAfter` a reader that
    /// stops reading (without closing) after that many messages.
    public init(url: String, token: String? = nil, stopAfter: Int? = nil) {
        let t = Task { [box, failure] in
            do {
                try await WebSocketSubscriber.run(url: url, token: token) { message in
                    let n = box.withLockedValue { b in
                        b.append(message)
                        return b.count
                    }
                    if let stopAfter, n >= stopAfter {
                        // Stop reading: the hub's writes back up into the socket.
                        try await Task.sleep(for: .seconds(3600))
                    }
                }
            } catch {
                failure.withLockedValue { $0 = "\(error)" }
                throw error
            }
        }
        task.withLockedValue { $0 = t }
    }

    public var messages: [StreamMessage] { box.withLockedValue { $0 } }
    public var frames: [StreamedFrame] {
        messages.compactMap { if case .frame(let f) = $0 { return f } else { return nil } }
    }
    public var headers: [StreamHeader] {
        messages.compactMap { if case .header(let h) = $0 { return h } else { return nil } }
    }

    public func stop() async {
        let t = task.withLockedValue { $0 }
        t?.cancel()
        _ = try? await withTimeout(.seconds(5), "subscriber stop") { _ = try? await t?.value }
    }
}

/// Real 2021 frames with varied `game_clock` values and timestamps 100 ms apart.
public enum HubFrames {
    public static let base: [UInt8] = (try? SharedData.bytes(SharedData.frame2021)) ?? []
    public static let matchID = "892E23E2-8272-4B07-85E8-5E291AC85F93"
    public static let start = Timestamp(millisecondsSinceEpoch: 1_637_442_333_407)

    /// The session bytes of frame `i`: the real frame with `"game_clock"` set to `600 - i/10`.
    public static func session(_ i: Int) -> [UInt8] {
        let key = Array("\"game_clock\":600.0".utf8)
        guard let r = base.firstRange(of: key) else { return base }
        var out = base
        let clock = String(format: "%.1f", 600.0 - Double(i) / 10)
        out.replaceSubrange(r, with: Array("\"game_clock\":\(clock)".utf8))
        return out
    }

    public static func timestamp(_ i: Int) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: start.nanosecondsSinceEpoch + Int64(i) * 100_000_000)
    }

    /// A small `/player_bones` body (one 23-bone player).
    public static func bones(_ i: Int) -> [UInt8] {
        let t = (0..<69).map { String(format: "%.3f", Double($0 + i) / 1000) }.joined(separator: ",")
        let o = (0..<92).map { String(format: "%.3f", Double($0) / 100) }.joined(separator: ",")
        return Array("{\"user_bones\":[{\"bone_t\":[\(t)],\"playerid\":0,\"bone_o\":[\(o)]}],\"err_code\":0}".utf8)
    }
}
