import NEVRCore

/// The header of one match's stream: sent once before a match's first frame to every
/// subscriber (and again to a late subscriber before its backlog).
///
/// Mirrors `telemetry.v1.TelemetryHeader`: `captureID` is the match's session id
/// for live streams (the Go recorder's convention), `metadata` keeps its order.
public struct StreamHeader: Hashable, Sendable {
    /// The match (session id) the frames belong to.
    public var match: String
    /// `TelemetryHeader.capture_id` (the match id unless the publisher said otherwise).
    public var captureID: String
    /// When the stream of this match started (its first frame's timestamp).
    public var createdAt: Timestamp
    /// Key-value metadata in the publisher's order (`source=nevr` and the publisher's own).
    public var metadata: [Event.MapEntry]

    /// A header; `captureID` defaults to `match`.
    public init(match: String, captureID: String? = nil, createdAt: Timestamp, metadata: [Event.MapEntry] = []) {
        self.match = match
        self.captureID = captureID ?? match
        self.createdAt = createdAt
        self.metadata = metadata
    }
}

/// One frame as it travels through the hub: routing fields plus whichever
/// representations the sender provided (game-spelled JSON bytes and/or a typed frame).
public struct StreamedFrame: Sendable {
    /// The match (session id); empty when the session carries no `sessionid`.
    public var match: String
    /// Position in the publisher's stream, from 0.
    public var index: UInt32
    /// When the frame was captured.
    public var timestamp: Timestamp
    /// The game-spelled `/session` JSON, exactly as the publisher sent it.
    public var sessionJSON: [UInt8]?
    /// The `/player_bones` JSON, when sent.
    public var bonesJSON: [UInt8]?
    /// The events as a JSON array (one object per event, `nevr events --json` spelling), when sent.
    public var eventsJSON: [UInt8]?
    /// The typed frame, when the message was binary (protobuf) or the sender was typed.
    public var frame: Frame?

    /// A frame; give at least the session JSON or the typed frame.
    public init(
        match: String, index: UInt32, timestamp: Timestamp, sessionJSON: [UInt8]? = nil, bonesJSON: [UInt8]? = nil,
        eventsJSON: [UInt8]? = nil, frame: Frame? = nil
    ) {
        self.match = match
        self.index = index
        self.timestamp = timestamp
        self.sessionJSON = sessionJSON
        self.bonesJSON = bonesJSON
        self.eventsJSON = eventsJSON
        self.frame = frame
    }
}

/// A decoded WebSocket message of the streaming protocol.
public enum StreamMessage: Sendable {
    /// A match header (always before that match's frames).
    case header(StreamHeader)
    /// One frame (`"type":"frame"`).
    case frame(StreamedFrame)
    /// Only the events of one frame (`"type":"events"`, for `parts=events` subscribers).
    case events(StreamedFrame)
    /// Hub -> publisher: header and frame messages received on this connection so far, and how
    /// many of its frames were duplicates the hub already had (not forwarded).
    case ack(frames: Int, duplicates: Int = 0)
    /// Hub -> subscriber: `frames` frames were skipped because the subscriber fell behind.
    case skipped(frames: Int)
    /// Hub -> subscriber: the subscriber is being disconnected because it fell behind.
    case dropped(reason: String)
    /// An error report; the sender closes the connection after it.
    case error(message: String)
    /// Hub -> publisher: a clip was asked for (`POST /clip` on the hub) `requests` times since the
    /// last such message; a recorder with a clip buffer saves one (`nevr record --hub ... --buffer 30s`).
    case saveClip(requests: Int)
}
