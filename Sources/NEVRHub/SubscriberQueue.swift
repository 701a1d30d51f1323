import DequeModule

/// What the hub does with a subscriber whose queue is full.
public enum SlowSubscriberPolicy: String, Sendable, CaseIterable {
    /// Send `{"type":"dropped",...}` and close the connection.
    case drop
    /// Discard the queued frames (headers are kept), send `{"type":"skipped","frames":N}`, continue live.
    case skip
}

/// The bounded queue between the hub (producer, never blocks) and one subscriber's
/// writer task (consumer, may be as slow as its network). Locking and the consumer's wait are
/// ``ConsumerQueueCore``'s (shared with the overlay's Spark client queue); the slow-subscriber
/// policy is this type's.
final class SubscriberQueue: Sendable {
    enum Item: Sendable {
        case header(HubHeader)
        case frame(HubFrame)
        case control(StreamMessage)
    }

    enum PushResult { case queued, skipped(Int), dropped, closed }

    private struct State {
        var items = Deque<Item>()
        /// Bytes of each queued item (parallel to `items`), and their sum.
        var sizes = Deque<Int>()
        var queuedBytes = 0
        var byteBudget: Int
        var capacity: Int
        var closed = false
        var dropped = false
        var dropWaiter: CheckedContinuation<Bool, Never>?

        mutating func removeAll() {
            items.removeAll()
            sizes.removeAll()
            queuedBytes = 0
        }

        /// Closes; a waiting ``SubscriberQueue/waitUntilDropped()`` learns whether it was a drop.
        mutating func close(dropped wasDropped: Bool) {
            closed = true
            if wasDropped { dropped = true }
            dropWaiter?.resume(returning: wasDropped)
            dropWaiter = nil
        }
    }

    private let core: ConsumerQueueCore<State>
    private let policy: SlowSubscriberPolicy

    /// `capacity` messages and `byteBudget` bytes may be queued before `policy` applies.
    init(capacity: Int, byteBudget: Int = .max, policy: SlowSubscriberPolicy) {
        core = ConsumerQueueCore(State(byteBudget: max(1, byteBudget), capacity: max(1, capacity)))
        self.policy = policy
    }

    /// Bytes queued now.
    var bytes: Int { core.withState { $0.queuedBytes } }

    /// Queued items not yet taken.
    var count: Int { core.withState { $0.items.count } }

    /// Whether the queue was closed (by its consumer, a drop or the server).
    var isClosed: Bool { core.withState { $0.closed } }

    /// Whether an item of `bytes` would find room without the slow-subscriber policy applying.
    func hasRoom(bytes: Int) -> Bool {
        core.withState { s in s.items.isEmpty || (s.items.count < s.capacity - 1 && s.queuedBytes + bytes <= s.byteBudget) }
    }

    /// Raises the bounds once (the backlog of a late subscriber must fit on top of the live bounds).
    func extendCapacity(by n: Int, bytes: Int = 0) {
        core.withState { s in
            s.capacity += n
            s.byteBudget = s.byteBudget > Int.max - bytes ? .max : s.byteBudget + bytes
        }
    }

    /// Adds an item without ever waiting; applies the slow-subscriber policy when full.
    @discardableResult
    func push(_ item: Item, bytes: Int = 0) -> PushResult {
        let policy = self.policy
        return core.update { (s: inout State) -> PushResult in
            if s.closed { return .closed }
            var result = PushResult.queued
            if s.items.count >= s.capacity || (s.queuedBytes + bytes > s.byteBudget && !s.items.isEmpty) {
                switch policy {
                case .drop:
                    let reason = s.items.count >= s.capacity
                        ? "subscriber fell behind: \(s.capacity) messages queued"
                        : "subscriber fell behind: \(s.queuedBytes) bytes queued (budget \(s.byteBudget))"
                    s.removeAll()
                    s.items.append(.control(.dropped(reason: reason)))
                    s.sizes.append(0)
                    s.close(dropped: true)
                    return .dropped
                case .skip:
                    var kept = Deque<Item>()
                    var keptSizes = Deque<Int>()
                    var skipped = 0
                    for (it, size) in zip(s.items, s.sizes) {
                        if case .frame = it {
                            skipped += 1
                        } else {
                            kept.append(it)
                            keptSizes.append(size)
                        }
                    }
                    kept.append(.control(.skipped(frames: skipped)))
                    keptSizes.append(0)
                    s.items = kept
                    s.sizes = keptSizes
                    s.queuedBytes = keptSizes.reduce(0, +)
                    result = .skipped(skipped)
                }
            }
            s.items.append(item)
            s.sizes.append(bytes)
            s.queuedBytes += bytes
            return result
        }
    }

    /// Marks the end: the consumer drains what is queued, then gets nil.
    func close() {
        core.update { $0.close(dropped: false) }
    }

    /// Forgets what is queued, staying open.
    func discardQueued() {
        core.withState { $0.removeAll() }
    }

    /// Closes and forgets what is queued (the connection is gone).
    func cancel() {
        core.update { s in
            s.removeAll()
            s.close(dropped: false)
        }
    }

    /// Waits until the slow-subscriber policy drops this subscriber (true) or the queue closes (false).
    func waitUntilDropped() async -> Bool {
        await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            let now: Bool? = core.withState { s in
                if s.dropped { return true }
                if s.closed { return false }
                s.dropWaiter = c
                return nil
            }
            if let now { c.resume(returning: now) }
        }
    }

    /// The next item, waiting while the queue is empty; nil once closed and drained.
    func next() async -> Item? {
        await core.next(onCancel: { [self] in close() }) { (s: inout State) -> ConsumerStep<Item> in
            if let it = s.items.popFirst() {
                s.queuedBytes -= s.sizes.popFirst() ?? 0
                return .item(it)
            }
            return s.closed ? .done : .wait
        }
    }
}

/// A match header with its encodings (one per format).
final class HubHeader: Sendable {
    let header: StreamHeader
    let json: EncodedMessage
    let binary: EncodedMessage

    init(_ header: StreamHeader) {
        self.header = header
        var out: [UInt8] = []
        StreamJSON.appendHeader(header, into: &out)
        self.json = .text(out)
        self.binary = EncodedMessage(isText: false, bytes: .init(bytes: StreamBinary.encode(header)))
    }

    func encoded(format: StreamFormat) -> EncodedMessage {
        format == .json ? json : binary
    }
}
