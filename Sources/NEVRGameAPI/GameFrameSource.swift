import NEVRCore

/// A sequence of frames for the game-API server to play (a replay file, the
/// simulator, frames held in memory).
///
/// Sources are used from one task at a time; the server makes a fresh one for
/// every loop through the recording.
public protocol GameFrameSource {
    /// The next frame in capture order, or `nil` at the end.
    mutating func next() throws -> RawFrame?
}

/// Frames held in memory (tests, small fixtures).
public struct ArrayFrameSource: GameFrameSource, Sendable {
    private let frames: [RawFrame]
    private var position = 0

    /// Plays `frames` in order.
    public init(_ frames: [RawFrame]) {
        self.frames = frames
    }

    /// The next frame, or `nil` after the last.
    public mutating func next() -> RawFrame? {
        guard position < frames.count else { return nil }
        defer { position += 1 }
        return frames[position]
    }
}
