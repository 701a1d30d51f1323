import NEVRCore
import NIOConcurrencyHelpers

/// The hub's routing core, independent of HTTP: per-match ring buffers, subscriber
/// registration with backlog, fan-out that never waits on a subscriber.
///
/// ``HubServer`` puts it behind `GET /publish` and `GET /subscribe`; it is public so
/// that other transports (or an in-process test) can drive it directly.
///
/// Publishing is O(1) in the ring size and the number of matches: a match is a reference
/// (its ring is mutated in place, never copied), subscribers are indexed by the match they
/// follow, and the lock is held only to update the ring and collect the targets; queueing to
/// subscribers happens outside it.
///
/// Memory is bounded in bytes, not only in frames: each match's ring holds at most
/// ``Configuration/maxMatchBytes``, all rings together ``Configuration/maxTotalBytes``
/// (beyond it the largest ring gives up its oldest frames first, so one heavy publisher cannot
/// push the other matches out), a publisher connection may feed at most
/// ``Configuration/maxMatchesPerPublisher`` matches, and a full hub refuses a new match rather
/// than evicting one that is still being published.
public final class StreamHub: Sendable {
    /// Hub tuning.
    public struct Configuration: Sendable {
        /// Frames kept per match for late subscribers (`--ring`).
        public var ringCapacity: Int = 10_000
        /// Live messages a subscriber may have queued before the slow-subscriber policy applies.
        public var subscriberQueue: Int = 512
        /// Bytes a subscriber may have queued before the slow-subscriber policy applies.
        public var subscriberQueueBytes: Int = 64 << 20
        /// What happens to a subscriber whose queue is full (`--slow`).
        public var slowSubscriberPolicy: SlowSubscriberPolicy = .drop
        /// Matches kept at once. A new match beyond this replaces the least recently updated
        /// match only when that one has been idle for ``idleMatchSeconds``; otherwise it is refused.
        public var maxMatches: Int = 64
        /// Bytes of frames kept in one match's ring.
        public var maxMatchBytes: Int = 256 << 20
        /// Bytes of frames kept in all rings together.
        public var maxTotalBytes: Int = 1 << 30
        /// Matches one publisher connection may feed.
        public var maxMatchesPerPublisher: Int = 8
        /// A match without a new frame for this long may be replaced by a new one when the hub is full.
        public var idleMatchSeconds: Double = 60
        /// The defaults: 10,000 frames per match, 512 queued messages and 64 MiB per subscriber, drop, 64 matches.
        public init() {}
    }

    /// What a subscriber asked for.
    public struct Subscription: Sendable, Hashable {
        /// A match id, or nil for every match.
        public var match: String?
        /// JSON text or binary messages.
        public var format: StreamFormat
        /// Which parts of each frame to send.
        public var parts: StreamParts
        /// Backlog: frames of the last `since` seconds (by frame timestamp) from the ring; nil = live only;
        /// `.infinity` = the whole ring.
        public var since: Double?

        /// Every match, JSON, all parts, live only by default.
        public init(match: String? = nil, format: StreamFormat = .json, parts: StreamParts = .all, since: Double? = nil) {
            self.match = match
            self.format = format
            self.parts = parts
            self.since = since
        }
    }

    /// Counters since start (also exported on `/metrics`).
    public struct Statistics: Sendable, Hashable {
        /// Publishers connected now.
        public var publishers = 0
        /// Subscribers connected now.
        public var subscribers = 0
        /// Matches held now.
        public var matches = 0
        /// Frames accepted from publishers.
        public var framesIn = 0
        /// Frames refused as repeats: index and timestamp both not after the match's last frame (a publisher resending after a reconnect).
        public var duplicateFramesIn = 0
        /// Publisher messages that could not be decoded.
        public var badMessages = 0
        /// Frame messages sent to subscribers.
        public var framesOut = 0
        /// Subscribers disconnected by the `drop` policy.
        public var subscribersDropped = 0
        /// Frames discarded for slow subscribers by the `skip` policy.
        public var framesSkipped = 0
        /// Frames refused by a budget (hub full, too many matches for one publisher).
        public var framesRefused = 0
        /// Frames dropped from rings to stay within the byte budgets.
        public var framesEvicted = 0
        /// Bytes of frames held in all rings now.
        public var bytesHeld = 0
    }

    /// What happened to a published frame.
    public enum PublishOutcome: Sendable, Equatable {
        case accepted
        /// Not after the last frame of the same stream (a resend after a reconnect).
        case duplicate
        /// Refused by a budget; the reason says which.
        case refused(String)
    }

    /// Who publishes: one per connection, so budgets and streams are per publisher.
    public final class Publisher: Sendable {
        let id: Int
        /// Stream id per match, from this publisher's headers (`stream` metadata).
        let streams = NIOLockedValueBox<[String: String]>([:])
        init(id: Int) { self.id = id }
    }

    /// One match: header, ring and duplicate state. A class so the ring is updated in place.
    /// Unchecked: a match is only read and written while `state`'s lock is held.
    private final class Match: @unchecked Sendable {
        var header: HubHeader
        var ring: [HubFrame?]
        var ringStart = 0
        var ringCount = 0
        var bytes = 0
        /// Last (index, timestamp) per stream id ("" for publishers that send none).
        var last: [String: (index: UInt32, timestamp: Timestamp)] = [:]
        var updateSerial: UInt64 = 0
        var updatedAt: ContinuousClock.Instant
        var publishers: Set<Int> = []

        init(header: HubHeader, capacity: Int, now: ContinuousClock.Instant) {
            self.header = header
            self.ring = Array(repeating: nil, count: max(1, capacity))
            self.updatedAt = now
        }

        var capacity: Int { ring.count }

        /// Appends in O(1); returns the bytes of the frame that fell out of a full ring.
        func append(_ f: HubFrame) -> Int {
            var freed = 0
            if ringCount == capacity {
                freed = ring[ringStart]?.byteCount ?? 0
                ring[ringStart] = f
                ringStart = (ringStart + 1) % capacity
            } else {
                ring[(ringStart + ringCount) % capacity] = f
                ringCount += 1
            }
            bytes += f.byteCount - freed
            return freed
        }

        /// Drops the oldest frame; returns its bytes.
        func dropOldest() -> Int {
            guard ringCount > 0, let f = ring[ringStart] else { return 0 }
            ring[ringStart] = nil
            ringStart = (ringStart + 1) % capacity
            ringCount -= 1
            bytes -= f.byteCount
            return f.byteCount
        }

        func backlog(since: Double) -> [HubFrame] {
            guard ringCount > 0 else { return [] }
            let newest = ring[(ringStart + ringCount - 1) % capacity]!.data.timestamp.nanosecondsSinceEpoch
            var cutoff = Int64.min
            // `since` is range-checked by the server; a value whose nanoseconds do not fit means "all".
            if !since.isInfinite, let ns = CheckedNumber.nanoseconds(seconds: since) {
                let (c, overflow) = newest.subtractingReportingOverflow(ns)
                cutoff = overflow ? .min : c
            }
            var out: [HubFrame] = []
            for i in 0..<ringCount {
                let f = ring[(ringStart + i) % capacity]!
                if f.data.timestamp.nanosecondsSinceEpoch >= cutoff { out.append(f) }
            }
            return out
        }
    }

    /// A registered subscriber (its queue is read by a transport; see ``attach(_:)``).
    public final class Subscriber: Sendable {
        let id: Int
        let subscription: Subscription
        let queue: SubscriberQueue
        init(id: Int, subscription: Subscription, queue: SubscriberQueue) {
            self.id = id
            self.subscription = subscription
            self.queue = queue
        }

        /// Messages waiting to be sent to this subscriber.
        public var queuedMessages: Int { queue.count }

        /// Forgets what is queued (an in-process consumer that read it another way).
        public func discardQueued() { queue.discardQueued() }
    }

    private struct State {
        var matches: [String: Match] = [:]
        /// Subscribers of one match, and of every match.
        var byMatch: [String: [Int: Subscriber]] = [:]
        var everyMatch: [Int: Subscriber] = [:]
        var nextID = 0
        var nextPublisherID = 0
        var serial: UInt64 = 0
        var stats = Statistics()

        func targets(_ match: String) -> [Subscriber] {
            var out = Array(everyMatch.values)
            if let some = byMatch[match] { out.append(contentsOf: some.values) }
            return out
        }
    }

    /// Ring size, queues, policy and matches kept.
    public let configuration: Configuration
    let metrics: HubMetrics?
    private let state = NIOLockedValueBox(State())

    /// A hub; with `metrics`, every counter is also exported there.
    public init(configuration: Configuration = .init(), metrics: HubMetrics? = nil) {
        self.configuration = configuration
        self.metrics = metrics
    }

    /// A consistent snapshot of the counters.
    public var statistics: Statistics { state.withLockedValue { $0.stats } }

    /// The matches held now with their ring's frame count.
    var matchSummaries: [HubMatchSummary] {
        state.withLockedValue { s in s.matches.map { HubMatchSummary(match: $0.key, frames: $0.value.ringCount) } }
    }

    /// Changes the counters under the lock (for relays that keep their counts here).
    func updateStatistics<T>(_ body: (inout Statistics) -> T) -> T {
        state.withLockedValue { body(&$0.stats) }
    }

    // MARK: publishing

    /// A new publisher identity (one per connection).
    public func makePublisher() -> Publisher {
        state.withLockedValue { s in
            s.nextPublisherID += 1
            return Publisher(id: s.nextPublisherID)
        }
    }

    /// Sets (or replaces) a match's header; subscribers already following the match get it again.
    /// A header whose `stream` metadata differs from the publisher's previous one for this match
    /// starts a new stream: its frames are new even if their indices repeat (a recording streamed again).
    @discardableResult
    public func publish(header: StreamHeader, from publisher: Publisher? = nil) -> PublishOutcome {
        let h = HubHeader(header)
        if let publisher, let stream = header.metadata.first(where: { $0.key == "stream" })?.value {
            publisher.streams.withLockedValue { $0[header.match] = stream }
        }
        let now = ContinuousClock.now
        let result: Result<[Subscriber], HubRefusal> = state.withLockedValue { s in
            s.serial += 1
            if let refusal = fairnessRefusal(s, publisher, s.matches[header.match]) { return .failure(refusal) }
            if let m = s.matches[header.match] {
                m.header = h
                if let publisher { m.publishers.insert(publisher.id) }
                return .success(s.targets(header.match))
            }
            if let refusal = admitMatch(&s, header.match, publisher: publisher, now: now) { return .failure(refusal) }
            let m = Match(header: h, capacity: configuration.ringCapacity, now: now)
            m.updateSerial = s.serial
            if let publisher { m.publishers.insert(publisher.id) }
            insertMatch(&s, header.match, m)
            return .success(s.targets(header.match))
        }
        switch result {
        case .success(let targets):
            for sub in targets { sub.queue.push(.header(h)) }
            return .accepted
        case .failure(let refusal):
            return .refused(refusal.reason)
        }
    }

    /// Adds one frame: stored in its match's ring and queued for every interested subscriber.
    /// Returns false for a duplicate or a refused frame (see ``publish(_:from:bytes:)``).
    @discardableResult
    public func publish(_ frame: StreamedFrame) -> Bool {
        publish(frame, from: nil) == .accepted
    }

    /// Adds one frame from `publisher`: a duplicate when its index and timestamp are both not
    /// after the last frame of the same stream of its match; refused when a budget says no.
    public func publish(_ frame: StreamedFrame, from publisher: Publisher?, bytes: Int? = nil) -> PublishOutcome {
        let f = HubFrame(frame, byteCount: bytes)
        let stream = publisher?.streams.withLockedValue { $0[frame.match] } ?? ""
        let now = ContinuousClock.now
        var newHeader: HubHeader?
        enum Step { case accepted([Subscriber]), duplicate, refused(String) }
        let step: Step = state.withLockedValue { s in
            s.serial += 1
            let existing = s.matches[frame.match]
            if existing == nil, let refusal = admitMatch(&s, frame.match, publisher: publisher, now: now) {
                s.stats.framesRefused += 1
                return .refused(refusal.reason)
            }
            if let refusal = fairnessRefusal(s, publisher, existing) {
                s.stats.framesRefused += 1
                return .refused(refusal.reason)
            }
            if f.byteCount > configuration.maxMatchBytes {
                s.stats.framesRefused += 1
                return .refused("a frame of \(f.byteCount) bytes is larger than a match's budget of \(configuration.maxMatchBytes) bytes")
            }
            let m: Match
            if let existing {
                m = existing
            } else {
                let header = HubHeader(
                    StreamHeader(match: frame.match, createdAt: frame.timestamp, metadata: [.init(key: "source", value: "nevr hub")]))
                m = Match(header: header, capacity: configuration.ringCapacity, now: now)
                newHeader = header
                insertMatch(&s, frame.match, m)
            }
            if let publisher { m.publishers.insert(publisher.id) }
            if let last = m.last[stream], frame.index <= last.index, frame.timestamp <= last.timestamp {
                s.stats.duplicateFramesIn += 1
                return .duplicate
            }
            m.last[stream] = (frame.index, frame.timestamp)
            m.updateSerial = s.serial
            m.updatedAt = now
            let before = m.bytes
            _ = m.append(f)  // a full ring forgets its oldest frame (that is its purpose, not a budget)
            var evicted = 0
            while m.bytes > configuration.maxMatchBytes, m.ringCount > 1 {
                _ = m.dropOldest()
                evicted += 1
            }
            s.stats.bytesHeld += m.bytes - before
            evicted += enforceTotalBudget(&s)
            s.stats.framesEvicted += evicted
            s.stats.framesIn += 1
            return .accepted(s.targets(frame.match))
        }
        switch step {
        case .refused(let reason):
            return .refused(reason)
        case .duplicate:
            metrics?.duplicates.increment()
            return .duplicate
        case .accepted(let targets):
            metrics?.framesIn.increment()
            for sub in targets {
                if let newHeader { sub.queue.push(.header(newHeader)) }
                switch sub.queue.push(.frame(f), bytes: f.byteCount) {
                case .queued, .closed: break
                case .skipped(let n): noteSkipped(n)
                case .dropped: noteDropped(sub)
                }
            }
            return .accepted
        }
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

    func publisherDisconnected(_ publisher: Publisher? = nil) {
        state.withLockedValue { s in
            s.stats.publishers -= 1
            if let publisher { for m in s.matches.values { m.publishers.remove(publisher.id) } }
        }
        metrics?.publishers.decrement()
    }

    // MARK: subscribing

    /// Registers a subscriber: its queue starts with each followed match's header and the
    /// requested backlog, then receives live frames (atomically: no gap, no repeat).
    func subscribe(_ subscription: Subscription) -> Subscriber {
        let queue = SubscriberQueue(
            capacity: configuration.subscriberQueue, byteBudget: configuration.subscriberQueueBytes,
            policy: configuration.slowSubscriberPolicy)
        let sub: Subscriber = state.withLockedValue { s in
            let id = s.nextID
            s.nextID += 1
            let sub = Subscriber(id: id, subscription: subscription, queue: queue)
            let followed = s.matches.filter { subscription.match == nil || $0.key == subscription.match }
                .sorted { $0.value.updateSerial < $1.value.updateSerial }
            for (_, m) in followed {
                let backlog = subscription.since.map { m.backlog(since: $0) } ?? []
                queue.extendCapacity(by: backlog.count + 1, bytes: backlog.reduce(0) { $0 + $1.byteCount })
                queue.push(.header(m.header))
                for f in backlog { queue.push(.frame(f), bytes: f.byteCount) }
            }
            if let match = subscription.match {
                s.byMatch[match, default: [:]][id] = sub
            } else {
                s.everyMatch[id] = sub
            }
            s.stats.subscribers += 1
            return sub
        }
        metrics?.subscribers.increment()
        return sub
    }

    private static func remove(_ s: inout State, _ sub: Subscriber) -> Bool {
        if let match = sub.subscription.match {
            guard s.byMatch[match]?.removeValue(forKey: sub.id) != nil else { return false }
            if s.byMatch[match]?.isEmpty == true { s.byMatch[match] = nil }
            return true
        }
        return s.everyMatch.removeValue(forKey: sub.id) != nil
    }

    /// Registers an in-process subscriber (another transport, a benchmark) with the same
    /// semantics as `/subscribe`; pair with ``detach(_:)``.
    public func attach(_ subscription: Subscription) -> Subscriber { subscribe(subscription) }

    /// Unregisters a subscriber from ``attach(_:)``.
    public func detach(_ sub: Subscriber) { unsubscribe(sub) }

    func unsubscribe(_ sub: Subscriber) {
        let removed = state.withLockedValue { s -> Bool in
            guard Self.remove(&s, sub) else { return false }
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
        let removed = state.withLockedValue { s -> Bool in
            s.stats.subscribersDropped += 1
            // Stop routing to it now; its writer sends the `dropped` message and closes.
            guard Self.remove(&s, sub) else { return false }
            s.stats.subscribers -= 1
            return true
        }
        metrics?.subscribersDropped.increment()
        if removed { metrics?.subscribers.decrement() }
    }

    /// Closes every subscriber queue (their writers finish and close the connections).
    public func closeAll() {
        let subs = state.withLockedValue { s in Array(s.everyMatch.values) + s.byMatch.values.flatMap(\.values) }
        for sub in subs { sub.queue.close() }
    }

    // MARK: budgets

    private struct HubRefusal: Error {
        var reason: String
    }

    /// Fairness: one publisher connection may not feed more than its share of matches (a header
    /// counts like a frame, so a publisher cannot claim matches with headers alone).
    private func fairnessRefusal(_ s: State, _ publisher: Publisher?, _ match: Match?) -> HubRefusal? {
        guard let publisher, !(match?.publishers.contains(publisher.id) ?? false) else { return nil }
        let fed = s.matches.values.reduce(0) { $0 + ($1.publishers.contains(publisher.id) ? 1 : 0) }
        guard fed >= configuration.maxMatchesPerPublisher else { return nil }
        return HubRefusal(reason: "this publisher already feeds \(fed) matches (limit \(configuration.maxMatchesPerPublisher))")
    }

    /// Whether a new match may be created: when the hub is full, the least recently updated
    /// match is replaced only if it has been idle long enough.
    private func admitMatch(_ s: inout State, _ id: String, publisher: Publisher?, now: ContinuousClock.Instant) -> HubRefusal? {
        guard s.matches.count >= configuration.maxMatches else { return nil }
        guard let (oldestID, oldest) = s.matches.min(by: { $0.value.updateSerial < $1.value.updateSerial }) else { return nil }
        guard (now - oldest.updatedAt) >= .seconds(configuration.idleMatchSeconds) else {
            return HubRefusal(reason: "the hub holds \(s.matches.count) active matches (limit \(configuration.maxMatches)); match \(id) refused")
        }
        s.stats.bytesHeld -= oldest.bytes
        s.matches.removeValue(forKey: oldestID)
        return nil
    }

    private func insertMatch(_ s: inout State, _ id: String, _ m: Match) {
        s.matches[id] = m
        s.stats.matches = s.matches.count
        metrics?.matches.record(s.matches.count)
    }

    /// Frees bytes from the largest ring until all rings fit ``Configuration/maxTotalBytes``.
    private func enforceTotalBudget(_ s: inout State) -> Int {
        var evicted = 0
        while s.stats.bytesHeld > configuration.maxTotalBytes {
            guard let largest = s.matches.values.max(by: { $0.bytes < $1.bytes }), largest.ringCount > 0 else { break }
            s.stats.bytesHeld -= largest.dropOldest()
            evicted += 1
        }
        return evicted
    }
}
