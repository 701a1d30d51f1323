/// The configuration of a JetStream stream (the subset of `StreamConfig` this client sets):
/// which subjects it stores and its limits.
///
/// JetStream keeps the newest messages when a limit is reached (`discard: old`). The count
/// limit can be per subject (``maxMessagesPerSubject``: one match's backlog); bytes and age are
/// limits of the whole stream (``maxBytes``, ``maxAge``), as the JetStream API defines them.
public struct JetStreamStreamConfig: Sendable, Hashable {
    /// How the server stores the messages.
    public enum Storage: String, Sendable, Hashable {
        /// On disk (survives a server restart).
        case file
        /// In memory.
        case memory
    }

    /// The stream's name (no spaces, `.`, `*`, `>`).
    public var name: String
    /// The subjects it captures (wildcards allowed), e.g. `nevr.match.>`.
    public var subjects: [String]
    /// The most messages kept per subject; nil = no limit.
    public var maxMessagesPerSubject: Int?
    /// The most messages kept in the whole stream; nil = no limit.
    public var maxMessages: Int?
    /// The most bytes kept in the whole stream; nil = no limit.
    public var maxBytes: Int?
    /// The oldest message age kept; nil = no limit.
    public var maxAge: Duration?
    /// The largest message accepted; nil = the server's max_payload.
    public var maxMessageSize: Int?
    /// File or memory storage.
    public var storage: Storage
    /// How long a `Nats-Msg-Id` is remembered for de-duplication; nil = the server's default (2 minutes).
    public var duplicateWindow: Duration?

    /// A stream capturing `subjects` with the given limits.
    public init(
        name: String, subjects: [String], maxMessagesPerSubject: Int? = nil, maxMessages: Int? = nil, maxBytes: Int? = nil,
        maxAge: Duration? = nil, maxMessageSize: Int? = nil, storage: Storage = .file, duplicateWindow: Duration? = nil
    ) {
        self.name = name
        self.subjects = subjects
        self.maxMessagesPerSubject = maxMessagesPerSubject
        self.maxMessages = maxMessages
        self.maxBytes = maxBytes
        self.maxAge = maxAge
        self.maxMessageSize = maxMessageSize
        self.storage = storage
        self.duplicateWindow = duplicateWindow
    }

    /// The JSON object of the JetStream API (`-1` for "no limit", durations in nanoseconds).
    func json() throws -> [String: Any] {
        func limit(_ value: Int?, _ what: String) throws -> Int {
            guard let value else { return -1 }
            guard value > 0 else { throw NATSError.invalidArgument("stream \(name): \(what) \(value) must be positive") }
            return value
        }
        func nanos(_ value: Duration?, _ what: String) throws -> Int {
            guard let value else { return 0 }
            guard value > .zero else { throw NATSError.invalidArgument("stream \(name): \(what) must be positive") }
            return Int(clamping: NATSClient.nanoseconds(value))
        }
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 32 && $0 != 127 && $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "*") && $0 != UInt8(ascii: ">") }) else {
            throw NATSError.invalidArgument("stream name \"\(name)\" is empty or has whitespace, '.', '*' or '>'")
        }
        guard !subjects.isEmpty else { throw NATSError.invalidArgument("stream \(name) has no subjects") }
        for subject in subjects { try NATSClient.checkSubject(subject, what: "stream subject") }
        var object: [String: Any] = [
            "name": name, "subjects": subjects, "retention": "limits", "discard": "old", "num_replicas": 1,
            "storage": storage.rawValue, "max_consumers": -1,
            "max_msgs_per_subject": try limit(maxMessagesPerSubject, "max messages per subject"),
            "max_msgs": try limit(maxMessages, "max messages"),
            "max_bytes": try limit(maxBytes, "max bytes"),
            "max_age": try nanos(maxAge, "max age"),
            "max_msg_size": try limit(maxMessageSize, "max message size"),
        ]
        if let duplicateWindow { object["duplicate_window"] = try nanos(duplicateWindow, "duplicate window") }
        return object
    }
}
