import Hummingbird
import Logging
import NIOCore

/// An HTTP server that answers `GET /session` and `GET /player_bones` the way
/// Echo VR does, from whatever a ``CurrentFrameStore`` holds, so overlays and
/// bots written against the game work unchanged against a replay or the simulator.
///
/// ```swift
/// let store = CurrentFrameStore()
/// let server = GameAPIServer(store: store, options: .init(port: 6721))
/// try await server.run { port in print("listening on \(port)") }   // until cancelled
/// ```
///
/// Answers:
/// - a frame: status 200, `Content-Type: application/json`, the recorded bytes unchanged;
/// - no match (before the first frame, after the last): ``GameAPIResponse/noMatchBody``
///   with ``GameAPIResponse/noMatchStatus``;
/// - `/player_bones` for a frame recorded without bones: the same no-match answer
///   (the recorder then stores "no bones", never a made-up empty skeleton list).
public struct GameAPIServer: Sendable {
    /// Where the server listens.
    public struct Options: Sendable {
        /// Address to bind (127.0.0.1 unless told otherwise).
        public var host: String
        /// 0 picks a free port (reported to `onReady`).
        public var port: Int

        /// The game's own address by default: 127.0.0.1:6721.
        public init(host: String = "127.0.0.1", port: Int = 6721) {
            self.host = host
            self.port = port
        }
    }

    /// What `/session` and `/player_bones` answer.
    public let store: CurrentFrameStore
    /// Where the server listens.
    public let options: Options
    /// When set, `GET /status` and the `POST /control/...` endpoints drive this playback.
    public let control: PlaybackControl?

    /// A server answering from `store`; with `control`, also `/status` and `/control/...`.
    public init(store: CurrentFrameStore, options: Options = .init(), control: PlaybackControl? = nil) {
        self.store = store
        self.options = options
        self.control = control
    }

    /// Serves until the task is cancelled. `onReady` gets the bound port once the
    /// server accepts connections.
    public func run(onReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let store = self.store
        let noMatch = ByteBufferAllocator().buffer(bytes: GameAPIResponse.noMatchBody)
        let jsonHeaders: HTTPFields = [.contentType: GameAPIResponse.contentType]
        let noMatchStatus = HTTPResponse.Status(code: GameAPIResponse.noMatchStatus)

        @Sendable func answer(_ body: ByteBuffer?) -> Response {
            if let body {
                return Response(status: .ok, headers: jsonHeaders, body: .init(byteBuffer: body))
            }
            return Response(status: noMatchStatus, headers: jsonHeaders, body: .init(byteBuffer: noMatch))
        }

        let router = Router()
        router.get("session") { _, _ in answer(store.current.session) }
        router.get("player_bones") { _, _ in
            let snapshot = store.current
            return answer(snapshot.session == nil ? nil : snapshot.bones)
        }

        if let control { PlaybackControlRoutes.add(to: router, control: control) }

        var logger = Logger(label: "nevr.serve")
        // Cancellation (how a server is stopped) logs shutdown noise at error level.
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(options.host, port: options.port)),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        try await app.runService(gracefulShutdownSignals: [])
    }
}
