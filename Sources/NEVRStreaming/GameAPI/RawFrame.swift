import NEVRCore

/// One game-API answer as bytes: the `/session` body, the `/player_bones` body
/// when there is one, and the instant it belongs to.
///
/// The server serves these bytes unchanged and the recorder writes what it polled
/// unchanged, so a frame survives serve -> record byte for byte.
public struct RawFrame: Sendable, Hashable {
    public var timestamp: Timestamp
    /// The `/session` body.
    public var session: [UInt8]
    /// The `/player_bones` body; `nil` when no bones exist for this frame.
    public var bones: [UInt8]?

    public init(timestamp: Timestamp, session: [UInt8], bones: [UInt8]? = nil) {
        self.timestamp = timestamp
        self.session = session
        self.bones = bones
    }
}
