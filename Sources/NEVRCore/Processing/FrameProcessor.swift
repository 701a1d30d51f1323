/// Turns raw `/session` (and `/player_bones`) bodies of one capture into typed
/// ``Frame``s with their index, timestamp and detected events.
///
/// ```swift
/// var processor = FrameProcessor()
/// for record in records {
///     let frame = try processor.process(session: record.session, bones: record.bones, timestamp: record.timestamp)
///     for event in frame.events { print(frame.index, event.kind.name) }
/// }
/// ```
///
/// **Frames are independent values.** A returned frame never changes when later
/// frames are processed (the Go seed returned frames aliasing one reused struct).
///
/// **Non-game frames.** Bytes that ``GameJSONReader`` rejects, including the game's
/// error objects (`{"err_code":-6,...}`, reported as
/// ``GameJSONError/Reason/notAGameFrame(errCode:description:)``), throw: they get no
/// frame index and change no detector state, so the next game frame is compared with
/// the last one. A body that parses but is not a game frame (``Session/isGameFrame``
/// false, e.g. `{"err_code":0}`) is returned as a frame with an index and no events,
/// and also leaves the detectors untouched.
///
/// **Thread safety.** A mutating value type with per-stream state: use one processor
/// per capture or live stream, from one task at a time. Frames it returns are
/// `Sendable` and may go anywhere.
public struct FrameProcessor: Sendable {
    /// The detector set, with its state for this stream.
    public private(set) var detector: EventDetector
    /// The index the next returned frame will carry (frames count from 0).
    public private(set) var nextIndex: UInt32 = 0

    /// A processor for a new capture (the first frame gets index 0 and is the event baseline).
    public init(options: EventDetectionOptions = .init()) {
        detector = EventDetector(options: options)
    }

    /// Parses `session` (and `bones` when recorded) and detects events against the
    /// previous game frame.
    ///
    /// - Throws: the reader's error for malformed input or a game error object; the
    ///   processor's state is then unchanged.
    public mutating func process(
        session: UnsafeRawBufferPointer, bones: UnsafeRawBufferPointer?, timestamp: Timestamp
    ) throws(GameJSONError) -> Frame {
        let parsed = try GameJSONReader.parseSession(session)
        let parsedBones: PlayerBones? = if let bones { try GameJSONReader.parseBones(bones) } else { nil }
        return process(session: parsed, bones: parsedBones, timestamp: timestamp)
    }

    /// Byte-array form of ``process(session:bones:timestamp:)-(UnsafeRawBufferPointer,_,_)``.
    public mutating func process(session: [UInt8], bones: [UInt8]?, timestamp: Timestamp) throws(GameJSONError) -> Frame {
        let parsed = try GameJSONReader.parseSession(session)
        let parsedBones: PlayerBones? = if let bones { try GameJSONReader.parseBones(bones) } else { nil }
        return process(session: parsed, bones: parsedBones, timestamp: timestamp)
    }

    /// Typed input (a `.nevrcap` frame's session, the simulator): detects events
    /// against the previous game frame and numbers the frame.
    public mutating func process(session: Session, bones: PlayerBones?, timestamp: Timestamp) -> Frame {
        let events = detector.detect(session)
        let frame = Frame(index: nextIndex, timestamp: timestamp, session: session, bones: bones, events: events)
        nextIndex &+= 1
        return frame
    }

    /// Starts a new capture: the next frame is index 0 and a silent baseline.
    public mutating func reset() {
        detector.reset()
        nextIndex = 0
    }
}
