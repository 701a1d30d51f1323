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

    /// Largest body accepted (a frame is ~14 KB; bones ~20 KB).
    static let maximumBodyBytes = 16 * 1024 * 1024

    init(baseURL: String, timeout: Duration) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        sessionURL = base + "/session"
        bonesURL = base + "/player_bones"
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

    func fetch(_ url: String) async throws -> Answer {
        let request = HTTPClientRequest(url: url)
        let response = try await client.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: Self.maximumBodyBytes)
        return Answer(status: Int(response.status.code), body: Array(buffer.readableBytesView))
    }

    func shutdown() async {
        try? await client.shutdown()
    }
}
