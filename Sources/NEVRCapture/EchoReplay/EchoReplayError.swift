/// Why an `.echoreplay` file could not be read or written. The description
/// names the file: `path: reason`.
public struct EchoReplayError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, without the file name.
    public enum Reason: Hashable, Sendable, CustomStringConvertible {
        /// An operating-system call failed (`operation` says which, `message` is strerror).
        case io(operation: String, message: String)
        /// The ZIP structure is damaged or truncated.
        case corruptArchive(String)
        /// A ZIP feature this reader does not handle (encryption, a compression method).
        case unsupportedArchive(String)
        /// The archive holds no file entry.
        case noEntry
        /// The compressed data of the entry is damaged.
        case corruptData(String)
        /// The entry inflated past ``EchoReplayReader/Options/maxInflatedBytes``.
        case entryTooLarge(limit: Int64)
        /// Every non-empty line was rejected; `count` lines, the first of them shown.
        case allLinesRejected(count: Int, first: SkippedLine?)
        /// The file (or its entry) holds no lines at all.
        case empty
        /// A record handed to the writer cannot be stored (e.g. a raw newline in the JSON).
        case invalidRecord(String)
        /// The writer was used after ``EchoReplayWriter/close()``.
        case closed

        /// The reason as one line for people (no file name).
        public var description: String {
            switch self {
            case .io(let op, let message): return "cannot \(op): \(message)"
            case .corruptArchive(let why): return "damaged ZIP archive: \(why)"
            case .unsupportedArchive(let why): return "unsupported ZIP archive: \(why)"
            case .noEntry: return "the ZIP archive holds no file entry"
            case .corruptData(let why): return "damaged compressed data: \(why)"
            case .entryTooLarge(let limit): return "the entry inflates past the limit of \(limit) bytes"
            case .allLinesRejected(let count, let first):
                return "all \(count) non-empty line(s) rejected, not an .echoreplay recording"
                    + (first.map { " (first: \($0))" } ?? "")
            case .empty: return "no frames: the recording is empty"
            case .invalidRecord(let why): return "cannot write record: \(why)"
            case .closed: return "the writer is already closed"
            }
        }
    }

    /// The file the error is about.
    public var path: String
    /// What went wrong.
    public var reason: Reason

    /// An error about the file at `path`.
    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`, as the CLI prints it.
    public var description: String { "\(path): \(reason)" }
}
