/// The messages of one subscription, in the order the server sent them.
///
/// Iterating ends when the subscription is unsubscribed or the client closes; it throws when
/// the connection breaks or the subscription's buffer overflows
/// (``NATSError/slowConsumer(subject:limit:)``: messages are never dropped silently).
/// Dropping the iterator (for example leaving a `for await` loop) unsubscribes.
public struct NATSSubscription: AsyncSequence, Sendable {
    /// What the sequence yields.
    public typealias Element = NATSMessage
    /// The subject (possibly with wildcards) subscribed to.
    public let subject: String
    /// The subscription id on the connection.
    public let sid: UInt64
    let client: NATSClient
    let stream: AsyncThrowingStream<NATSMessage, any Error>

    /// Ends the subscription (sends `UNSUB`); iteration then finishes.
    public func unsubscribe() async {
        await client.unsubscribe(sid: sid)
    }

    /// Iterates the messages.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator())
    }

    /// The iterator over ``NATSSubscription``.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<NATSMessage, any Error>.AsyncIterator

        /// The next message; nil after the subscription ended.
        public mutating func next() async throws -> NATSMessage? {
            try await base.next()
        }
    }
}
