import Foundation
import NEVRCapture
import NEVRCore

/// Writes each recording segment to its own `.echoreplay` file in a folder.
///
/// Crash safety: while recording, the file is **plain-text** `.echoreplay` (the
/// same lines, unzipped; every reader sniffs `PK` and accepts plain text), written
/// with ``EchoReplayWriter`` and flushed to the operating system at every
/// ``flush()`` (the recorder flushes once a second). A killed process leaves a
/// complete, readable file up to the last flush, for any tool. A ZIP being written
/// has no central directory yet, which only our reader can recover, so the zipped
/// form (``Options/zipOnClose``, the community default) is made when a segment
/// ends cleanly: the plain file is read back, checked (every frame present, no bad
/// line), zipped into a temporary file beside it and renamed over it, so at every
/// moment one complete form exists. If the check fails the plain file is kept and
/// a warning says why.
///
/// ```swift
/// let sink = EchoReplayFileSink(directory: URL(fileURLWithPath: "replays"))
/// let recorder = LiveRecorder(options: .init(rate: 60), sink: sink)
/// ```
public actor EchoReplayFileSink: FrameSink {
    /// How the files are written.
    public struct Options: Sendable {
        /// Zip each file when its segment ends. Off: keep plain text.
        public var zipOnClose: Bool
        /// Write the `/player_bones` column when a frame has one.
        public var includeBones: Bool

        /// Options; by default files are zipped when their segment ends and carry the bones column.
        public init(zipOnClose: Bool = true, includeBones: Bool = true) {
            self.zipOnClose = zipOnClose
            self.includeBones = includeBones
        }
    }

    /// The folder the segment files are created in (it must exist).
    public let directory: URL
    /// How the files are written.
    public let options: Options
    /// Files completed so far, in order.
    public private(set) var finishedFiles: [URL] = []
    /// Problems that did not stop the recording (a file left unzipped, and why).
    public private(set) var warnings: [String] = []

    private var writer: EchoReplayWriter?

    /// A sink writing one `.echoreplay` file per segment into `directory`.
    public init(directory: URL, options: Options = .init()) {
        self.directory = directory
        self.options = options
    }

    /// Closes the previous file and creates `<segment.baseName>.echoreplay` (plain text while recording).
    /// Returns its path.
    public func beginSegment(_ segment: RecordingSegment) async throws -> String? {
        try closeCurrent()
        let url = try SegmentFile.create(in: directory, baseName: segment.baseName, extension: "echoreplay")
        writer = try EchoReplayWriter(url: url, options: .init(zipped: false, includeBones: options.includeBones))
        return url.path
    }

    /// Appends one line with the frame's timestamp and raw bytes, exactly as polled.
    public func write(_ frame: PolledFrame) async throws {
        try writer?.write(timestamp: frame.raw.timestamp, session: frame.raw.session, bones: frame.raw.bones)
    }

    /// Hands buffered lines to the operating system (a killed recorder keeps them).
    public func flush() async throws {
        try writer?.flush()
    }

    /// Closes the current file (zipping it when ``Options/zipOnClose``).
    public func endSegment() async throws {
        try closeCurrent()
    }

    /// Closes the current file, if any.
    public func finish() async throws {
        try closeCurrent()
    }

    private func closeCurrent() throws {
        guard let writer else { return }
        self.writer = nil
        try writer.close()
        if options.zipOnClose {
            do {
                try Self.zipInPlace(writer.url, expectedFrames: writer.framesWritten)
            } catch {
                warnings.append("\(writer.url.path): left as plain text: \(ErrorReason.plain(error))")
            }
        }
        finishedFiles.append(writer.url)
    }

    struct ZipCheckFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Replaces the plain-text recording at `url` by its zipped form, after checking
    /// that the plain file reads back with exactly `expectedFrames` frames.
    static func zipInPlace(_ url: URL, expectedFrames: Int) throws {
        let fm = FileManager.default
        // The entry is named like the file (Spark's convention), so the temporary
        // archive gets the final name inside a private folder beside it.
        let staging = url.deletingLastPathComponent()
            .appendingPathComponent(".nevr-zipping-\(UUID().uuidString)", isDirectory: true)
        try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        defer { try? fm.removeItem(at: staging) }
        let zipped = staging.appendingPathComponent(url.lastPathComponent)

        let reader = try EchoReplayReader(url: url)
        let out = try EchoReplayWriter(url: zipped, options: .init(zipped: true, includeBones: true))
        while let record = try reader.next() {
            try out.write(timestamp: record.timestamp, session: record.session, bones: record.bones)
        }
        try out.close()
        guard reader.skippedCount == 0, out.framesWritten == expectedFrames else {
            let first = reader.skipped.first.map { " (first: \($0))" } ?? ""
            throw ZipCheckFailure(
                description: "read back \(out.framesWritten) of \(expectedFrames) frames, \(reader.skippedCount) bad lines\(first)")
        }
        // rename(2) replaces the plain file atomically: readers see one form or the other.
        guard rename(zipped.path, url.path) == 0 else {
            throw ZipCheckFailure(description: "cannot replace the plain file: \(String(cString: strerror(errno)))")
        }
    }
}
