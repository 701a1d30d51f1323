/// The messages of one subject of a stream, in stream order, each exactly once: first the
/// stored backlog from the start position, then live messages as they are stored.
///
/// Built on an ephemeral push consumer with flow control and idle heartbeats (acks off). The
/// iterator checks the consumer sequence of every message; a gap (a message lost on the way),
/// a consumer the server deleted, or a subscription that overflowed its buffer makes it
/// recreate the consumer from the next stream sequence it has not yielded, so nothing is
/// skipped or repeated. Flow-control requests are answered when the iterator reaches them,
/// which makes the server pace delivery to the reader. Iteration ends when the client closes.
public struct JetStreamOrderedConsumer: AsyncSequence, Sendable {
    /// What the sequence yields.
    public typealias Element = JetStreamMessage
    let jetStream: JetStream
    /// The stream read.
    public let stream: String
    /// The subject (filter) read.
    public let subject: String
    /// Where reading starts.
    public let start: JetStream.StartPosition

    /// A fresh iterator (each creates its own server-side consumer).
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(engine: Engine(jetStream: jetStream, stream: stream, subject: subject, start: start))
    }

    /// The iterator over ``JetStreamOrderedConsumer``.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let engine: Engine

        /// The next message; nil when the client closed.
        public mutating func next() async throws -> JetStreamMessage? {
            try await engine.next()
        }

        /// How many times the server-side consumer was recreated (after a gap or overflow).
        public var resets: Int { engine.resets }
    }

    /// The iterator's state (a class: one iterator, used from one task at a time).
    final class Engine {
        let jetStream: JetStream
        let stream: String
        let subject: String
        var start: JetStream.StartPosition
        var subscription: NATSSubscription?
        var iterator: NATSSubscription.AsyncIterator?
        var consumerName: String?
        var expectedConsumerSequence: UInt64 = 1
        var resets = 0

        init(jetStream: JetStream, stream: String, subject: String, start: JetStream.StartPosition) {
            self.jetStream = jetStream
            self.stream = stream
            self.subject = subject
            self.start = start
        }

        deinit {
            // Ends the delivery subscription; the ephemeral consumer then expires on the server.
            if let subscription { Task { await subscription.unsubscribe() } }
        }

        func next() async throws -> JetStreamMessage? {
            while true {
                try Task.checkCancellation()
                if iterator == nil { try await startConsumer() }
                let message: NATSMessage?
                do {
                    message = try await iterator?.next()
                } catch NATSError.slowConsumer {
                    try await reset()
                    continue
                }
                guard let message else { return nil }
                if let status = message.headers?.status {
                    try await control(message, status: status)
                    continue
                }
                guard let reply = message.replyTo, let info = JetStreamDeliveryInfo(replySubject: reply) else { continue }
                guard info.consumerSequence == expectedConsumerSequence else {
                    try await reset()
                    continue
                }
                expectedConsumerSequence += 1
                start = .sequence(info.streamSequence + 1)
                return JetStreamMessage(
                    subject: message.subject, headers: message.headers, payload: message.payload, streamSequence: info.streamSequence,
                    timestampNanoseconds: info.timestamp, pending: info.pending)
            }
        }

        /// Status messages: 100 = flow control request (has a reply subject) or idle heartbeat.
        private func control(_ message: NATSMessage, status: Int) async throws {
            let client = jetStream.client
            guard status == 100 else {
                // 409 "Consumer Deleted" and the like: start over where we are.
                try await reset()
                return
            }
            if let reply = message.replyTo {
                try await client.publish([], to: reply)
                return
            }
            if let stalled = message.headers?["Nats-Consumer-Stalled"] {
                try await client.publish([], to: stalled)
            }
            // A heartbeat names the last consumer sequence sent: more than we saw means a loss.
            if let last = message.headers?["Nats-Last-Consumer"], let sent = UInt64(last), sent >= expectedConsumerSequence {
                try await reset()
            }
        }

        private func startConsumer() async throws {
            let client = jetStream.client
            if start == .new {
                // Pinned to a sequence now, so a later reset neither replays the past nor skips anything.
                start = .sequence(try await jetStream.streamInfo(stream).lastSequence + 1)
            }
            let inbox = await client.newInbox()
            let subscription = try await client.subscribe(to: inbox)
            self.subscription = subscription
            iterator = subscription.makeAsyncIterator()
            expectedConsumerSequence = 1
            consumerName = try await jetStream.createOrderedConsumer(stream: stream, subject: subject, deliverSubject: inbox, start: start)
        }

        private func reset() async throws {
            resets += 1
            if let subscription { await subscription.unsubscribe() }
            subscription = nil
            iterator = nil
            if let consumerName { await jetStream.deleteConsumer(stream: stream, name: consumerName) }
            consumerName = nil
        }
    }
}
