import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NEVRCore
import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket

#if canImport(Glibc)
import Glibc
#endif

/// The WebSocket hub (`nevr hub`): publishers push frames, subscribers receive them live.
///
/// Endpoints:
/// - `GET /publish` (WebSocket): a publisher sends header and frame messages (JSON text or
///   binary `Envelope`); the hub answers each with a cumulative `ack` (messages received
///   on this connection), so the publisher knows what it may forget.
/// - `GET /subscribe?match=<id>|all&format=json|binary&parts=session,bones,events&since=<seconds>|all`
///   (WebSocket): the subscriber gets each followed match's header, the backlog of the
///   last `since` seconds from the ring buffer, then live frames.
/// - `GET /matches`: `{"matches":[{"match":"<id>","frames":N}]}`, every match a subscriber can
///   follow (with a cluster relay, every node's).
/// - `GET /healthz`: `ok`. `GET /metrics`: Prometheus text exposition.
/// - `POST /clip`: asks every connected publisher to save a clip (a `save_clip` message after
///   its next ack; `nevr record --hub ... --buffer 30s` saves its buffer). Answers
///   `{"clip_requests":N,"publishers":P}`.
///
/// With a token, every endpoint except `/healthz` needs `Authorization: Bearer <token>` or
/// `?token=<token>` (401 otherwise).
///
/// ```swift
/// let server = HubServer(configuration: .init(port: 8080))
/// try await server.run { port in print("hub on \(port)") }
/// ```
public final class HubServer: Sendable {
    /// Where the hub listens, its token, and its bounds.
    public struct Configuration: Sendable {
        /// Address to bind (127.0.0.1 unless told otherwise).
        public var host: String
        /// 0 picks a free port (reported to `onRunning`).
        public var port: Int
        /// When set, publishing, subscribing and `/metrics` need it.
        public var token: String?
        /// Ring size, subscriber queues and their policy, matches kept.
        public var hub: StreamHub.Configuration
        /// Largest accepted WebSocket message (a frame with bones is ~30 KB; default 4 MiB).
        public var maxMessageSize: Int
        /// WebSocket ping period (keep-alive; dead peers are closed).
        public var pingInterval: Duration
        /// Connections open at once (HTTP and WebSocket); more are closed on arrival.
        public var maxConnections: Int
        /// Time a new connection has to send its complete request head (at most 16 KiB).
        public var handshakeTimeout: Duration
        /// A connection that sends nothing (not even a pong) for this long is closed.
        public var idleTimeout: Duration

        /// Defaults: 127.0.0.1:8080, no token, 16 MiB messages, 15 s pings, 10 s handshake, 60 s idle.
        public init(
            host: String = "127.0.0.1", port: Int = 8080, token: String? = nil, hub: StreamHub.Configuration = .init(),
            maxMessageSize: Int = 4 << 20, pingInterval: Duration = .seconds(15), maxConnections: Int = HubServer.defaultMaxConnections,
            handshakeTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(60)
        ) {
            self.host = host
            self.port = port
            self.token = token
            self.hub = hub
            self.maxMessageSize = maxMessageSize
            self.pingInterval = pingInterval
            self.maxConnections = maxConnections
            self.handshakeTimeout = handshakeTimeout
            self.idleTimeout = idleTimeout
        }
    }

    /// Where the hub listens, its token, and its bounds.
    public let configuration: Configuration
    /// The node's hub: its rings (without a relay), its publishers and counters.
    public let hub: StreamHub
    /// Where frames are stored and subscribers fed from: ``hub`` itself, or a cluster relay.
    public let relay: any HubFrameRelay
    /// The metrics `/metrics` exports.
    public let metrics: HubMetrics
    let logger: Logger
    let connections = ConnectionCounter()
    /// `POST /clip` calls so far; each publisher connection forwards the ones made while it is open.
    let clipRequests = NIOLockedValueBox(0)

    /// Half the process's open-file limit (at most 4,096): the other half stays free for the
    /// listening socket, files and the event loops, so a flood never exhausts descriptors.
    public static var defaultMaxConnections: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 256 }
        return max(16, min(4_096, Int(min(limit.rlim_cur, 1 << 20)) / 2))
    }

    /// Connections open now, refused at the limit, and closed by the handshake or idle timeout.
    public var connectionCounts: (open: Int, refused: Int, timedOut: Int) {
        (connections.open, connections.refused, connections.timedOut)
    }

    /// The logger a hub gets by default: critical messages only, like the game-API server's.
    /// Stopping a server is a cancellation, which Hummingbird logs at error level with the raw
    /// error (`Waiting on child channel: CancellationError()`); `nevr hub` says what matters itself.
    public static var quietLogger: Logger {
        var logger = Logger(label: "nevr.hub")
        logger.logLevel = .critical
        return logger
    }

    /// A hub with its own ``StreamHub`` and ``HubMetrics``; ``run(onRunning:)`` serves it. Pass a
    /// `logger` to see Hummingbird's own messages.
    public init(configuration: Configuration = .init(), logger: Logger = HubServer.quietLogger) {
        self.configuration = configuration
        self.metrics = HubMetrics()
        self.hub = StreamHub(configuration: configuration.hub, metrics: metrics)
        self.relay = hub
        self.logger = logger
    }

    /// A node whose frames go through `relay` (a cluster's shared store, e.g. ``JetStreamRelay``)
    /// instead of `hub`'s rings; `hub` (built with ``StreamHub/init(configuration:metrics:)``,
    /// usually with `configuration.hub`) keeps the node's publishers, counters and metrics.
    public init(configuration: Configuration, hub: StreamHub, relay: any HubFrameRelay, logger: Logger = HubServer.quietLogger) {
        self.configuration = configuration
        self.metrics = hub.metrics ?? HubMetrics()
        self.hub = hub
        self.relay = relay
        self.logger = logger
    }

    /// Serves until the calling task is cancelled. `onRunning` gets the bound port.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.get("healthz") { _, _ in "ok\n" }
        router.get("metrics") { [self] request, _ -> Response in
            try authorize(request)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }

        // Every match a subscriber can follow (cluster-wide with a relay): {"matches":[{"match","frames"}]}.
        router.get("matches") { [self] request, _ -> Response in
            try authorize(request)
            let list: [HubMatchSummary]
            do {
                list = try await relay.matches()
            } catch {
                throw HTTPError(.serviceUnavailable, message: "match list unavailable: \(error)")
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: HubMatchSummary.json(list))))
        }

        router.post("clip") { [self] request, _ -> Response in
            try authorize(request)
            let n = clipRequests.withLockedValue { n in
                n += 1
                return n
            }
            let body = "{\"clip_requests\":\(n),\"publishers\":\(hub.statistics.publishers)}\n"
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }

        // Plain HTTP requests to the WebSocket endpoints get the same checks (401, 400), then 426.
        router.get("publish") { [self] request, _ -> Response in
            try authorize(request)
            throw HTTPError(.upgradeRequired, message: "GET /publish is a WebSocket endpoint")
        }

        let wsRouter = Router(context: BasicWebSocketRequestContext.self)
        wsRouter.ws("publish") { [self] request, _ in
            try authorize(request)
            return .upgrade([:])
        } onUpgrade: { [self] inbound, outbound, _ in
            try await handlePublisher(inbound: inbound, outbound: outbound)
        }
        addSubscribeRoute(http: router, webSocket: wsRouter)

        let token = configuration.token
        let guarded = ConnectionGuard(
            limits: .init(
                maxConnections: configuration.maxConnections, handshakeTimeout: .init(configuration.handshakeTimeout),
                idleTimeout: .init(configuration.idleTimeout),
                authorize: { target, authorization in Self.refusal(token: token, target: target, authorization: authorization) }),
            counter: connections)
        let wsResponder = wsRouter.buildResponder()
        let channelConfiguration = HTTP1WebSocketUpgradeChannel.Configuration(
            ws: .init(maxFrameSize: configuration.maxMessageSize, autoPing: .enabled(timePeriod: configuration.pingInterval)))
        let app = Application(
            router: router,
            // Every connection passes the guard (count, handshake and idle timeouts, token) before HTTP.
            server: HTTPServerBuilder { responder in
                guarded.wrap(
                    HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: wsResponder, configuration: channelConfiguration))
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "nevr-hub"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        try await withTaskCancellationHandler {
            try await app.runService(gracefulShutdownSignals: [])
        } onCancel: {
            hub.closeAll()
            relay.closeAll()
        }
    }

    // MARK: requests

    /// The guard's token check on a raw request head: 401 for a missing or wrong token on every
    /// endpoint but `/healthz`, WebSocket upgrade or not (the WebSocket library would turn any
    /// refused upgrade into a 400).
    static func refusal(token: String?, target: String, authorization: String?) -> (status: Int, reason: String, body: String)? {
        guard let token else { return nil }
        let uri = URI(target)
        if uri.path == "/healthz" { return nil }
        var offered: Substring?
        if let auth = authorization, auth.hasPrefix("Bearer ") {
            offered = Substring(auth.dropFirst(7))
        } else if let q = uri.queryParameters["token"] {
            offered = q
        }
        if let offered, constantTimeEquals(offered.utf8, token.utf8) { return nil }
        return (401, "Unauthorized", "missing or wrong token\n")
    }

    func authorize(_ request: Request) throws {
        guard let token = configuration.token else { return }
        var offered: Substring?
        if let auth = request.headers[.authorization], auth.hasPrefix("Bearer ") {
            offered = auth.dropFirst(7)
        } else if let q = request.uri.queryParameters["token"] {
            offered = q
        }
        guard let offered, constantTimeEquals(offered.utf8, token.utf8) else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "missing or wrong token")
        }
    }

    /// The subscription a `/subscribe` query asks for; every value range-checked (``HubQuery``), 400 otherwise.
    func subscription(from request: Request) throws -> StreamHub.Subscription {
        let pairs = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        let q: HubQuery
        do { q = try HubQuery(pairs: pairs) } catch { throw HTTPError(.badRequest, message: error.reason) }
        return StreamHub.Subscription(match: q.match, format: q.format, parts: q.parts, since: q.since)
    }

    // MARK: connections

    func handlePublisher(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let publisher = hub.makePublisher()
        hub.publisherConnected()
        defer {
            hub.publisherDisconnected(publisher)
            relay.releasePublisher(publisher)
        }
        var received = 0
        var duplicates = 0
        // Clip requests made before this publisher connected are not its to answer.
        var clipsForwarded = clipRequests.withLockedValue { $0 }
        for try await message in inbound.messages(maxSize: configuration.maxMessageSize) {
            let decoded: StreamMessage
            let size: Int
            do {
                switch message {
                case .text(let text):
                    var text = text
                    size = text.utf8.count
                    decoded = try text.withUTF8 { buf throws(StreamJSON.DecodingError) in try StreamJSON.decode(UnsafeRawBufferPointer(buf)) }
                case .binary(let buffer):
                    size = buffer.readableBytes
                    decoded = try StreamBinary.decode(buffer)
                }
            } catch {
                hub.noteBadMessage()
                try await send(.control(.error(message: "\(error)")), outbound)
                continue
            }
            switch decoded {
            case .header(let h):
                received += 1
                // A store that is unavailable throws: the connection closes unacknowledged, so the
                // publisher keeps (and resends) what was not stored.
                if case .refused(let reason) = try await relay.store(header: h, from: publisher) {
                    try await send(.control(.error(message: reason)), outbound)
                }
                try await send(.control(.ack(frames: received, duplicates: duplicates)), outbound)
            case .frame(let f):
                received += 1
                switch try await relay.store(f, from: publisher, bytes: size) {
                case .accepted: break
                case .duplicate: duplicates += 1
                case .refused(let reason):
                    try await send(.control(.error(message: "frame \(f.index) of match \(f.match) refused: \(reason)")), outbound)
                }
                try await send(.control(.ack(frames: received, duplicates: duplicates)), outbound)
                // Sent from this loop, after the ack, so the connection has one writer.
                let clips = clipRequests.withLockedValue { $0 }
                if clips > clipsForwarded {
                    try await send(.control(.saveClip(requests: clips - clipsForwarded)), outbound)
                    clipsForwarded = clips
                }
            default:
                hub.noteBadMessage()
                try await send(.control(.error(message: "publishers send header and frame messages only")), outbound)
            }
        }
    }

    func handleSubscriber(
        _ subscription: StreamHub.Subscription, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter
    ) async throws {
        let sub = try await relay.openSubscription(subscription)
        defer { relay.closeSubscription(sub) }
        await withThrowingTaskGroup(of: Void.self) { group in
            // Reader: subscribers send nothing we need, but reading processes close frames.
            group.addTask {
                for try await _ in inbound {}
                sub.queue.cancel()
            }
            group.addTask { [self] in
                var lastBadEncoding: String?
                while let item = await sub.queue.next() {
                    let message: EncodedMessage?
                    var closeAfter = false
                    do throws(StreamEncodingError) {
                        switch item {
                        case .header(let h): message = h.encoded(format: subscription.format)
                        case .frame(let f): message = try f.encoded(format: subscription.format, parts: subscription.parts)
                        case .control(let c):
                            message = .control(c)
                            if case .dropped = c { closeAfter = true }
                        }
                    } catch {
                        // Reported once per distinct reason; the frame is counted as not sent.
                        if lastBadEncoding != error.reason {
                            lastBadEncoding = error.reason
                            try await send(.control(.error(message: error.reason)), outbound)
                        }
                        continue
                    }
                    if let message {
                        try await send(message, outbound)
                        if case .frame = item { hub.noteSent() }
                    }
                    if closeAfter {
                        try await outbound.close(.policyViolation, reason: "subscriber fell behind")
                        break
                    }
                }
            }
            // A dropped subscriber that does not read cannot be told (its writer is blocked on a
            // full socket): give the `dropped` message a moment, then cut the connection.
            group.addTask {
                if await sub.queue.waitUntilDropped() {
                    try await Task.sleep(for: .seconds(1))
                    throw CancellationError()
                }
                try await Task.sleep(for: .seconds(1 << 40))
            }
            _ = try? await group.next()
            sub.queue.cancel()
            group.cancelAll()
        }
    }

    private func send(_ message: EncodedMessage, _ outbound: WebSocketOutboundWriter) async throws {
        try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: message.isText ? .text : .binary, data: message.bytes)))
    }
}

/// Compares two tokens over their full length without an early exit, so neither the result
/// nor the time taken depends on where they first differ. Lengths are compared as whole
/// integers (a former version folded them into one byte, so a 256-byte token matched an empty one).
func constantTimeEquals<A: Collection, B: Collection>(_ a: A, _ b: B) -> Bool where A.Element == UInt8, B.Element == UInt8 {
    let lengthsDiffer = a.count != b.count
    var diff: UInt8 = 0
    var ia = a.makeIterator()
    var ib = b.makeIterator()
    for _ in 0..<max(a.count, b.count) {
        diff |= (ia.next() ?? 0) ^ (ib.next() ?? 0)
    }
    return !lengthsDiffer && diff == 0
}
