import Foundation
import NEVRCore

/// Writes typed NEVR frames as a `.tape` file: ``TapeFrameEncoder`` (sparse event tier,
/// quaternions, team flags) over ``TapeWriter`` (container, footer, indexes). The header is
/// built from the first frame, so it is written on the first ``write(_:)``.
///
/// ```swift
/// let writer = TapeSessionWriter(url: out, captureID: "match-1")
/// for frame in frames { try writer.write(frame) }
/// try writer.finish()
/// ```
public final class TapeSessionWriter {
    /// What to write and how.
    public struct Options: Sendable {
        /// Container, block size, compression.
        public var tape: TapeWriter.Options
        /// Run the event detectors on frames that carry no events (round, disc and stat
        /// events go into the file; the sparse tier is written either way).
        public var detectEvents: Bool
        /// The header's metadata entries.
        public var metadata: [TapeMapEntry]
        /// Options; `detectEvents` runs NEVR's detectors on frames that have no events.
        public init(tape: TapeWriter.Options = .init(), detectEvents: Bool = true, metadata: [TapeMapEntry] = []) {
            self.tape = tape
            self.detectEvents = detectEvents
            self.metadata = metadata
        }
    }

    private enum Target {
        case file(URL)
        case memory(String)
    }

    private let target: Target
    private let captureID: String
    private let options: Options
    private var writer: TapeWriter?
    private var encoder: TapeFrameEncoder?
    private var detector = EventDetector()
    private var finished = false

    /// Frames written.
    public var framesWritten: Int { writer?.framesWritten ?? 0 }
    /// Events written (sparse tier included).
    public private(set) var eventsWritten = 0
    /// Bytes written so far.
    public var compressedBytes: Int { writer?.compressedBytes ?? 0 }

    /// Writes to `url` (created when the first frame arrives).
    public init(url: URL, captureID: String, options: Options = .init()) {
        target = .file(url)
        self.captureID = captureID
        self.options = options
    }

    /// Writes into memory (``data`` after ``finish()``).
    public init(inMemory label: String = "<memory>", captureID: String, options: Options = .init()) {
        target = .memory(label)
        self.captureID = captureID
        self.options = options
    }

    /// The bytes of an in-memory writer after ``finish()``.
    public var data: [UInt8] { writer?.data ?? [] }

    /// Appends one typed frame (its header comes from the first frame).
    public func write(_ frame: Frame) throws(TapeError) {
        var frame = frame
        if options.detectEvents {
            let detected = detector.detect(frame.session)
            if frame.events.isEmpty { frame.events = detected }
        }
        if writer == nil {
            let header = TapeFrameEncoder.header(for: frame, captureID: captureID, metadata: options.metadata)
            switch target {
            case .file(let url): writer = try TapeWriter(url: url, header: header, options: options.tape)
            case .memory(let label): writer = try TapeWriter(inMemory: label, header: header, options: options.tape)
            }
            encoder = TapeFrameEncoder(createdAt: frame.timestamp)
        }
        let v2 = encoder!.encode(frame)
        eventsWritten += v2.echoArena?.events.count ?? 0
        try writer!.write(v2)
    }

    /// Writes the footer and closes. A writer that got no frame writes a header-only file
    /// (created now) so the output is still a valid `.tape`.
    public func finish() throws(TapeError) {
        guard !finished else { return }
        finished = true
        if writer == nil {
            var h = TapeHeader()
            h.captureID = captureID
            h.formatVersion = 2
            h.formatMinor = 1
            h.frameEncoding = 1
            h.metadata = options.metadata
            switch target {
            case .file(let url): writer = try TapeWriter(url: url, header: h, options: options.tape)
            case .memory(let label): writer = try TapeWriter(inMemory: label, header: h, options: options.tape)
            }
        }
        try writer!.finish()
    }
}
