/// A value going into or coming out of the archive's database.
public enum ArchiveValue: Hashable, Sendable {
    /// A 64-bit integer.
    case int(Int64)
    /// A floating-point number.
    case double(Double)
    /// Text.
    case text(String)
    /// SQL `NULL`.
    case null

    /// The value as text, as the table and CSV output show it (`NULL` is empty).
    public var text: String {
        switch self {
        case .int(let v): String(v)
        case .double(let v): v.isFinite ? String(v) : ""
        case .text(let v): v
        case .null: ""
        }
    }

    /// The value as an integer when it is one (or a whole double or numeric text).
    public var int: Int64? {
        switch self {
        case .int(let v): v
        case .double(let v): v.isFinite && v.rounded() == v && abs(v) < 9e18 ? Int64(v) : nil
        case .text(let v): Int64(v)
        case .null: nil
        }
    }
}

/// The database under an ``Archive``: the one seam the SQLite and PostgreSQL back ends
/// implement. The archive speaks one SQL dialect both understand (`$1` placeholders, numbered
/// in order of first use; `ON CONFLICT`; `BIGINT`/`DOUBLE PRECISION`/`TEXT` columns), so
/// everything above this protocol is shared and one test suite runs against both.
///
/// Calls come from one ``Archive`` actor at a time; a store need not be reentrant.
public protocol ArchiveStore: Sendable {
    /// A short name for messages (`sqlite:/path/archive.sqlite`, `postgres://host/db`).
    var label: String { get }
    /// Runs one statement with positional `binds` and returns its rows (empty for statements
    /// without a result).
    func query(_ sql: String, _ binds: [ArchiveValue]) async throws -> ArchiveTable
    /// Closes the connection; no call may follow.
    func close() async throws
}

/// Why an archive operation failed.
public enum ArchiveError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The capture holds no game frame with a `sessionid` (nothing to archive).
    case noGameFrames(String)
    /// The database said no: its message.
    case database(String)
    /// The archive could not be opened: where (the SQLite path, or
    /// `postgres://HOST:PORT/DATABASE` without credentials) and why, in words with a hint (a
    /// server that refuses the connection or the login, a missing file).
    case cannotOpen(String, reason: String)
    /// A `--database` value that names no back end this build has.
    case unsupportedDatabase(String)
    /// A value from the database outside the range the archive accepts.
    case badValue(column: String, value: String)
    /// A stat column name that the archive does not keep.
    case unknownColumn(String)

    /// One line naming the file, column or value at fault, as `nevr archive` prints it.
    public var description: String {
        switch self {
        case .noGameFrames(let file): "\(file): no game frames with a session id (nothing to archive)"
        case .database(let message): "database error: \(message)"
        case .cannotOpen(let location, let reason): "\(location): \(reason)"
        case .unsupportedDatabase(let url): "\(url): not a database this build knows (use a file path, sqlite:PATH or postgres://...)"
        case .badValue(let column, let value): "database column \(column) holds \(value), which is out of range"
        case .unknownColumn(let name): "unknown stat \"\(name)\"; known: \(Archive.statColumns.joined(separator: ", "))"
        }
    }
}
