import DequeModule
import NIOConcurrencyHelpers

/// What the hub does with a subscriber whose queue is full.
public enum SlowSubscriberPolicy: String, Sendable, CaseIterable {
    /// Send `{"type":"dropped",...}` and close the connection.
    case drop
    /// Discard the queued frames (headers are kept), send `{"type":"skipped","frames":N}`, continue live.
    case skip
}

/// The bounded queue between the hub (producer, never blocks) and one subscriber's
/// writer task (consumer, may be as slow as its network).
final class SubscriberQueue: @unchecked Sendable {
    enum Item: Sendable {
        case header(HubHeader)
        case frame(HubFrame)
        case control(StreamMessage)
    }

    enum PushResult { case queued, skipped(Int), dropped, closed }

    private let lock = NIOLock()
    private var items = Deque<Item>()
    /// Bytes of each queued item (parallel to `items`), and their sum.
    private var sizes = Deque<Int>()
    private var queuedBytes = 0
    private var byteBudget: Int
    private var capacity: Int
    private let policy: SlowSubscriberPolicy
    private var closed = false
    private var waiter: CheckedContinuation<Void, Never>?
    private var dropped = false
    private var dropWaiter: CheckedContinuation<Bool, Never>?

    /// `capacity` messages and `byteBudget` bytes may be queued before `policy` applies.
    init(capacity: Int, byteBudget: Int = .max, policy: SlowSubscriberPolicy) {
        self.capacity = max(1, capacity)
        self.byteBudget = max(1, byteBudget)
        self.policy = policy
    }

    /// Bytes queued now.
    var bytes: Int { lock.withLock { queuedBytes } }

    /// Queued items not yet taken.
    var count: Int { lock.withLock { items.count } }

    /// Raises the bounds once (the backlog of a late subscriber must fit on top of the live bounds).
    func extendCapacity(by n: Int, bytes: Int = 0) {
        lock.withLock {
            capacity += n
            byteBudget = byteBudget > Int.max - bytes ? .max : byteBudget + bytes
        }
    }

    /// Adds an item without ever waiting; applies the slow-subscriber policy when full.
    @discardableResult
    func push(_ item: Item, bytes: Int = 0) -> PushResult {
        var result = PushResult.queued
        let w: CheckedContinuation<Void, Never>? = lock.withLock {
            if closed { result = .closed; return nil }
            if items.count >= capacity || (queuedBytes + bytes > byteBudget && !items.isEmpty) {
                switch policy {
                case .drop:
                    let reason = items.count >= capacity
                        ? "subscriber fell behind: \(capacity) messages queued"
                        : "subscriber fell behind: \(queuedBytes) bytes queued (budget \(byteBudget))"
                    items.removeAll()
                    sizes.removeAll()
                    queuedBytes = 0
                    items.append(.control(.dropped(reason: reason)))
                    sizes.append(0)
                    closed = true
                    dropped = true
                    result = .dropped
                    dropWaiter?.resume(returning: true)
                    dropWaiter = nil
                    let w = waiter
                    waiter = nil
                    return w
                case .skip:
                    var kept = Deque<Item>()
                    var keptSizes = Deque<Int>()
                    var skipped = 0
                    for (it, size) in zip(items, sizes) {
                        if case .frame = it {
                            skipped += 1
                        } else {
                            kept.append(it)
                            keptSizes.append(size)
                        }
                    }
                    kept.append(.control(.skipped(frames: skipped)))
                    keptSizes.append(0)
                    items = kept
                    sizes = keptSizes
                    queuedBytes = keptSizes.reduce(0, +)
                    result = .skipped(skipped)
                }
            }
            items.append(item)
            sizes.append(bytes)
            queuedBytes += bytes
            let w = waiter
            waiter = nil
            return w
        }
        w?.resume()
        return result
    }

    /// Marks the end: the consumer drains what is queued, then gets nil.
    func close() {
        let w: CheckedContinuation<Void, Never>? = lock.withLock {
            closed = true
            dropWaiter?.resume(returning: false)
            dropWaiter = nil
            let w = waiter
            waiter = nil
            return w
        }
        w?.resume()
    }

    /// Forgets what is queued, staying open.
    func discardQueued() {
        lock.withLock {
            items.removeAll()
            sizes.removeAll()
            queuedBytes = 0
        }
    }

    /// Closes and forgets what is queued (the connection is gone).
    func cancel() {
        lock.withLock {
            items.removeAll()
            sizes.removeAll()
            queuedBytes = 0
        }
        close()
    }

    /// Waits until the slow-subscriber policy drops this subscriber (true) or the queue closes (false).
    func waitUntilDropped() async -> Bool {
        await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            let now: Bool? = lock.withLock {
                if dropped { return true }
                if closed { return false }
                dropWaiter = c
                return nil
            }
            if let now { c.resume(returning: now) }
        }
    }

    /// The next item, waiting while the queue is empty; nil once closed and drained.
    func next() async -> Item? {
        while true {
            enum Step { case item(Item), done, wait }
            let step: Step = lock.withLock {
                if let it = items.popFirst() {
                    queuedBytes -= sizes.popFirst() ?? 0
                    return .item(it)
                }
                return closed ? .done : .wait
            }
            switch step {
            case .item(let it): return it
            case .done: return nil
            case .wait:
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                        let resumeNow: Bool = lock.withLock {
                            if !items.isEmpty || closed || Task.isCancelled { return true }
                            waiter = c
                            return false
                        }
                        if resumeNow { c.resume() }
                    }
                } onCancel: {
                    self.close()
                }
                if Task.isCancelled { return nil }
            }
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
