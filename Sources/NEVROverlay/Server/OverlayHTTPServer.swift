import Hummingbird
import HummingbirdWebSocket
import Logging
import NEVRGameAPI
import NEVRHub
import NIOCore

/// The overlay HTTP server (port 6724, as Spark's): Spark's JSON endpoints, our own overlay
/// pages and, on the same origin, the hub's `GET /subscribe` WebSocket feed the pages read.
///
/// Spark endpoints (same paths and keys): `/stats`, `/overlay_info`, `/scoreboard` (HTML),
/// `/disc_positions`, `/get_player_speed`, `/get_disc_speed`, `/spark_info`,
/// `/api/get_overlay_config`, and the game passthrough `/session` and `/player_bones`
/// (the last frame's bodies; 404 when not in a match, as Spark answers). CORS as Spark: any
/// origin. Pages: `/` (index), `/overlay/<page>` with ``OverlayPageOptions`` in the query.
public struct OverlayHTTPServer: Sendable {
    /// Address to bind (127.0.0.1 unless told otherwise).
    public var host: String
    /// 0 picks a free port (reported to `onReady`).
    public var port: Int
    /// Where the documents and the last frame's bodies come from.
    public let feed: OverlayFeed
    /// Serves `/subscribe` from ``OverlayFeed/hub`` (the hub's own subscriber code).
    public let hubServer: HubServer
    /// The caster's current configuration (`/overlay_info`, `/api/get_overlay_config`).
    public var configuration: @Sendable () -> OverlayConfiguration

    /// A server on Spark's port 6724 of 127.0.0.1 by default.
    public init(
        host: String = "127.0.0.1", port: Int = 6724, feed: OverlayFeed, hubServer: HubServer,
        configuration: @escaping @Sendable () -> OverlayConfiguration = { OverlayConfiguration() }
    ) {
        self.host = host
        self.port = port
        self.feed = feed
        self.hubServer = hubServer
        self.configuration = configuration
    }

    static let json: HTTPFields = [.contentType: "application/json"]
    static let html: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"]

    static func jsonResponse(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: json, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func text(_ status: HTTPResponse.Status, _ text: String, type: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Serves until the task is cancelled.
    public func run(onReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let (feed, configuration) = (self.feed, self.configuration)
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.add(middleware: CORSMiddleware(allowOrigin: .all, allowHeaders: [.accept, .contentType, .origin], allowMethods: [.get, .head, .options]))

        router.get("stats") { _, _ in Self.jsonResponse(feed.state.sparkStats(teamNames: configuration().teamNames).bytes) }
        router.get("overlay_info") { _, _ in Self.jsonResponse(feed.state.sparkOverlayInfo(configuration: configuration())) }
        router.get("scoreboard") { _, _ in Self.text(.ok, feed.state.sparkScoreboardHTML(), type: "text/html; charset=utf-8") }
        router.get("disc_positions") { _, _ in Self.jsonResponse(feed.state.sparkDiscPositions().bytes) }
        router.get("get_disc_speed") { _, _ in Self.jsonResponse(feed.state.sparkDiscSpeed().bytes) }
        router.get("get_player_speed") { request, _ -> Response in
            let name = request.uri.queryParameters["player"].map(String.init)
            if let name, name.utf8.count > 128 { return Self.text(.badRequest, "player: name longer than 128 bytes\n") }
            return Self.jsonResponse(feed.state.sparkPlayerSpeed(name: name).bytes)
        }
        router.get("spark_info") { _, _ in
            Self.jsonResponse(SparkJSON.object([("version", .string("nevr \(OverlayPages.version)")), ("windows_store", .bool(false)), ("ess_version", .string(""))]).bytes)
        }
        router.get("api/get_overlay_config") { _, _ in Self.jsonResponse(configuration().overlayConfigJSON.bytes) }
        router.get("session") { _, _ -> Response in
            guard let s = feed.state.sessionJSON else { return Self.text(.notFound, "not in a match\n") }
            return Self.jsonResponse(s)
        }
        router.get("player_bones") { _, _ -> Response in
            let state = feed.state
            guard state.sessionJSON != nil, let b = state.bonesJSON else { return Self.text(.notFound, "no bones for the current frame\n") }
            return Self.jsonResponse(b)
        }
        router.get("healthz") { _, _ in "ok\n" }

        router.get("/") { _, _ in Self.text(.ok, OverlayPages.index, type: "text/html; charset=utf-8") }
        router.get("overlay/{name}") { request, context -> Response in
            let name = context.parameters.get("name") ?? ""
            if let asset = OverlayPages.asset(named: name) {
                return Response(
                    status: .ok, headers: [.contentType: asset.type, .cacheControl: "no-cache"],
                    body: .init(byteBuffer: ByteBuffer(string: asset.text)))
            }
            guard let page = OverlayPages.page(named: name) else {
                return Self.text(.notFound, "no overlay page \"\(OverlayPageOptions.shown(name))\" (pages: \(OverlayPages.names.joined(separator: ", ")))\n")
            }
            do {
                let query = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
                _ = try OverlayPageOptions(query: query)
            } catch {
                return Self.text(.badRequest, "\(error)\n")
            }
            return Response(status: .ok, headers: Self.html, body: .init(byteBuffer: ByteBuffer(string: page)))
        }

        let wsRouter = Router(context: BasicWebSocketRequestContext.self)
        hubServer.addSubscribeRoute(http: router, webSocket: wsRouter)

        var logger = Logger(label: "nevr.overlay")
        logger.logLevel = .critical
        let hub = feed.hub
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(
                webSocketRouter: wsRouter,
                configuration: .init(ws: .init(maxFrameSize: 1 << 16, autoPing: .enabled(timePeriod: .seconds(15))))),
            configuration: .init(address: .hostname(host, port: port), serverName: "nevr-overlay"),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        try await withTaskCancellationHandler {
            try await app.runService(gracefulShutdownSignals: [])
        } onCancel: {
            hub.closeAll()
        }
    }
}
