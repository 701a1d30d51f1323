import Foundation
import Hummingbird
import Logging
import NEVRArchive

/// `nevr archive serve`: a small read-only REST API over an ``Archive`` (SQLite or
/// PostgreSQL): matches with filters and paging, one match with its players' stats, a match's
/// events, a player's stats, and a match's frames downloaded in any writable capture format,
/// converted on the fly. Every route, parameter and answer is in `docs/archive-openapi.yaml`.
///
/// ```swift
/// let archive = try await ArchiveLocation("captures/archive.sqlite").open(mustExist: true)
/// let server = ArchiveServer(archive: archive, options: .init(port: 0))
/// try await server.run { port in print("http://127.0.0.1:\(port)/matches") }  // until cancelled
/// ```
///
/// Query values are checked before use (``ArchiveAPIError``: 400 for a malformed or
/// out-of-range value or an unknown parameter, 404 for an unknown match, player or route),
/// always with a JSON body `{"error": "..."}`.
public struct ArchiveServer: Sendable {
    /// Where the server listens.
    public struct Options: Sendable {
        /// Address to bind (127.0.0.1 unless told otherwise).
        public var host: String
        /// 0 picks a free port (reported to `onReady`).
        public var port: Int

        /// 127.0.0.1:6790 by default.
        public init(host: String = "127.0.0.1", port: Int = 6790) {
            self.host = host
            self.port = port
        }
    }

    /// The archive answered from.
    public let archive: Archive
    /// Where the server listens.
    public let options: Options

    /// A server answering from `archive`.
    public init(archive: Archive, options: Options = .init()) {
        self.archive = archive
        self.options = options
    }

    /// Serves until the task is cancelled. `onReady` gets the bound port once the server
    /// accepts connections. Downloads are converted into a private temporary folder, deleted
    /// when the server stops.
    public func run(onReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("nevr-archive-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        let router = Router()
        router.add(middleware: ArchiveErrorMiddleware())
        ArchiveRoutes(archive: archive, scratch: scratch).add(to: router)

        var logger = Logger(label: "nevr.archive.serve")
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
