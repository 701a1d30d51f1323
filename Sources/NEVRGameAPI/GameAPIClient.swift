import AsyncHTTPClient
import NIOCore

/// Fetches `/session` and `/player_bones` over one shared, keep-alive HTTP client.
struct GameAPIClient: Sendable {
    struct Answer: Sendable {
        var status: Int
        var body: [UInt8]
    }

    let client: HTTPClient
    let sessionURL: String
    let bonesURL: String
    let timeout: TimeAmount
    /// Bound on one whole request: connect, head and the complete body.
    let wholeTimeout: Duration

    /// Largest body accepted (a frame is ~14 KB; bones ~20 KB).
    static let maximumBodyBytes = 16 * 1024 * 1024

    init(baseURL: String, timeout: Duration) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        sessionURL = base + "/session"
        bonesURL = base + "/player_bones"
        wholeTimeout = timeout
        let (seconds, attoseconds) = timeout.components
        self.timeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: self.timeout, read: self.timeout)
        // Never follow redirects: the game does not send them.
        configuration.redirectConfiguration = .disallow
        // Fail fast when the game is not listening: the recorder retries with its own
        // backoff and state reporting instead of the client silently retrying until the timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The request ran past its time bound (a server that sends headers and then trickles the body).
    struct Timeout: Error, CustomStringConvertible {
        var limit: Duration
        var description: String { "no complete answer within \(limit)" }
    }

    /// One request, bounded as a whole by `limit` (default: the client's timeout). The client's own
    /// timeouts are per phase (the read timeout restarts with every byte), so a server trickling
    /// its body one byte at a time would hold a poll, and the recorder's `--duration`, forever.
    func fetch(_ url: String, within limit: Duration? = nil) async throws -> Answer {
        let limit = limit ?? wholeTimeout
        // The whole request (head and body) must finish by the deadline: the client's deadline
        // covers the request, the race below covers a body trickled after the head.
        return try await withThrowingTaskGroup(of: Answer.self) { group in
            group.addTask { try await self.fetchUnbounded(url) }
            group.addTask {
                try await Task.sleep(for: limit)
                throw Timeout(limit: limit)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private func fetchUnbounded(_ url: String) async throws -> Answer {
        let request = HTTPClientRequest(url: url)
        let response = try await client.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: Self.maximumBodyBytes)
        return Answer(status: Int(response.status.code), body: Array(buffer.readableBytesView))
    }

    func shutdown() async {
        try? await client.shutdown()
    }
}
