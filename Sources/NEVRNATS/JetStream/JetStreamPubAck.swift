/// The server's acknowledgement of a JetStream publish: the message is stored.
public struct JetStreamPubAck: Sendable, Hashable {
    /// The stream that stored it.
    public var stream: String
    /// Its sequence number in the stream.
    public var sequence: UInt64
    /// True when a message with the same `Nats-Msg-Id` was already stored within the
    /// duplicate window: this one was not stored again, ``sequence`` is the original's.
    public var duplicate: Bool

    /// An acknowledgement from its fields.
    public init(stream: String, sequence: UInt64, duplicate: Bool = false) {
        self.stream = stream
        self.sequence = sequence
        self.duplicate = duplicate
    }
}
