#if NATS
import Foundation
import NEVRCore
import NEVRNATS
import NIOConcurrencyHelpers
import NIOCore

/// A hub node of a cluster (`nevr hub --nats`): frames go to one JetStream stream shared by
/// every node, subscribers on any node read any match from it. The node keeps no frames.
///
/// - Publishing: a header goes to `<prefix>.h.<match>`, a frame to `<prefix>.m.<match>`, each
///   acknowledged by JetStream before the hub acks the publisher (so a publisher forgets only
///   frames the stream holds). A frame carries `Nats-Msg-Id` = match, publisher stream, index and
///   timestamp, so a frame published again (a publisher resending after a reconnect, to this
///   node or another) is stored once: JetStream answers `duplicate` within its duplicate window.
/// - Backlog: the stream's per-subject message limit stands in for the ring (`--ring`); its
///   byte and age limits bound the whole stream (JetStream has no per-subject byte limit).
/// - Subscribing: each subscriber reads an ordered consumer (every message once, in stream
///   order) of its match's frame subject, or of every match's, starting where its `since`
///   says; its queue applies the node's slow-subscriber policy and budgets to live frames.
///   Backlog frames wait for room instead (the stream holds them, so replay is flat in memory).
/// - Match list: the stream's frame subjects with their message counts, so every node lists
///   every match.
public final class JetStreamRelay: HubFrameRelay {
    /// Where the cluster's stream is and how much it keeps.
    public struct Configuration: Sendable {
        /// The NATS server (credentials in the URL: `nats://user:password@host` or `nats://token@host`).
        public var url: NATSURL
        /// The JetStream stream every node of the cluster shares.
        public var stream: String = "NEVR_HUB"
        /// Subjects of the stream (``HubSubjects``).
        public var subjectPrefix: String = "nevr.hub"
        /// Messages kept per match subject (the ring size).
        public var maxFramesPerMatch: Int = 10_000
        /// Bytes kept in the whole stream (nil: no limit).
        public var maxBytes: Int? = 1 << 30
        /// Oldest message kept (nil: no limit).
        public var maxAge: Duration? = .seconds(3_600)
        /// Disk (survives a NATS restart) or memory.
        public var storage: JetStreamStreamConfig.Storage = .file
        /// How long a frame's `Nats-Msg-Id` is remembered for de-duplication.
        public var duplicateWindow: Duration = .seconds(120)
        /// Client settings (timeouts, buffer limits).
        public var client = NATSClientOptions()

        /// A cluster on `url` with the defaults: stream `NEVR_HUB`, subjects `nevr.hub.>`,
        /// 10,000 frames per match, 1 GiB and one hour for the stream, file storage.
        public init(url: NATSURL) { self.url = url }
    }

    /// What the relay was started with.
    public let configuration: Configuration
    /// The subjects used.
    public let subjects: HubSubjects
    /// The node's hub: publishers, counters, subscriber queue settings.
    public let hub: StreamHub
    let client: NATSClient
    let jetStream: JetStream
    private let feeds = NIOLockedValueBox<[ObjectIdentifier: Task<Void, Never>]>([:])
    /// The newest header of each match this node knows (one API request per match per node,
    /// not per subscriber: 100 subscribers of 50 matches would otherwise be 5,000 requests).
    private let headers = NIOLockedValueBox<[String: Task<StreamHeader?, Never>]>([:])
    /// Matches each publisher connection feeds (the per-publisher budget).
    private let fed = NIOLockedValueBox<[ObjectIdentifier: Set<String>]>([:])

    /// Connects to the NATS server and creates (or updates) the stream. Throws
    /// ``HubClusterError/unavailable(url:reason:)`` naming the server when it cannot be reached,
    /// refuses the credentials, or has JetStream off.
    public static func connect(_ configuration: Configuration, hub: StreamHub) async throws -> JetStreamRelay {
        let subjects = try HubSubjects(prefix: configuration.subjectPrefix)
        guard configuration.maxFramesPerMatch >= 1 else {
            throw HubClusterError.invalidConfiguration("frames per match must be at least 1, not \(configuration.maxFramesPerMatch)")
        }
        let url = configuration.url.description
        let client: NATSClient
        do {
            client = try await NATSClient.connect(configuration.url, options: configuration.client)
        } catch {
            throw HubClusterError.unavailable(url: url, reason: Self.reason(error))
        }
        let jetStream = JetStream(client)
        let stream = JetStreamStreamConfig(
            name: configuration.stream, subjects: [subjects.all], maxMessagesPerSubject: configuration.maxFramesPerMatch,
            maxBytes: configuration.maxBytes, maxAge: configuration.maxAge, storage: configuration.storage,
            duplicateWindow: configuration.duplicateWindow)
        do {
            _ = try await jetStream.ensureStream(stream)
        } catch {
            await client.close()
            throw HubClusterError.unavailable(url: url, reason: "stream \(configuration.stream): \(Self.reason(error))")
        }
        return JetStreamRelay(configuration: configuration, subjects: subjects, hub: hub, client: client, jetStream: jetStream)
    }

    private init(configuration: Configuration, subjects: HubSubjects, hub: StreamHub, client: NATSClient, jetStream: JetStream) {
        self.configuration = configuration
        self.subjects = subjects
        self.hub = hub
        self.client = client
        self.jetStream = jetStream
    }

    /// The error's own words (``NATSError`` says which server and what), without Swift's type dump.
    static func reason(_ error: any Error) -> String {
        if let error = error as? NATSError {
            // The URL is said once, by the caller.
            switch error {
            case .connectionFailed(_, let reason): return "cannot connect: \(reason)"
            default: return error.description
            }
        }
        return "\(error)"
    }

    /// Ends every subscriber feed and the NATS connection.
    public func close() async {
        closeAll()
        await client.close()
    }

    // MARK: publishing

    /// Stores the header on the match's header subject.
    public func store(header: StreamHeader, from publisher: StreamHub.Publisher) async throws -> StreamHub.PublishOutcome {
        if let refusal = admit(header.match, from: publisher) { return refusal }
        // The publisher's stream id goes into its frames' message ids (a recording streamed
        // again is a new stream: its frames are new even where index and timestamp repeat).
        if let stream = header.metadata.first(where: { $0.key == "stream" })?.value {
            publisher.streams.withLockedValue { $0[header.match] = stream }
        }
        do {
            _ = try await jetStream.publish(StreamBinary.encode(header), to: subjects.header(header.match))
        } catch {
            throw HubClusterError.unavailable(url: configuration.url.description, reason: Self.reason(error))
        }
        headers.withLockedValue { $0[header.match] = Task { header } }
        return .accepted
    }

    /// Stores the frame on the match's frame subject, de-duplicated by `Nats-Msg-Id`.
    public func store(_ frame: StreamedFrame, from publisher: StreamHub.Publisher, bytes: Int) async throws -> StreamHub.PublishOutcome {
        if let refusal = admit(frame.match, from: publisher) {
            hub.noteRelayed(refused: 1)
            return refusal
        }
        let payload: [UInt8]
        do {
            payload = try Self.payload(frame)
        } catch {
            hub.noteRelayed(refused: 1)
            return .refused("frame \(frame.index) of match \(frame.match): \(error.reason)")
        }
        guard payload.count <= hub.configuration.maxMatchBytes else {
            hub.noteRelayed(refused: 1)
            return .refused("a frame of \(payload.count) bytes is larger than a match's budget of \(hub.configuration.maxMatchBytes) bytes")
        }
        let stream = publisher.streams.withLockedValue { $0[frame.match] } ?? ""
        let ack: JetStreamPubAck
        do {
            ack = try await jetStream.publish(payload, to: subjects.frames(frame.match), messageID: Self.messageID(frame, stream: stream))
        } catch NATSError.payloadTooLarge(let size, let max) {
            hub.noteRelayed(refused: 1)
            return .refused("a frame of \(size) bytes is larger than the NATS server's max_payload of \(max) bytes")
        } catch {
            throw HubClusterError.unavailable(url: configuration.url.description, reason: Self.reason(error))
        }
        if ack.duplicate {
            hub.noteRelayed(duplicates: 1)
            return .duplicate
        }
        hub.noteRelayed(accepted: 1)
        return .accepted
    }

    /// The per-publisher budget: one connection may feed at most `maxMatchesPerPublisher` matches.
    private func admit(_ match: String, from publisher: StreamHub.Publisher) -> StreamHub.PublishOutcome? {
        let limit = hub.configuration.maxMatchesPerPublisher
        return fed.withLockedValue { fed -> StreamHub.PublishOutcome? in
            var matches = fed[ObjectIdentifier(publisher), default: []]
            if matches.contains(match) { return nil }
            guard matches.count < limit else {
                return .refused("this publisher already feeds \(matches.count) matches (limit \(limit))")
            }
            matches.insert(match)
            fed[ObjectIdentifier(publisher)] = matches
            return nil
        }
    }

    /// Forgets the matches the publisher fed.
    public func releasePublisher(_ publisher: StreamHub.Publisher) {
        _ = fed.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(publisher)) }
    }

    /// The frame as the publisher sent it: a JSON frame message, or a binary Envelope for a typed frame.
    static func payload(_ frame: StreamedFrame) throws(StreamEncodingError) -> [UInt8] {
        if let typed = frame.frame { return try StreamBinary.encode(typed) }
        return StreamEncoder.json(frame, parts: .all) ?? []
    }

    /// The frame of a stored payload: JSON messages start with `{`, Envelopes with a protobuf tag.
    static func frame(fromPayload payload: [UInt8]) throws -> StreamedFrame {
        let message: StreamMessage
        if payload.first == UInt8(ascii: "{") {
            message = try StreamJSON.decode(payload)
        } else {
            message = try StreamBinary.decode(ByteBuffer(bytes: payload))
        }
        guard case .frame(let frame) = message else { throw StreamEncodingError(reason: "stored message is not a frame") }
        return frame
    }

    /// `Nats-Msg-Id` of a frame: the same frame of the same publisher stream gets the same id on every node.
    static func messageID(_ frame: StreamedFrame, stream: String) -> String {
        "\(HubSubjects.token(frame.match)).\(HubSubjects.token(stream)).\(frame.index).\(frame.timestamp.nanosecondsSinceEpoch)"
    }

    // MARK: subscribing

    /// A subscriber fed by its own ordered consumer.
    public func openSubscription(_ subscription: StreamHub.Subscription) async throws -> StreamHub.Subscriber {
        // Pinned now, so every frame stored after this returns reaches the subscriber.
        var start = Self.start(subscription.since)
        if start == .new {
            do {
                start = .sequence(try await jetStream.streamInfo(configuration.stream).lastSequence + 1)
            } catch {
                throw HubClusterError.unavailable(url: configuration.url.description, reason: Self.reason(error))
            }
        }
        let sub = hub.makeExternalSubscriber(subscription)
        let task = Task { [self] in await feed(sub, from: start) }
        feeds.withLockedValue { $0[ObjectIdentifier(sub)] = task }
        return sub
    }

    /// Stops the subscriber's feed and closes its queue.
    public func closeSubscription(_ subscriber: StreamHub.Subscriber) {
        guard let task = feeds.withLockedValue({ $0.removeValue(forKey: ObjectIdentifier(subscriber)) }) else { return }
        task.cancel()
        hub.removeExternalSubscriber(subscriber, dropped: false)
    }

    /// Ends every subscriber feed: each closes its queue, whose writer drains it and closes the
    /// connection (and then calls ``closeSubscription(_:)``, which does the counting).
    public func closeAll() {
        for task in feeds.withLockedValue({ Array($0.values) }) { task.cancel() }
    }

    /// Where a subscription starts in the stream: live only, all, or the last `since` seconds
    /// (by JetStream's store time, which for live matches is the frames' arrival time).
    static func start(_ since: Double?, now: Date = Date()) -> JetStream.StartPosition {
        guard let since else { return .new }
        guard since.isFinite, since < 1e9 else { return .all }
        return .time(now.addingTimeInterval(-max(0, since)))
    }

    private func feed(_ sub: StreamHub.Subscriber, from start: JetStream.StartPosition) async {
        let queue = sub.queue
        let subscription = sub.subscription
        var headered: Set<String> = []
        do {
            let subject = subscription.match.map(subjects.frames) ?? subjects.allFrames
            if let match = subscription.match, let header = await storedHeader(match) {
                queue.push(.header(HubHeader(header)))
                headered.insert(match)
            }
            let consumer = try await jetStream.orderedConsumer(
                stream: configuration.stream, subject: subject, start: start)
            for try await message in consumer {
                let frame: StreamedFrame
                do {
                    frame = try Self.frame(fromPayload: message.payload)
                } catch {
                    // Only this relay writes the subjects; count what someone else put there and go on.
                    hub.noteBadMessage()
                    continue
                }
                if !headered.contains(frame.match) {
                    let header = await storedHeader(frame.match)
                        ?? StreamHeader(match: frame.match, createdAt: frame.timestamp, metadata: [.init(key: "source", value: "nevr hub")])
                    queue.push(.header(HubHeader(header)))
                    headered.insert(frame.match)
                }
                let hubFrame = HubFrame(frame, byteCount: message.payload.count)
                if message.pending > 0 {
                    // Backlog: wait for room rather than count the replay as falling behind.
                    while !queue.hasRoom(bytes: hubFrame.byteCount), !queue.isClosed {
                        try await Task.sleep(for: .milliseconds(2))
                    }
                }
                switch queue.push(.frame(hubFrame), bytes: hubFrame.byteCount) {
                case .queued: break
                case .closed: return
                case .skipped(let n): hub.noteRelaySkipped(n)
                case .dropped:
                    if feeds.withLockedValue({ $0.removeValue(forKey: ObjectIdentifier(sub)) }) != nil {
                        hub.removeExternalSubscriber(sub, dropped: true)
                    }
                    return
                }
            }
            queue.close()
        } catch is CancellationError {
            queue.close()
        } catch {
            if Task.isCancelled {
                queue.close()
                return
            }
            queue.push(.control(.error(message: "\(configuration.url): \(Self.reason(error))")))
            queue.close()
        }
    }

    /// The newest header of a match: this node's cached one, else the stream's (fetched once for
    /// all subscribers asking at the same time). Nil when none is stored or it cannot be read now
    /// (the subscriber then gets a header made from the first frame, like the embedded hub's).
    private func storedHeader(_ match: String) async -> StreamHeader? {
        let (task, created) = headers.withLockedValue { h -> (Task<StreamHeader?, Never>, Bool) in
            if let task = h[match] { return (task, false) }
            let task = Task { [jetStream, configuration, subjects] () -> StreamHeader? in
                guard let message = try? await jetStream.lastMessage(stream: configuration.stream, subject: subjects.header(match)),
                    case .header(let header) = try? StreamBinary.decode(ByteBuffer(bytes: message.payload))
                else { return nil }
                return header
            }
            h[match] = task
            return (task, true)
        }
        let header = await task.value
        // A miss is not cached: the publisher's header may be stored a moment later.
        if header == nil, created { _ = headers.withLockedValue { $0.removeValue(forKey: match) } }
        return header
    }

    // MARK: matches

    /// Every match with frames in the stream (from any node).
    public func matches() async throws -> [HubMatchSummary] {
        let counts = try await jetStream.subjectCounts(stream: configuration.stream, filter: subjects.allFrames)
        return counts.compactMap { subject, count in
            subjects.match(fromFrameSubject: subject).map { HubMatchSummary(match: $0, frames: Int(clamping: count)) }
        }
    }
}
#endif
