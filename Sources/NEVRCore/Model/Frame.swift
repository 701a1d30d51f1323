/// One processed frame: a typed `/session` (and optional `/player_bones`) at a
/// capture instant, with its position in the capture and the events detected
/// against the frame before it.
///
/// Frames are values: a frame handed to you stays valid and independent of any
/// frame produced later (the Go seed returned frames aliasing one reused struct).
public struct Frame: Hashable, Sendable {
    /// Position in the capture, from 0.
    public var index: UInt32
    /// When the frame was captured.
    public var timestamp: Timestamp
    /// The typed `/session`.
    public var session: Session
    /// `nil` when no bones were recorded for this frame.
    public var bones: PlayerBones?
    /// Events detected between the previous game frame and this one.
    public var events: [Event]

    /// A frame; `FrameProcessor` numbers frames and detects their events.
    public init(index: UInt32, timestamp: Timestamp, session: Session, bones: PlayerBones? = nil, events: [Event] = []) {
        self.index = index
        self.timestamp = timestamp
        self.session = session
        self.bones = bones
        self.events = events
    }
}
