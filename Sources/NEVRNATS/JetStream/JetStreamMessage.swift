/// A message read from a stream by a ``JetStreamOrderedConsumer``, with its place in the stream.
public struct JetStreamMessage: Sendable, Hashable {
    /// The subject it was published to.
    public var subject: String
    /// Its headers (including `Nats-Msg-Id` if it was published with one).
    public var headers: NATSHeaders?
    /// The payload.
    public var payload: [UInt8]
    /// Its sequence number in the stream (gaps are messages of other subjects or removed ones).
    public var streamSequence: UInt64
    /// When the server stored it, nanoseconds since 1970.
    public var timestampNanoseconds: Int64
    /// How many further messages of the consumer's subject were stored when this one was sent.
    public var pending: UInt64

    /// A message from its fields.
    public init(subject: String, headers: NATSHeaders?, payload: [UInt8], streamSequence: UInt64, timestampNanoseconds: Int64, pending: UInt64) {
        self.subject = subject
        self.headers = headers
        self.payload = payload
        self.streamSequence = streamSequence
        self.timestampNanoseconds = timestampNanoseconds
        self.pending = pending
    }
}

/// The delivery metadata JetStream puts in the reply subject of each pushed message:
/// `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<timestamp>.<pending>`
/// (9 tokens), or the newer form with a domain and account hash first (11 or more tokens).
struct JetStreamDeliveryInfo: Hashable {
    var stream: String
    var consumer: String
    var streamSequence: UInt64
    var consumerSequence: UInt64
    var timestamp: Int64
    var pending: UInt64

    init?(replySubject: String) {
        let tokens = replySubject.split(separator: ".", omittingEmptySubsequences: false)
        guard tokens.count >= 9, tokens[0] == "$JS", tokens[1] == "ACK" else { return nil }
        let offset: Int
        if tokens.count == 9 {
            offset = 2
        } else if tokens.count >= 11 {
            offset = 4
        } else {
            return nil
        }
        guard tokens.count >= offset + 7 else { return nil }
        func number(_ token: Substring) -> UInt64? {
            guard !token.isEmpty, token.count <= 20, token.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return UInt64(token)
        }
        guard let sseq = number(tokens[offset + 3]), let cseq = number(tokens[offset + 4]),
            let ts = number(tokens[offset + 5]).flatMap(Int64.init(exactly:)), let pending = number(tokens[offset + 6])
        else { return nil }
        stream = String(tokens[offset])
        consumer = String(tokens[offset + 1])
        streamSequence = sseq
        consumerSequence = cseq
        timestamp = ts
        self.pending = pending
    }
}
