import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The shared back end: a PostgreSQL server (postgres-nio), so several machines add to and
/// query one archive. `--database postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`.
///
/// One connection; ``Archive`` serialises the calls. TLS is not used (a loopback or private
/// network server); `?sslmode=` in the URL is refused rather than ignored.
public final class PostgresArchiveStore: ArchiveStore, @unchecked Sendable {
    // @unchecked: `connection` is immutable after init; PostgresConnection is thread-safe.
    private let connection: PostgresConnection
    private let logger = Logger(label: "nevr.archive.postgres")
    /// The server and database, `postgres://HOST:PORT/DATABASE` (no user or password).
    public let label: String

    /// The parts of a `postgres://` URL.
    public struct Endpoint: Equatable, Sendable {
        /// Host name or address.
        public var host: String
        /// TCP port (1...65535).
        public var port: Int
        /// User name.
        public var user: String
        /// Password, if any.
        public var password: String?
        /// Database name.
        public var database: String

        /// Parses `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (also `postgresql://`).
        public init(url spec: String) throws {
            guard let url = URLComponents(string: spec), let scheme = url.scheme?.lowercased(),
                  scheme == "postgres" || scheme == "postgresql", let host = url.host, !host.isEmpty
            else { throw ArchiveError.unsupportedDatabase(spec) }
            if let items = url.queryItems, !items.isEmpty {
                throw ArchiveError.database("\(Self.redacted(spec)): query options (\(items.map(\.name).joined(separator: ", "))) are not supported")
            }
            let port = url.port ?? 5432
            guard (1...65535).contains(port) else { throw ArchiveError.database("\(Self.redacted(spec)): port \(port) out of range") }
            let database = String(url.path.drop { $0 == "/" })
            self.host = host
            self.port = port
            self.user = url.user ?? "postgres"
            self.password = url.password
            self.database = database.isEmpty ? self.user : database
        }

        /// The server and database for messages, `postgres://HOST:PORT/DATABASE`: no user or
        /// password, the port spelled out even when it is the default.
        public var display: String {
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return "postgres://\(shownHost):\(port)/\(database)"
        }

        /// The URL without its password, for messages about a URL that does not parse.
        public static func redacted(_ spec: String) -> String {
            guard var url = URLComponents(string: spec), url.password != nil else { return spec }
            url.password = "***"
            return url.string ?? spec
        }
    }

    /// Connects to the server `url` names (`postgres://` or `postgresql://`; user `postgres`,
    /// port 5432 and database = user when left out).
    /// - Throws: ``ArchiveError/unsupportedDatabase(_:)`` for a URL that is not one, and
    ///   ``ArchiveError/cannotOpen(_:reason:)`` (naming ``Endpoint/display``, with a hint) when
    ///   the server cannot be reached or refuses the login.
    public init(url: String) async throws {
        let endpoint = try Endpoint(url: url)
        let configuration = PostgresConnection.Configuration(
            host: endpoint.host, port: endpoint.port, username: endpoint.user, password: endpoint.password,
            database: endpoint.database, tls: .disable)
        label = endpoint.display
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw ArchiveError.cannotOpen(endpoint.display, reason: PostgresFailure.connecting(error))
        }
        // Keep the server's notices about IF NOT EXISTS out of the way.
        _ = try await query("SET client_min_messages = warning", [])
    }

    /// Runs `sql` with `binds` as `$1`, `$2`, ... (extended protocol: binds never become SQL
    /// text) and returns every row; an empty table, with no column names, when there are none.
    /// - Throws: ``ArchiveError/database(_:)`` with the server's message (never the query or
    ///   its binds).
    public func query(_ sql: String, _ binds: [ArchiveValue]) async throws -> ArchiveTable {
        var bindings = PostgresBindings()
        for value in binds {
            switch value {
            case .int(let v): bindings.append(v)
            case .double(let v): bindings.append(v)
            case .text(let v): bindings.append(v)
            case .null: bindings.appendNull()
            }
        }
        do {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger).collect()
            guard let first = rows.first else { return ArchiveTable(columns: []) }
            let columns = first.map(\.columnName)
            var out: [[ArchiveValue]] = []
            out.reserveCapacity(rows.count)
            for row in rows { out.append(try row.map(Self.value)) }
            return ArchiveTable(columns: columns, rows: out)
        } catch let error as ArchiveError {
            throw error
        } catch {
            throw ArchiveError.database(PostgresFailure.statement(error))
        }
    }

    private static func value(_ cell: PostgresCell) throws -> ArchiveValue {
        if cell.bytes == nil { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .int(try cell.decode(Int64.self))
        case .float4, .float8: return .double(try cell.decode(Double.self))
        case .bool: return .int(try cell.decode(Bool.self) ? 1 : 0)
        default: return .text(try cell.decode(String.self))
        }
    }

    /// Closes the connection; no call may follow.
    public func close() async throws {
        try await connection.close()
    }
}
