import NEVRHub

/// One Spark WebSocket client's subscriptions and bounded outbound queue (producer: the
/// broadcaster, never blocks; consumer: the client's writer task). Locking and the writer's
/// wait are the hub's ``ConsumerQueueCore`` (the hub's subscriber queue uses the same); the
/// shedding policy is this type's.
final class SparkClientQueue: Sendable {
    enum PushResult { case queued, shedFrame, full }

    /// What the writer sends: a pushed message, or a direct answer to the client's own message.
    enum Item: Sendable {
        case message(SparkMessage)
        case reply(String)

        var isFrame: Bool {
            if case .message(let m) = self { return m.type.framePeriod != nil }
            return false
        }

        var text: String {
            switch self {
            case .message(let m): m.wireText
            case .reply(let t): t
            }
        }
    }

    private struct State {
        var items: [Item] = []
        var head = 0
        var subscriptions: Set<SparkEventType> = []
        var closed = false
    }

    private let core = ConsumerQueueCore(State())
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func isSubscribed(_ type: SparkEventType) -> Bool { core.withState { $0.subscriptions.contains(type) } }

    func subscribe(_ type: SparkEventType) { core.withState { _ = $0.subscriptions.insert(type) } }

    func unsubscribe(_ type: SparkEventType) { core.withState { _ = $0.subscriptions.remove(type) } }

    var count: Int { core.withState { $0.items.count - $0.head } }

    /// Adds a message; when full, sheds the oldest queued frame, or reports `full` (the client
    /// is then disconnected: it is not reading and its events would pile up without bound).
    func push(_ m: SparkMessage) -> PushResult { push(.message(m)) }

    /// Answers the client (`subscribe:goal` echo, `failed:...`), in order with pushed messages.
    func reply(_ text: String) { _ = push(.reply(text)) }

    private func push(_ m: Item) -> PushResult {
        let capacity = self.capacity
        return core.update { (s: inout State) -> PushResult in
            if s.closed { return .queued }
            var result = PushResult.queued
            if s.items.count - s.head >= capacity {
                guard let i = s.items[s.head...].firstIndex(where: { $0.isFrame }) else { return .full }
                s.items.remove(at: i)
                result = .shedFrame
            }
            s.items.append(m)
            return result
        }
    }

    func close() {
        core.update { $0.closed = true }
    }

    /// The next message; nil once closed (what is still queued is dropped: the client is gone or dropped).
    func next() async -> Item? {
        await core.next(onCancel: { [self] in close() }) { (s: inout State) -> ConsumerStep<Item> in
            if s.closed { return .done }
            guard s.head < s.items.count else { return .wait }
            let m = s.items[s.head]
            s.head += 1
            if s.head == s.items.count {
                s.items.removeAll(keepingCapacity: true)
                s.head = 0
            } else if s.head >= 64, s.head * 2 >= s.items.count {
                s.items.removeFirst(s.head)
                s.head = 0
            }
            return .item(m)
        }
    }
}
