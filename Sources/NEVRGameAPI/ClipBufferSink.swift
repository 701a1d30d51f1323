import Foundation
import NEVRCore
import NEVRCapture

/// Keeps the last few seconds of a live recording in memory, writes nothing until asked,
/// and saves them as a clip: a complete file of its own (`nevr record --buffer 30s`).
///
/// ```swift
/// let clips = ClipBufferSink(directory: URL(fileURLWithPath: "clips"),
///                            options: .init(window: .seconds(30), saveOn: [.goalScored]))
/// let recorder = LiveRecorder(options: .init(rate: 30), sink: clips)
/// // ... from a signal handler or a hub message:
/// let saved = try await clips.saveClip(reason: "SIGUSR1")
/// ```
///
/// - Memory is bounded twice: frames older than ``Options/window`` (measured back from
///   the newest frame's timestamp) are dropped, and never more than
///   ``Options/maximumFrames`` are kept, however long the recording runs.
/// - A clip is written by fresh file sinks (from ``Options/formats``): an `.echoreplay`
///   line is a whole frame anyway, and a `.nevrcap` clip starts a new file with a new
///   frame processor, so its first frame is a full baseline and its events are derived
///   from the clip's own frames only.
/// - The buffer belongs to one session: a new segment (session id or round) empties it,
///   so a clip never mixes two matches.
/// - With ``Options/saveOn``, every frame is parsed and run through the event detectors;
///   a frame carrying one of those kinds saves the buffer (ending with that frame). A clip
///   that fails to save on an event does not stop the recording: the reason goes to
///   ``warnings``.
public actor ClipBufferSink: FrameSink {
    /// File formats a clip is written in.
    public enum Format: Sendable, Hashable {
        /// `.echoreplay` (zipped unless ``Options/zip`` is off).
        case echoReplay
        /// `.nevrcap`.
        case nevrcap
    }

    /// How much is kept and when a clip is saved by itself.
    public struct Options: Sendable {
        /// Length kept in memory, back from the newest frame.
        public var window: Duration
        /// Upper bound on buffered frames, whatever their timestamps say.
        public var maximumFrames: Int
        /// Event kinds that save a clip when a frame carries one (empty: only ``ClipBufferSink/saveClip(reason:)``).
        public var saveOn: Set<EventKind>
        /// Formats each clip is written in (one file per format).
        public var formats: [Format]
        /// Zip `.echoreplay` clips (off: plain text).
        public var zip: Bool
        /// Write the `/player_bones` column when frames carry it.
        public var includeBones: Bool

        /// Options for a `window`-long buffer; `maximumFrames` defaults to the window at 120 Hz.
        public init(window: Duration, maximumFrames: Int? = nil, saveOn: Set<EventKind> = [],
                    formats: [Format] = [.echoReplay], zip: Bool = true, includeBones: Bool = true) {
            self.window = window
            let seconds = Double(window.components.seconds) + Double(window.components.attoseconds) / 1e18
            self.maximumFrames = max(1, maximumFrames ?? Int((seconds * 120).rounded(.up)) + 1)
            self.saveOn = saveOn
            self.formats = formats
            self.zip = zip
            self.includeBones = includeBones
        }
    }

    /// One saved clip.
    public struct Clip: Sendable, Hashable {
        /// The files written (one per format).
        public var files: [URL]
        /// Frames in the clip.
        public var frames: Int
        /// Timestamp span from the first to the last frame.
        public var seconds: Double
        /// Why it was saved (`SIGUSR1`, `goal_scored`, `hub`).
        public var reason: String
    }

    /// Where clips go.
    public let directory: URL
    /// The buffer's bounds and triggers.
    public let options: Options
    /// Every clip saved so far, in order.
    public private(set) var clips: [Clip] = []
    /// Problems that did not stop the recording (a clip that could not be written on an event).
    public private(set) var warnings: [String] = []
    /// Called after each clip is saved (for printing its files as they appear).
    private let onSave: (@Sendable (Clip) -> Void)?

    private var buffer = FrameRing()
    private var segment: RecordingSegment?
    private var processor = FrameProcessor()
    private var clipNumber = 0

    /// A buffer saving clips into `directory`; `onSave` hears of each clip as it is written.
    public init(directory: URL, options: Options, onSave: (@Sendable (Clip) -> Void)? = nil) {
        self.directory = directory
        self.options = options
        self.onSave = onSave
    }

    /// Frames held now (never more than ``Options/maximumFrames``).
    public var bufferedFrames: Int { buffer.count }

    /// Starts a new buffer for the segment (the previous one's frames cannot go in the same file).
    public func beginSegment(_ segment: RecordingSegment) async throws -> String? {
        self.segment = segment
        buffer.removeAll()
        processor.reset()
        return nil
    }

    /// Buffers the frame, drops what fell out of the window, and saves a clip when the frame
    /// carries one of the ``Options/saveOn`` event kinds.
    public func write(_ frame: PolledFrame) async throws {
        buffer.append(frame)
        let newest = frame.raw.timestamp.nanosecondsSinceEpoch
        let (s, a) = options.window.components
        let windowNanos = s * 1_000_000_000 + a / 1_000_000_000
        while let oldest = buffer.first,
              buffer.count > options.maximumFrames || newest - oldest.raw.timestamp.nanosecondsSinceEpoch > windowNanos {
            buffer.removeFirst()
        }
        guard !options.saveOn.isEmpty else { return }
        // The recorder's parse when it is there (parse once); else this sink's own processor
        // (frames built outside LiveRecorder). A body the reader rejects has no events; it stays
        // in the buffer (the clip keeps what was polled).
        let typed: Frame
        if let parsed = frame.typed {
            typed = parsed
        } else if frame.parseFailure != nil {
            return
        } else {
            guard let own = try? processor.process(session: frame.raw.session, bones: frame.raw.bones, timestamp: frame.raw.timestamp)
            else { return }
            typed = own
        }
        if let kind = typed.events.map(\.kind).first(where: { options.saveOn.contains($0) }) {
            do {
                _ = try await saveClip(reason: kind.name)
            } catch {
                warnings.append("clip on \(kind.name) not saved: \(ErrorReason.plainNamingTheFile(error))")
            }
        }
    }

    /// Writes the buffered frames as a clip (one file per format) and keeps buffering.
    /// Returns `nil` when nothing is buffered (no match frames yet).
    @discardableResult
    public func saveClip(reason: String) async throws -> Clip? {
        guard let first = buffer.first, let last = buffer.last, let current = segment else { return nil }
        // A snapshot: the actor is re-entered by new frames while the files are written (each
        // await on a file sink), and every format must get the same frames.
        let frames = Array(buffer.elements)
        clipNumber += 1
        var clipSegment = RecordingSegment(sessionID: current.sessionID, startedAt: first.raw.timestamp, round: current.round)
        clipSegment.baseName = "clip_" + clipSegment.baseName.dropFirst("rec_".count)
        var files: [URL] = []
        for format in options.formats {
            switch format {
            case .echoReplay:
                let sink = EchoReplayFileSink(directory: directory, options: .init(zipOnClose: options.zip, includeBones: options.includeBones))
                try await write(frames, as: clipSegment, to: sink)
                files += await sink.finishedFiles
                if let warning = await sink.warnings.first { warnings.append(warning) }
            case .nevrcap:
                let sink = NevrcapFileSink(directory: directory)
                try await write(frames, as: clipSegment, to: sink)
                files += await sink.finishedFiles
                let skipped = await sink.framesSkipped
                if skipped > 0 { warnings.append("clip \(clipNumber): \(skipped) frames could not be parsed and were left out of the .nevrcap") }
            }
        }
        let seconds = Double(last.raw.timestamp.nanosecondsSinceEpoch - first.raw.timestamp.nanosecondsSinceEpoch) / 1e9
        let clip = Clip(files: files, frames: frames.count, seconds: seconds, reason: reason)
        clips.append(clip)
        onSave?(clip)
        return clip
    }

    /// The clip's frames, renumbered from 0 as a segment of their own.
    private func write(_ frames: [PolledFrame], as clipSegment: RecordingSegment, to sink: some FrameSink) async throws {
        _ = try await sink.beginSegment(clipSegment)
        var index = 0
        for frame in frames {
            var copy = frame
            copy.indexInSegment = index
            // The recorder's typed frame carries events detected against the frames before the
            // clip; the clip's sinks parse again from the clip's first frame, a silent baseline.
            copy.typed = nil
            copy.parseFailure = nil
            index += 1
            try await sink.write(copy)
        }
        try await sink.endSegment()
        try await sink.finish()
    }
}

/// A first-in-first-out list of frames: appending and dropping the oldest are O(1)
/// (amortised), so the clip buffer costs the same at every frame however long it runs.
struct FrameRing {
    private var storage: [PolledFrame] = []
    private var head = 0

    var count: Int { storage.count - head }
    var first: PolledFrame? { head < storage.count ? storage[head] : nil }
    var last: PolledFrame? { head < storage.count ? storage.last : nil }
    var elements: ArraySlice<PolledFrame> { storage[head...] }

    mutating func append(_ frame: PolledFrame) { storage.append(frame) }

    mutating func removeFirst() {
        head += 1
        // Compact once the dead prefix is as long as the live part: storage stays at most twice the count.
        if head > 64, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }

    mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        head = 0
    }
}
