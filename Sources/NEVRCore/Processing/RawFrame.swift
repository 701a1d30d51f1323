/// One captured poll as it came off the wire or out of a file: the raw `/session`
/// body, the raw `/player_bones` body if recorded, and the capture instant.
public struct RawFrame: Hashable, Sendable {
    public var timestamp: Timestamp
    public var session: [UInt8]
    public var bones: [UInt8]?

    public init(timestamp: Timestamp, session: [UInt8], bones: [UInt8]? = nil) {
        self.timestamp = timestamp
        self.session = session
        self.bones = bones
    }
}
