import Foundation

/// Where an archive lives, as `--database` spells it: a file path or `sqlite:PATH` for
/// SQLite (the default), `postgres://...` for PostgreSQL.
public enum ArchiveLocation: Sendable, Equatable {
    /// An SQLite file.
    case sqlite(path: String)
    /// A PostgreSQL server URL.
    case postgres(url: String)

    /// The file name of the default archive, put next to the captures.
    public static let defaultFileName = "archive.sqlite"

    /// Parses a `--database` value.
    public init(_ spec: String) throws {
        let lower = spec.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            self = .postgres(url: spec)
        } else if lower.hasPrefix("sqlite:") {
            self = .sqlite(path: String(spec.dropFirst("sqlite:".count)))
        } else if spec.contains("://") {
            throw ArchiveError.unsupportedDatabase(spec)
        } else {
            self = .sqlite(path: spec)
        }
    }

    /// The location for messages: the SQLite path, or `postgres://HOST:PORT/DATABASE` (no user
    /// or password; a URL that does not parse with its password as `***`).
    public var redacted: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): (try? PostgresArchiveStore.Endpoint(url: url))?.display ?? PostgresArchiveStore.Endpoint.redacted(url)
        }
    }

    /// A `--database` value for messages: ``redacted`` when it parses, else the value with
    /// anything between `:` and `@` after the scheme masked.
    public static func redacted(_ spec: String) -> String {
        (try? ArchiveLocation(spec))?.redacted ?? PostgresArchiveStore.Endpoint.redacted(spec)
    }

    /// Opens the archive. `mustExist`: an SQLite file that is not there is an error instead
    /// of a new empty archive (queries should not create files).
    public func open(mustExist: Bool = false) async throws -> Archive {
        switch self {
        case .sqlite(let path):
            if mustExist, path != ":memory:", !FileManager.default.fileExists(atPath: path) {
                throw ArchiveError.cannotOpen(path, reason: "no archive there (create one with `nevr archive add`, or name one with --database)")
            }
            return try await Archive(store: SQLiteArchiveStore(path: path))
        case .postgres(let url):
            return try await Archive(store: PostgresArchiveStore(url: url))
        }
    }
}
