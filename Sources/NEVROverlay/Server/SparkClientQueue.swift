import NIOConcurrencyHelpers

/// One Spark WebSocket client's subscriptions and bounded outbound queue (producer: the
/// broadcaster, never blocks; consumer: the client's writer task).
final class SparkClientQueue: @unchecked Sendable {
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

    private let lock = NIOLock()
    private var items: [Item] = []
    private var head = 0
    private let capacity: Int
    private var subscriptions: Set<SparkEventType> = []
    private var closed = false
    private var waiter: CheckedContinuation<Void, Never>?

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func isSubscribed(_ type: SparkEventType) -> Bool { lock.withLock { subscriptions.contains(type) } }

    func subscribe(_ type: SparkEventType) { lock.withLock { _ = subscriptions.insert(type) } }

    func unsubscribe(_ type: SparkEventType) { lock.withLock { _ = subscriptions.remove(type) } }

    var count: Int { lock.withLock { items.count - head } }

    /// Adds a message; when full, sheds the oldest queued frame, or reports `full` (the client
    /// is then disconnected: it is not reading and its events would pile up without bound).
    func push(_ m: SparkMessage) -> PushResult { push(.message(m)) }

    /// Answers the client (`subscribe:goal` echo, `failed:...`), in order with pushed messages.
    func reply(_ text: String) { _ = push(.reply(text)) }

    private func push(_ m: Item) -> PushResult {
        var result = PushResult.queued
        let w: CheckedContinuation<Void, Never>? = lock.withLock {
            if closed { return nil }
            if items.count - head >= capacity {
                guard let i = items[head...].firstIndex(where: { $0.isFrame }) else {
                    result = .full
                    return nil
                }
                items.remove(at: i)
                result = .shedFrame
            }
            items.append(m)
            let w = waiter
            waiter = nil
            return w
        }
        w?.resume()
        return result
    }

    func close() {
        let w: CheckedContinuation<Void, Never>? = lock.withLock {
            closed = true
            let w = waiter
            waiter = nil
            return w
        }
        w?.resume()
    }

    /// The next message; nil once closed (what is still queued is dropped: the client is gone or dropped).
    func next() async -> Item? {
        while true {
            enum Step { case item(Item), done, wait }
            let step: Step = lock.withLock {
                if closed { return .done }
                if head < items.count {
                    let m = items[head]
                    head += 1
                    if head == items.count { items.removeAll(keepingCapacity: true); head = 0 }
                    else if head >= 64, head * 2 >= items.count { items.removeFirst(head); head = 0 }
                    return .item(m)
                }
                return .wait
            }
            switch step {
            case .item(let m): return m
            case .done: return nil
            case .wait:
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                        let now: Bool = lock.withLock {
                            if head < items.count || closed || Task.isCancelled { return true }
                            waiter = c
                            return false
                        }
                        if now { c.resume() }
                    }
                } onCancel: {
                    self.close()
                }
                if Task.isCancelled { return nil }
            }
        }
    }
}
