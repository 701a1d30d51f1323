/// The processed form of an asynchronous sequence of ``RawFrame``s: each raw frame
/// parsed and run through one ``FrameProcessor``.
///
/// ```swift
/// for try await frame in rawFrames.processedFrames() {
///     for event in frame.events { print(frame.index, event.kind.name) }
/// }
/// ```
///
/// The game's error objects (not in a match; ``GameJSONError/isNotAGameFrame``) are
/// skipped without ending the sequence and without consuming a frame index; their
/// number is passed to `onSkip` when given. Malformed input ends the sequence by
/// throwing the reader's ``GameJSONError``. Each iterator owns its own processor, so
/// iterating twice processes the stream twice, independently.
public struct ProcessedFrames<Base: AsyncSequence>: AsyncSequence where Base.Element == RawFrame {
    /// Each element is a typed frame with its index and events.
    public typealias Element = Frame

    let base: Base
    let options: EventDetectionOptions
    let onSkip: (@Sendable (GameJSONError) -> Void)?

    /// Iterates the base sequence with its own ``FrameProcessor``.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        var processor: FrameProcessor
        let onSkip: (@Sendable (GameJSONError) -> Void)?

        /// The next processed game frame (error objects skipped), or `nil` at the end.
        public mutating func next() async throws -> Frame? {
            while let raw = try await base.next() {
                do {
                    return try processor.process(session: raw.session, bones: raw.bones, timestamp: raw.timestamp)
                } catch where error.isNotAGameFrame {
                    onSkip?(error)
                }
            }
            return nil
        }
    }

    /// A new iterator with a fresh processor.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), processor: FrameProcessor(options: options), onSkip: onSkip)
    }
}

extension AsyncSequence where Element == RawFrame {
    /// Parses every raw frame and detects its events; see ``ProcessedFrames``.
    public func processedFrames(
        options: EventDetectionOptions = .init(), onSkip: (@Sendable (GameJSONError) -> Void)? = nil
    ) -> ProcessedFrames<Self> {
        ProcessedFrames(base: self, options: options, onSkip: onSkip)
    }
}
