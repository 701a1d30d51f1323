import NEVRCore

/// The embedded default: the hub's own rings are the frame store.
extension StreamHub: HubFrameRelay {
    /// See ``publish(header:from:)``; never throws (the rings are in this process).
    public func store(header: StreamHeader, from publisher: Publisher) async throws -> PublishOutcome {
        publish(header: header, from: publisher as Publisher?)
    }

    /// See ``publish(_:from:bytes:)``; never throws.
    public func store(_ frame: StreamedFrame, from publisher: Publisher, bytes: Int) async throws -> PublishOutcome {
        publish(frame, from: publisher as Publisher?, bytes: bytes)
    }

    /// Nothing to do: the server's disconnect bookkeeping on this hub already released the
    /// publisher's share of the matches it fed.
    public func releasePublisher(_ publisher: Publisher) {}

    /// See ``attach(_:)``.
    public func openSubscription(_ subscription: Subscription) async throws -> Subscriber { subscribe(subscription) }

    /// See ``detach(_:)``.
    public func closeSubscription(_ subscriber: Subscriber) { unsubscribe(subscriber) }

    /// The matches in this hub's rings.
    public func matches() async throws -> [HubMatchSummary] { matchSummaries }

    // MARK: counters for another relay (a JetStream node keeps its statistics here)

    /// A subscriber that is not routed by this hub (another relay feeds its queue), counted in the statistics.
    func makeExternalSubscriber(_ subscription: Subscription) -> Subscriber {
        let queue = SubscriberQueue(
            capacity: configuration.subscriberQueue, byteBudget: configuration.subscriberQueueBytes,
            policy: configuration.slowSubscriberPolicy)
        let sub: Subscriber = updateStatistics { s in
            s.subscribers += 1
            return Subscriber(id: -1, subscription: subscription, queue: queue)
        }
        metrics?.subscribers.increment()
        return sub
    }

    /// Ends the count of a subscriber from ``makeExternalSubscriber(_:)`` and closes its queue
    /// (a dropped one's queue is already closed, with the `dropped` message left to send).
    func removeExternalSubscriber(_ sub: Subscriber, dropped: Bool) {
        updateStatistics { s in
            s.subscribers -= 1
            if dropped { s.subscribersDropped += 1 }
        }
        metrics?.subscribers.decrement()
        if dropped {
            // The queue holds the `dropped` message its writer still has to send; it closed itself.
            metrics?.subscribersDropped.increment()
        } else {
            sub.queue.cancel()
        }
    }

    /// Counts frames another relay accepted, refused as duplicates, or refused by a budget.
    func noteRelayed(accepted: Int = 0, duplicates: Int = 0, refused: Int = 0) {
        updateStatistics { s in
            s.framesIn += accepted
            s.duplicateFramesIn += duplicates
            s.framesRefused += refused
        }
        if accepted > 0 { metrics?.framesIn.increment(by: accepted) }
        if duplicates > 0 { metrics?.duplicates.increment(by: duplicates) }
    }

    /// Counts frames another relay's `skip` policy discarded.
    func noteRelaySkipped(_ n: Int) {
        updateStatistics { $0.framesSkipped += n }
        metrics?.framesSkipped.increment(by: n)
    }
}
