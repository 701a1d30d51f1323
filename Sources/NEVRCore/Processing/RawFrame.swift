/// One captured poll as it came off the wire or out of a file: the raw `/session`
/// body, the raw `/player_bones` body if recorded, and the capture instant.
public struct RawFrame: Hashable, Sendable {
    /// When the frame was captured (UTC).
    public var timestamp: Timestamp
    /// The `/session` body, byte for byte.
    public var session: [UInt8]
    /// The `/player_bones` body, when it was recorded.
    public var bones: [UInt8]?

    /// A frame from its capture instant and bodies.
    public init(timestamp: Timestamp, session: [UInt8], bones: [UInt8]? = nil) {
        self.timestamp = timestamp
        self.session = session
        self.bones = bones
    }
}
