import NIOConcurrencyHelpers

/// What a queue's consumer gets when it looks at the queue's state: an item, the end, or
/// nothing yet (wait for the producer).
package enum ConsumerStep<Item> {
    /// The next item (already taken off the state).
    case item(Item)
    /// The queue is closed and there is nothing more for the consumer.
    case done
    /// Nothing queued now: wait until the producer changes the state.
    case wait
}

/// The lock-and-wake core shared by the hub's per-subscriber queue (`SubscriberQueue`) and the
/// overlay's per-client Spark queue (`SparkClientQueue`): a queue's state under one lock,
/// producers that never wait, and one consumer task that waits without polling.
///
/// The queue type keeps its own policy (what is full, what is shed, when it closes) in `State`;
/// this type only guarantees that a consumer waiting in ``next(onCancel:_:)`` is woken by every
/// ``update(_:)`` after it started waiting, and that a cancelled consumer returns `nil`.
package final class ConsumerQueueCore<State>: @unchecked Sendable {
    private let lock = NIOLock()
    private var state: State
    private var waiter: CheckedContinuation<Void, Never>?

    /// A core holding `initial`.
    package init(_ initial: State) {
        state = initial
    }

    /// Reads or changes the state under the lock without waking the consumer (counters, bounds).
    package func withState<R>(_ body: (inout State) throws -> R) rethrows -> R {
        try lock.withLock { try body(&state) }
    }

    /// Changes the state under the lock, then wakes the consumer if it waits (it looks again;
    /// a change that gives it nothing only costs it one look).
    @discardableResult
    package func update<R>(_ body: (inout State) throws -> R) rethrows -> R {
        let (result, w): (R, CheckedContinuation<Void, Never>?) = try lock.withLock {
            let r = try body(&state)
            let w = waiter
            waiter = nil
            return (r, w)
        }
        w?.resume()
        return result
    }

    /// The consumer's next item: `take` looks at the state under the lock; on ``ConsumerStep/wait``
    /// the task sleeps until the next ``update(_:)``. Returns nil on ``ConsumerStep/done`` or when
    /// the task is cancelled (`onCancel` runs then, typically closing the queue).
    package func next<Item>(onCancel: @escaping @Sendable () -> Void, _ take: (inout State) -> ConsumerStep<Item>) async -> Item? {
        while true {
            var taken: ConsumerStep<Item> = lock.withLock { take(&state) }
            if case .wait = taken {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                        // Look again under the lock that an update takes: no wake-up is lost
                        // between the first look and the wait.
                        let resumeNow: Bool = lock.withLock {
                            if Task.isCancelled { return true }
                            taken = take(&state)
                            if case .wait = taken {
                                waiter = c
                                return false
                            }
                            return true
                        }
                        if resumeNow { c.resume() }
                    }
                } onCancel: {
                    onCancel()
                    let w: CheckedContinuation<Void, Never>? = self.lock.withLock {
                        let w = self.waiter
                        self.waiter = nil
                        return w
                    }
                    w?.resume()
                }
                if Task.isCancelled { return nil }
            }
            switch taken {
            case .item(let it): return it
            case .done: return nil
            case .wait: continue
            }
        }
    }
}
