/// Why bytes from a server are not the NATS protocol. After any of these the connection is
/// unusable: ``NATSProtocolParser`` keeps throwing the same error.
public enum NATSProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A control line longer than the parser's limit without a line end.
    case lineTooLong(limit: Int)
    /// A `MSG`/`HMSG` announcing more bytes than the limit (the server's `max_payload`).
    case payloadTooLarge(size: Int, limit: Int)
    /// A control line that is not a known operation or has bad arguments (the line, shortened).
    case malformed(String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .lineTooLong(let limit): return "control line longer than \(limit) bytes"
        case .payloadTooLarge(let size, let limit): return "message of \(size) bytes announced, limit is \(limit)"
        case .malformed(let reason): return "malformed: \(reason)"
        }
    }
}
