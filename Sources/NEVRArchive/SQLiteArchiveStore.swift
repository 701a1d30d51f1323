import Foundation
import NEVRCapture
import NIOCore
import SQLiteNIO

/// The embedded back end: one SQLite file (sqlite-nio, which bundles SQLite), no server.
///
/// `nevr archive` puts it next to the captures (`archive.sqlite` in the folder added) unless
/// `--database` names another file or a PostgreSQL server.
public final class SQLiteArchiveStore: ArchiveStore, @unchecked Sendable {
    // @unchecked: `connection` is immutable after init and SQLiteConnection serialises its
    // own calls on its thread pool.
    private let connection: SQLiteConnection
    /// `sqlite:` followed by the path given to ``init(path:)``.
    public let label: String

    /// Opens (creating when missing) the SQLite database at `path`; `":memory:"` opens a
    /// private in-memory database.
    public init(path: String) async throws {
        let storage: SQLiteConnection.Storage = path == ":memory:" ? .memory : .file(path: path)
        do {
            connection = try await SQLiteConnection.open(storage: storage)
        } catch {
            throw ArchiveError.cannotOpen(path, reason: ErrorReason.plain(error))
        }
        label = "sqlite:\(path)"
        // WAL: readers (archive serve) do not block the writer (archive add).
        if path != ":memory:" { _ = try await query("PRAGMA journal_mode = WAL", []) }
        _ = try await query("PRAGMA synchronous = NORMAL", [])
        // A second writer (another `archive add` on the same file) waits up to 10 s for the
        // write lock instead of failing at once with "database is locked".
        _ = try await query("PRAGMA busy_timeout = 10000", [])
    }

    /// Runs `sql` with `binds` as `$1`, `$2`, ... and returns every row (BLOB columns come back as
    /// UTF-8 text); an empty table, with no column names, when there are no rows.
    /// - Throws: ``ArchiveError/database(_:)`` with SQLite's message.
    public func query(_ sql: String, _ binds: [ArchiveValue]) async throws -> ArchiveTable {
        let data: [SQLiteData] = binds.map {
            switch $0 {
            case .int(let v): .integer(SQLiteInt64(v))
            case .double(let v): .float(v)
            case .text(let v): .text(v)
            case .null: .null
            }
        }
        let rows: [SQLiteRow]
        do {
            rows = try await connection.query(sql, data)
        } catch {
            throw ArchiveError.database("\(error)")
        }
        guard let first = rows.first else { return ArchiveTable(columns: []) }
        let columns = first.columns.map(\.name)
        return ArchiveTable(columns: columns, rows: rows.map { row in
            row.columns.map {
                switch $0.data {
                case .integer(let v): .int(Int64(v))
                case .float(let v): .double(v)
                case .text(let v): .text(v)
                case .blob(let b): .text(String(decoding: b.readableBytesView, as: UTF8.self))
                case .null: .null
                }
            }
        })
    }

    /// Closes the connection; no call may follow.
    public func close() async throws {
        try await connection.close()
    }
}
