/// One message delivered to a subscription (`MSG` or `HMSG`).
public struct NATSMessage: Sendable, Hashable {
    /// The subject it was published to.
    public var subject: String
    /// The subscription id it was delivered for.
    public var sid: UInt64
    /// The reply subject, if the publisher asked for a reply.
    public var replyTo: String?
    /// The headers (`HMSG` only).
    public var headers: NATSHeaders?
    /// The payload bytes.
    public var payload: [UInt8]

    /// A message from its parts.
    public init(subject: String, sid: UInt64, replyTo: String? = nil, headers: NATSHeaders? = nil, payload: [UInt8]) {
        self.subject = subject
        self.sid = sid
        self.replyTo = replyTo
        self.headers = headers
        self.payload = payload
    }

    /// The payload as UTF-8 text (invalid sequences replaced).
    public var string: String { String(decoding: payload, as: UTF8.self) }
}
