import NEVRCore
import NIOConcurrencyHelpers

/// The hub's routing core, independent of HTTP: per-match ring buffers, subscriber
/// registration with backlog, fan-out that never waits on a subscriber.
///
/// ``HubServer`` puts it behind `GET /publish` and `GET /subscribe`; it is public so
/// that other transports (or an in-process test) can drive it directly.
public final class StreamHub: Sendable {
    /// Hub tuning.
    public struct Configuration: Sendable {
        /// Frames kept per match for late subscribers (`--ring`).
        public var ringCapacity: Int = 10_000
        /// Live messages a subscriber may have queued before the slow-subscriber policy applies.
        public var subscriberQueue: Int = 512
        public var slowSubscriberPolicy: SlowSubscriberPolicy = .drop
        /// Matches kept at once; the least recently updated is forgotten beyond this.
        public var maxMatches: Int = 64
        public init() {}
    }

    /// What a subscriber asked for.
    public struct Subscription: Sendable, Hashable {
        /// A match id, or nil for every match.
        public var match: String?
        public var format: StreamFormat
        public var parts: StreamParts
        /// Backlog: frames of the last `since` seconds (by frame timestamp) from the ring; nil = live only;
        /// `.infinity` = the whole ring.
        public var since: Double?

        public init(match: String? = nil, format: StreamFormat = .json, parts: StreamParts = .all, since: Double? = nil) {
            self.match = match
            self.format = format
            self.parts = parts
            self.since = since
        }
    }

    /// Counters since start (also exported on `/metrics`).
    public struct Statistics: Sendable, Hashable {
        public var publishers = 0
        public var subscribers = 0
        public var matches = 0
        public var framesIn = 0
        public var duplicateFramesIn = 0
        public var badMessages = 0
        public var framesOut = 0
        public var subscribersDropped = 0
        public var framesSkipped = 0
    }

    private struct Match {
        var header: HubHeader
        var headerFromPublisher: Bool
        var ring: [HubFrame?]
        var ringStart = 0
        var ringCount = 0
        var lastIndex: UInt32?
        var lastTimestamp: Timestamp?
        var updateSerial: UInt64 = 0

        mutating func append(_ f: HubFrame, capacity: Int) {
            if ring.count < capacity {
                ring.append(f)
                ringCount += 1
            } else {
                ring[(ringStart + ringCount) % capacity] = f
                if ringCount == capacity { ringStart = (ringStart + 1) % capacity } else { ringCount += 1 }
            }
        }

        func backlog(since: Double, capacity: Int) -> [HubFrame] {
            guard ringCount > 0 else { return [] }
            let newest = ring[(ringStart + ringCount - 1) % max(capacity, ring.count)]!.data.timestamp
            var cutoff = Int64.min
            // Checked: a `since` whose nanoseconds do not fit (or underflow the newest timestamp) means "all".
            if !since.isInfinite, let ns = CheckedNumber.nanoseconds(seconds: since) {
                let (c, overflow) = newest.nanosecondsSinceEpoch.subtractingReportingOverflow(ns)
                if !overflow { cutoff = c }
            }
            var out: [HubFrame] = []
            for i in 0..<ringCount {
                let f = ring[(ringStart + i) % max(capacity, ring.count)]!
                if f.data.timestamp.nanosecondsSinceEpoch >= cutoff { out.append(f) }
            }
            return out
        }
    }

    final class Subscriber: Sendable {
        let id: Int
        let subscription: Subscription
        let queue: SubscriberQueue
        init(id: Int, subscription: Subscription, queue: SubscriberQueue) {
            self.id = id
            self.subscription = subscription
            self.queue = queue
        }
    }

    private struct State {
        var matches: [String: Match] = [:]
        var subscribers: [Int: Subscriber] = [:]
        var nextID = 0
        var serial: UInt64 = 0
        var stats = Statistics()
    }

    public let configuration: Configuration
    let metrics: HubMetrics?
    private let state = NIOLockedValueBox(State())

    public init(configuration: Configuration = .init(), metrics: HubMetrics? = nil) {
        self.configuration = configuration
        self.metrics = metrics
    }

    public var statistics: Statistics { state.withLockedValue { $0.stats } }

    // MARK: publishing

    /// Sets (or replaces) a match's header; subscribers already following the match get it again.
    public func publish(header: StreamHeader) {
        let h = HubHeader(header)
        let targets: [Subscriber] = state.withLockedValue { s in
            s.serial += 1
            if s.matches[header.match] != nil {
                s.matches[header.match]!.header = h
                s.matches[header.match]!.headerFromPublisher = true
            } else {
                var m = Match(header: h, headerFromPublisher: true, ring: [])
                m.updateSerial = s.serial
                insertMatch(&s, header.match, m)
            }
            return s.subscribers.values.filter { $0.subscription.match == nil || $0.subscription.match == header.match }
        }
        for sub in targets { sub.queue.push(.header(h)) }
    }

    /// Adds one frame: stored in its match's ring and queued for every interested subscriber.
    /// Returns false for a duplicate (index and timestamp both not after the match's last frame:
    /// a publisher resending unacknowledged frames after a reconnect).
    @discardableResult
    public func publish(_ frame: StreamedFrame) -> Bool {
        let f = HubFrame(frame)
        var newHeader: HubHeader?
        let targets: [Subscriber]? = state.withLockedValue { s in
            s.serial += 1
            if s.matches[frame.match] == nil {
                let header = HubHeader(
                    StreamHeader(match: frame.match, createdAt: frame.timestamp, metadata: [.init(key: "source", value: "nevr hub")]))
                newHeader = header
                var m = Match(header: header, headerFromPublisher: false, ring: [])
                m.updateSerial = s.serial  // the newest match: never the one evicted to make room
                insertMatch(&s, frame.match, m)
            }
            // Mutated in place through the dictionary: copying the match out (as before) copied
            // its whole ring on every frame, O(ring) under the lock.
            let serial = s.serial
            let duplicate: Bool = s.matches[frame.match].map { m in
                if let li = m.lastIndex, let lt = m.lastTimestamp, frame.index <= li, frame.timestamp <= lt { return true }
                return false
            } ?? true
            if duplicate {
                s.stats.duplicateFramesIn += 1
                return nil
            }
            s.matches[frame.match]!.lastIndex = frame.index
            s.matches[frame.match]!.lastTimestamp = frame.timestamp
            s.matches[frame.match]!.updateSerial = serial
            s.matches[frame.match]!.append(f, capacity: configuration.ringCapacity)
            s.stats.framesIn += 1
            return s.subscribers.values.filter { $0.subscription.match == nil || $0.subscription.match == frame.match }
        }
        guard let targets else {
            metrics?.duplicates.increment()
            return false
        }
        metrics?.framesIn.increment()
        for sub in targets {
            if let newHeader { sub.queue.push(.header(newHeader)) }
            switch sub.queue.push(.frame(f)) {
            case .queued, .closed: break
            case .skipped(let n): noteSkipped(n)
            case .dropped: noteDropped(sub)
            }
        }
        return true
    }

    /// Counts a message a publisher sent that could not be decoded.
    public func noteBadMessage() {
        state.withLockedValue { $0.stats.badMessages += 1 }
        metrics?.badMessages.increment()
    }

    func publisherConnected() {
        state.withLockedValue { $0.stats.publishers += 1 }
        metrics?.publishers.increment()
    }

    func publisherDisconnected() {
        state.withLockedValue { $0.stats.publishers -= 1 }
        metrics?.publishers.decrement()
    }

    // MARK: subscribing

    /// Registers a subscriber: its queue starts with each followed match's header and the
    /// requested backlog, then receives live frames (atomically: no gap, no repeat).
    func subscribe(_ subscription: Subscription) -> Subscriber {
        let queue = SubscriberQueue(capacity: configuration.subscriberQueue, policy: configuration.slowSubscriberPolicy)
        let sub: Subscriber = state.withLockedValue { s in
            let id = s.nextID
            s.nextID += 1
            let sub = Subscriber(id: id, subscription: subscription, queue: queue)
            let followed = s.matches.filter { subscription.match == nil || $0.key == subscription.match }
                .sorted { $0.value.updateSerial < $1.value.updateSerial }
            for (_, m) in followed {
                let backlog = subscription.since.map { m.backlog(since: $0, capacity: configuration.ringCapacity) } ?? []
                queue.extendCapacity(by: backlog.count + 1)
                queue.push(.header(m.header))
                for f in backlog { queue.push(.frame(f)) }
            }
            s.subscribers[id] = sub
            s.stats.subscribers += 1
            return sub
        }
        metrics?.subscribers.increment()
        return sub
    }

    func unsubscribe(_ sub: Subscriber) {
        let removed = state.withLockedValue { s -> Bool in
            guard s.subscribers.removeValue(forKey: sub.id) != nil else { return false }
            s.stats.subscribers -= 1
            return true
        }
        sub.queue.cancel()
        if removed { metrics?.subscribers.decrement() }
    }

    func noteSent(_ n: Int = 1) {
        state.withLockedValue { $0.stats.framesOut += n }
        metrics?.framesOut.increment(by: n)
    }

    private func noteSkipped(_ n: Int) {
        state.withLockedValue { $0.stats.framesSkipped += n }
        metrics?.framesSkipped.increment(by: n)
    }

    private func noteDropped(_ sub: Subscriber) {
        state.withLockedValue { s in
            s.stats.subscribersDropped += 1
            // Stop routing to it now; its writer sends the `dropped` message and closes.
            if s.subscribers.removeValue(forKey: sub.id) != nil { s.stats.subscribers -= 1 }
        }
        metrics?.subscribersDropped.increment()
        metrics?.subscribers.decrement()
    }

    /// Closes every subscriber queue (their writers finish and close the connections).
    public func closeAll() {
        let subs = state.withLockedValue { s in Array(s.subscribers.values) }
        for sub in subs { sub.queue.close() }
    }

    private func insertMatch(_ s: inout State, _ id: String, _ m: Match) {
        s.matches[id] = m
        if s.matches.count > configuration.maxMatches,
            let oldest = s.matches.min(by: { $0.value.updateSerial < $1.value.updateSerial })?.key
        {
            s.matches.removeValue(forKey: oldest)
        }
        s.stats.matches = s.matches.count
        metrics?.matches.record(s.matches.count)
    }
}
