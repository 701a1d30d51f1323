import Foundation
import NEVRCapture
import NEVRCore

/// Writes each recording segment to its own `.nevrcap` file in a folder.
///
/// Frames are written typed, with their detected events: the recorder's parse
/// (``PolledFrame/typed``) when it is there, else this sink's own ``FrameProcessor``
/// (frames built outside ``LiveRecorder``). Written with ``NevrcapWriter``, which ends a zstd frame at least
/// every second: a killed recorder leaves a file readable up to its last complete
/// zstd frame. The header follows the Go live recorder: `capture_id` is the
/// session id, metadata `format = nevrcap`.
///
/// A polled body our reader cannot parse is not written to the `.nevrcap` (it has no
/// typed form); it is counted in ``framesSkipped`` with the first reasons in
/// ``skippedReasons``, and recording goes on.
public actor NevrcapFileSink: FrameSink {
    /// The folder the segment files are created in (it must exist).
    public let directory: URL
    /// How the files are written (a zstd frame at least every second by default).
    public let options: NevrcapWriter.Options
    /// Files completed so far, in order.
    public private(set) var finishedFiles: [URL] = []
    /// Frames that could not be parsed and were left out of the `.nevrcap`.
    public private(set) var framesSkipped = 0
    /// The first few reasons (bounded).
    public private(set) var skippedReasons: [String] = []

    private var writer: NevrcapWriter?
    private var url: URL?
    private var processor = FrameProcessor()

    /// A sink writing one `.nevrcap` file per segment into `directory`.
    public init(directory: URL, options: NevrcapWriter.Options = .init(secondsPerZstdFrame: 1)) {
        self.directory = directory
        self.options = options
    }

    /// Closes the previous file and creates `<segment.baseName>.nevrcap`; returns its path.
    public func beginSegment(_ segment: RecordingSegment) async throws -> String? {
        try closeCurrent()
        let file = try SegmentFile.create(in: directory, baseName: segment.baseName, extension: "nevrcap")
        let header = NevrcapHeader(
            captureID: segment.sessionID, createdAt: segment.startedAt,
            metadata: [
                .init(key: "format", value: "nevrcap"), .init(key: "recorder", value: "nevr record"),
                CaptureConversion.writerEntry,  // zeros are written explicitly: readers need not restore keys
            ])
        writer = try NevrcapWriter(url: file, header: header, options: options)
        url = file
        processor.reset()
        return file.path
    }

    /// Writes the frame typed, with its events (see the type's discussion for frames that do not parse).
    public func write(_ frame: PolledFrame) async throws {
        guard let writer else { return }
        let typed: Frame
        if let parsed = frame.typed {
            typed = parsed
        } else if let failure = frame.parseFailure {
            skip(frame, failure)
            return
        } else {
            do {
                typed = try processor.process(session: frame.raw.session, bones: frame.raw.bones, timestamp: frame.raw.timestamp)
            } catch {
                skip(frame, ErrorReason.plain(error))
                return
            }
        }
        do {
            try writer.write(typed)
        } catch {
            // A frame the format cannot store (a number out of range) is skipped and reported,
            // the recording goes on; any other write error ends it.
            guard error.isUnrepresentableFrame else { throw error }
            skip(frame, error.reasonDescription)
        }
    }

    private func skip(_ frame: PolledFrame, _ reason: String) {
        framesSkipped += 1
        if skippedReasons.count < 10 { skippedReasons.append("frame \(frame.sequence): \(reason)") }
    }

    /// Ends the current zstd frame so a killed recorder leaves it readable.
    public func flush() async throws {
        try writer?.flush()
    }

    /// Closes the current file.
    public func endSegment() async throws {
        try closeCurrent()
    }

    /// Closes the current file, if any.
    public func finish() async throws {
        try closeCurrent()
    }

    private func closeCurrent() throws {
        guard let writer, let url else { return }
        self.writer = nil
        self.url = nil
        try writer.close()
        finishedFiles.append(url)
    }
}
