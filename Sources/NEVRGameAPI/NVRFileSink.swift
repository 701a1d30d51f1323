import Foundation
import NEVRCapture
import NEVRCore

/// Writes each recording segment to its own `.nvr` file in a folder (`nevr record --format nvr`).
///
/// The polled bodies are stored byte for byte (``NVRWriter``: values coded, anything else
/// verbatim), with the events ``FrameProcessor`` detects. Records are appended as each block
/// (about one second) closes, so a killed recorder loses at most the open block; the file is
/// then read from the start and reported as cut. A body the processor cannot parse is still
/// stored (it has no events); it is counted in ``framesWithoutEvents``.
public actor NVRFileSink: FrameSink {
    /// The folder the files go to.
    public let directory: URL
    /// Block and compression settings of every file.
    public let options: NVRWriter.Options
    /// Files completed so far, in order.
    public private(set) var finishedFiles: [URL] = []
    /// Frames stored without events because their body did not parse as a game frame.
    public private(set) var framesWithoutEvents = 0

    private var writer: NVRWriter?
    private var url: URL?
    private var processor = FrameProcessor()

    /// A sink writing into `directory` (created when needed).
    public init(directory: URL, options: NVRWriter.Options = .init()) {
        self.directory = directory
        self.options = options
    }

    /// Finishes the open file, then starts `<baseName>.nvr` in ``directory`` (`_2`, `_3`, ... when
    /// the name is taken) with `capture_id`, `created_at_ns` and `recorder` metadata.
    /// - Returns: the new file's path.
    /// - Throws: when the folder or file cannot be created or the previous file cannot be finished.
    public func beginSegment(_ segment: RecordingSegment) async throws -> String? {
        try closeCurrent()
        let file = try SegmentFile.create(in: directory, baseName: segment.baseName, extension: "nvr")
        var metadata = [NVRMetadataEntry(key: "capture_id", value: segment.sessionID)]
        metadata.append(.init(key: "created_at_ns", value: String(segment.startedAt.nanosecondsSinceEpoch)))
        metadata.append(.init(key: "recorder", value: "nevr record"))
        writer = try NVRWriter(url: file, metadata: metadata, options: options)
        url = file
        processor.reset()
        return file.path
    }

    /// Stores the frame's bodies byte for byte with the events detected from its `/session`
    /// (none, counted in ``framesWithoutEvents``, when it does not parse). Ignored before the
    /// first ``beginSegment(_:)`` and after ``endSegment()``.
    /// - Throws: ``NVRError`` when the block cannot be written.
    public func write(_ frame: PolledFrame) async throws {
        guard let writer else { return }
        let raw = frame.raw
        var events: [Event] = []
        do {
            events = try processor.process(session: raw.session, bones: nil, timestamp: raw.timestamp).events
        } catch {
            framesWithoutEvents += 1
        }
        try writer.write(session: raw.session, bones: raw.bones, timestamp: raw.timestamp, events: events)
    }

    /// Nothing to do: the writer appends each block as it closes (at most about one second
    /// of frames), which already bounds what a killed recorder loses; closing blocks on the
    /// recorder's flush timer as well would only split them and cost size.
    public func flush() async throws {}

    /// Finishes the open file (writes its last block and index) and adds it to ``finishedFiles``.
    public func endSegment() async throws {
        try closeCurrent()
    }

    /// Finishes the open file, as ``endSegment()``.
    public func finish() async throws {
        try closeCurrent()
    }

    private func closeCurrent() throws {
        guard let writer, let url else { return }
        self.writer = nil
        self.url = nil
        try writer.finish()
        finishedFiles.append(url)
    }
}
