import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NEVRHub
import NIOCore
import NIOWebSocket

/// Spark's WebSocket event server (port 6725): a client sends `subscribe:<type>` or
/// `unsubscribe:<type>` text messages; the server echoes each accepted one, answers
/// `failed:<reason>` otherwise, and pushes `<type>:<json>` for every subscribed type
/// (``SparkEventType``). Subscribing to `overlay_config` answers the current config at once.
///
/// Every connection passes the hub's connection guard first (at most
/// ``Limits/maxConnections`` at once, the rest closed on arrival; the upgrade request within
/// ``Limits/handshakeTimeout``; closed after ``Limits/idleTimeout`` without a byte, which a
/// live client never reaches because it answers the server's pings). Every client message is
/// checked (a frame or message over ``maximumClientMessage`` bytes closes the connection with
/// 1009; otherwise a known verb and type); queues are bounded per client
/// (``SparkBroadcaster``), so a slow client cannot grow memory; at most
/// ``SparkBroadcaster/Limits/clients`` WebSocket clients at once.
public struct SparkEventServer: Sendable {
    /// Longest client message accepted (`subscribe:overlay_config` is 24 bytes).
    public static let maximumClientMessage = 256

    /// Bounds on connections, before any WebSocket code sees them.
    public struct Limits: Sendable {
        /// TCP connections at once; more are closed on arrival.
        public var maxConnections = 128
        /// Time for the upgrade request to arrive in full.
        public var handshakeTimeout: Duration = .seconds(10)
        /// A connection that sends nothing (not even a pong) for this long is closed.
        public var idleTimeout: Duration = .seconds(60)
        /// How often the server pings each client (its pongs keep the connection from idling).
        public var pingInterval: Duration = .seconds(15)
        /// 128 connections, 10 s handshake, 60 s idle, pings every 15 s.
        public init() {}
    }

    /// Address to bind (127.0.0.1 unless told otherwise).
    public var host: String
    /// 0 picks a free port (reported to `onReady`).
    public var port: Int
    /// The clients' queues the feed publishes into.
    public let broadcaster: SparkBroadcaster
    /// Answers `subscribe:overlay_config`.
    public var configuration: @Sendable () -> OverlayConfiguration
    /// Connection bounds.
    public var limits: Limits
    private let connections = ConnectionCounter()

    /// A server on Spark's port 6725 of 127.0.0.1 by default.
    public init(
        host: String = "127.0.0.1", port: Int = 6725, broadcaster: SparkBroadcaster, limits: Limits = .init(),
        configuration: @escaping @Sendable () -> OverlayConfiguration = { OverlayConfiguration() }
    ) {
        self.host = host
        self.port = port
        self.broadcaster = broadcaster
        self.limits = limits
        self.configuration = configuration
    }

    /// Connections open now, closed on arrival at ``Limits/maxConnections``, and closed by the
    /// handshake or idle timeout.
    public var connectionCounts: (open: Int, refused: Int, timedOut: Int) {
        (connections.open, connections.refused, connections.timedOut)
    }

    /// What a client message asks for.
    enum Request: Equatable {
        case subscribe(SparkEventType)
        case unsubscribe(SparkEventType)
        case invalid(String)

        init(_ text: String) {
            guard text.utf8.count <= SparkEventServer.maximumClientMessage else {
                self = .invalid("message longer than \(SparkEventServer.maximumClientMessage) bytes")
                return
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let colon = trimmed.firstIndex(of: ":") else {
                self = .invalid("expected subscribe:<type> or unsubscribe:<type>")
                return
            }
            let verb = trimmed[..<colon]
            let name = String(trimmed[trimmed.index(after: colon)...])
            guard let type = SparkEventType(rawValue: name) else {
                // Echo at most a short, printable prefix of what the client sent.
                let shown = String(name.unicodeScalars.prefix(40).filter { $0.value >= 0x20 && $0.value < 0x7F })
                self = .invalid("unknown event type \(shown)")
                return
            }
            switch verb {
            case "subscribe": self = .subscribe(type)
            case "unsubscribe": self = .unsubscribe(type)
            default: self = .invalid("expected subscribe:<type> or unsubscribe:<type>")
            }
        }
    }

    /// Serves until the task is cancelled.
    public func run(onReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.get("/") { _, _ -> Response in
            throw HTTPError(.upgradeRequired, message: "the Spark event server speaks WebSocket")
        }
        let wsRouter = Router(context: BasicWebSocketRequestContext.self)
        let handler: WebSocketDataHandler<HummingbirdWebSocket.WebSocketRouterContext<BasicWebSocketRequestContext>> = {
            [broadcaster, configuration] inbound, outbound, _ in
            guard let (id, queue) = broadcaster.connect() else {
                try await outbound.close(.policyViolation, reason: "too many clients")
                return
            }
            defer { broadcaster.disconnect(id) }
            await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await message in inbound.messages(maxSize: Self.maximumClientMessage) {
                        guard case .text(let text) = message else {
                            queue.reply("failed:text messages only")
                            continue
                        }
                        switch Request(text) {
                        case .subscribe(let type):
                            queue.subscribe(type)
                            queue.reply("subscribe:\(type.rawValue)")
                            if type == .overlayConfig {
                                queue.reply("overlay_config:" + configuration().overlayConfigJSON.text)
                            }
                        case .unsubscribe(let type):
                            queue.unsubscribe(type)
                            queue.reply("unsubscribe:\(type.rawValue)")
                        case .invalid(let reason):
                            queue.reply("failed:\(reason)")
                        }
                    }
                    queue.close()
                }
                group.addTask {
                    while let item = await queue.next() {
                        try await outbound.write(.text(item.text))
                        broadcaster.noteSent()
                    }
                }
                _ = try? await group.next()
                queue.close()
                group.cancelAll()
            }
        }
        wsRouter.ws("/", onUpgrade: handler)
        wsRouter.ws("**", onUpgrade: handler)
        var logger = Logger(label: "nevr.overlay.events")
        logger.logLevel = .critical
        // The hub's guard: connection count, handshake and idle timeouts, before HTTP (no token here).
        let guarded = ConnectionGuard(
            limits: .init(
                maxConnections: max(1, limits.maxConnections), handshakeTimeout: .init(limits.handshakeTimeout),
                idleTimeout: .init(limits.idleTimeout)),
            counter: connections)
        let wsResponder = wsRouter.buildResponder()
        let channelConfiguration = HTTP1WebSocketUpgradeChannel.Configuration(
            ws: .init(maxFrameSize: Self.maximumClientMessage, autoPing: .enabled(timePeriod: limits.pingInterval)))
        let app = Application(
            router: router,
            server: HTTPServerBuilder { responder in
                guarded.wrap(
                    HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: wsResponder, configuration: channelConfiguration))
            },
            configuration: .init(address: .hostname(host, port: port), serverName: "nevr-overlay-events"),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        try await app.runService(gracefulShutdownSignals: [])
    }
}
