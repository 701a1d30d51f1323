import NEVRCore

/// One sampled frame of a simulated match with the ground truth that became visible in it.
public struct SimulatedFrame: Hashable, Sendable {
    /// Position in the capture, from 0.
    public var index: Int
    /// Capture instant of the frame (``MatchSimulator/startTime`` plus index / rate).
    public var timestamp: Timestamp
    /// The `/session` the game would answer at that instant.
    public var session: Session
    /// `/player_bones` when ``SimulationOptions/bones`` is set.
    public var bones: PlayerBones?
    /// What an ideal detector should report for this frame (empty for frame 0, the baseline).
    public var truth: [TruthEvent]

    /// A simulated frame.
    public init(index: Int, timestamp: Timestamp, session: Session, bones: PlayerBones?, truth: [TruthEvent]) {
        self.index = index
        self.timestamp = timestamp
        self.session = session
        self.bones = bones
        self.truth = truth
    }

    /// The frame as the rest of the package handles it (no detected events yet).
    public var frame: Frame {
        Frame(index: UInt32(index), timestamp: timestamp, session: session, bones: bones)
    }
}
