import NEVRCore

/// Where a hub node's frames go and where its subscribers' frames come from: the seam between
/// the WebSocket endpoints of ``HubServer`` and the storage behind them.
///
/// Two implementations: ``StreamHub`` itself (the embedded default: per-match rings in this
/// process) and, with the package trait `NATS`, ``JetStreamRelay`` (one JetStream stream shared
/// by every node of a cluster; the node keeps no frames). ``HubServer`` only talks to this
/// protocol for publishing, subscribing and listing matches, so both behave the same on the wire.
///
/// Publisher connections, counters and metrics stay on the node's ``StreamHub`` in both cases, so
/// `/metrics` counts what this node did.
public protocol HubFrameRelay: Sendable {
    /// Stores (or replaces) a match's header. Throws when the frame store is unavailable (the
    /// publisher's connection is then closed without an ack, so it sends the header again).
    func store(header: StreamHeader, from publisher: StreamHub.Publisher) async throws -> StreamHub.PublishOutcome

    /// Stores one frame of `bytes` wire bytes and delivers it to every interested subscriber.
    /// Throws when the frame store is unavailable (no ack is sent: the publisher keeps the frame).
    func store(_ frame: StreamedFrame, from publisher: StreamHub.Publisher, bytes: Int) async throws -> StreamHub.PublishOutcome

    /// A publisher connection ended (its per-publisher budgets are released).
    func releasePublisher(_ publisher: StreamHub.Publisher)

    /// Registers a subscriber: its queue gets each followed match's header, the requested
    /// backlog, then live frames, each once and in order.
    func openSubscription(_ subscription: StreamHub.Subscription) async throws -> StreamHub.Subscriber

    /// Unregisters a subscriber from ``openSubscription(_:)`` and closes its queue.
    func closeSubscription(_ subscriber: StreamHub.Subscriber)

    /// The matches a subscriber can follow now (for a cluster: every node's).
    func matches() async throws -> [HubMatchSummary]

    /// Closes every subscriber queue (the server is stopping).
    func closeAll()
}

/// One line of `GET /matches`: a match a subscriber can follow and how many frames it holds.
public struct HubMatchSummary: Sendable, Hashable {
    /// The match id (`/subscribe?match=`).
    public var match: String
    /// Frames held for late subscribers (the ring's, or the JetStream subject's message count).
    public var frames: Int

    /// A summary line.
    public init(match: String, frames: Int) {
        self.match = match
        self.frames = frames
    }

    /// `{"matches":[{"match":"…","frames":N},…]}` sorted by match id, as `GET /matches` answers.
    public static func json(_ matches: [HubMatchSummary]) -> [UInt8] {
        var out = Array("{\"matches\":[".utf8)
        for (i, m) in matches.sorted(by: { $0.match < $1.match }).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += "{\"match\":".utf8
            StreamJSON.appendString(m.match, into: &out)
            out += ",\"frames\":\(m.frames)}".utf8
        }
        out += "]}\n".utf8
        return out
    }
}
