import NIOConcurrencyHelpers

/// Fans Spark messages out to the event server's clients, each through its own bounded queue.
///
/// Never waits on a client: a full queue first sheds that client's oldest `frame_*` messages
/// (a newer frame supersedes them); a client whose queue is full of events is disconnected
/// (its writer sees the queue closed) rather than growing memory. Counts both.
public final class SparkBroadcaster: Sendable {
    /// Per-client bounds.
    public struct Limits: Sendable {
        /// Messages queued per client.
        public var queue = 256
        /// Connected clients at once; more are refused.
        public var clients = 64
        /// 256 messages per client, 64 clients.
        public init() {}
    }

    /// Counters since start.
    public struct Statistics: Sendable, Equatable {
        /// Clients connected now.
        public var clients = 0
        /// Messages written to clients.
        public var messagesOut = 0
        /// `frame_*` messages dropped from full queues (superseded by newer frames).
        public var framesShed = 0
        /// Clients disconnected because their queue was full of events.
        public var clientsDropped = 0
        /// Connections refused at ``Limits/clients``.
        public var clientsRefused = 0
    }

    private struct State {
        var clients: [Int: SparkClientQueue] = [:]
        var nextID = 0
        var stats = Statistics()
    }

    /// Per-client bounds.
    public let limits: Limits
    private let state = NIOLockedValueBox(State())

    /// A broadcaster with no clients yet.
    public init(limits: Limits = .init()) {
        self.limits = limits
    }

    /// A consistent snapshot of the counters.
    public var statistics: Statistics { state.withLockedValue { $0.stats } }

    /// Registers a client; nil when ``Limits/clients`` are already connected.
    func connect() -> (id: Int, queue: SparkClientQueue)? {
        state.withLockedValue { s in
            guard s.clients.count < limits.clients else {
                s.stats.clientsRefused += 1
                return nil
            }
            let id = s.nextID
            s.nextID += 1
            let q = SparkClientQueue(capacity: limits.queue)
            s.clients[id] = q
            s.stats.clients = s.clients.count
            return (id, q)
        }
    }

    func disconnect(_ id: Int) {
        let q = state.withLockedValue { s -> SparkClientQueue? in
            let q = s.clients.removeValue(forKey: id)
            s.stats.clients = s.clients.count
            return q
        }
        q?.close()
    }

    func noteSent() {
        state.withLockedValue { $0.stats.messagesOut += 1 }
    }

    /// Queues each message for every client subscribed to its type.
    public func broadcast(_ messages: [SparkMessage]) {
        guard !messages.isEmpty else { return }
        let clients = state.withLockedValue { Array($0.clients) }
        var shed = 0
        var dropped: [Int] = []
        for (id, q) in clients {
            for m in messages where q.isSubscribed(m.type) {
                switch q.push(m) {
                case .queued: break
                case .shedFrame: shed += 1
                case .full: dropped.append(id)
                }
                if dropped.last == id { break }
            }
        }
        if shed > 0 || !dropped.isEmpty {
            state.withLockedValue { s in
                s.stats.framesShed += shed
                s.stats.clientsDropped += dropped.count
            }
            for id in dropped { disconnect(id) }
        }
    }
}
