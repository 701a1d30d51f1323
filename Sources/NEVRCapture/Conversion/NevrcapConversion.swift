import Foundation
import NEVRCore

extension CaptureConversion {
    /// Written into every `.nevrcap` header this toolkit produces (metadata `writer`). Its
    /// presence tells a reader that zero values were written explicitly (key presence kept).
    public static let writerName = "nevr-telemetry-swift"
    /// The version written after ``writerName`` in the `writer` metadata entry.
    public static let converterVersion = "0.1.0"

    /// The `writer` metadata entry every `.nevrcap` header this toolkit writes should carry
    /// (see ``writesExplicitZeros(_:)``).
    public static var writerEntry: NevrcapHeader.Entry { .init(key: "writer", value: "\(writerName) \(converterVersion)") }

    /// True when `header` says the file was written by this toolkit, which writes every
    /// present key (zeros included); other writers omit zeros (proto3), and their frames
    /// need ``Proto3KeyRestorer`` before they are rebuilt into game JSON.
    public static func writesExplicitZeros(_ header: NevrcapHeader?) -> Bool {
        header?[metadata: "writer"]?.hasPrefix(writerName) ?? false
    }

    /// True when the session just decoded (whose decoder notes are `notes`) needs
    /// ``Proto3KeyRestorer``: it carries no `key_presence` (the schema's marker that every key
    /// was written, zeros included) and the file's header does not name this toolkit as writer
    /// (the fallback for files written before presence was in the schema).
    public static func needsKeyRestore(header: NevrcapHeader?, notes: NevrcapDecodeNotes) -> Bool {
        !notes.lastSessionKeptPresence && !writesExplicitZeros(header)
    }

    /// Options of ``echoReplayToNevrcap(from:to:options:progress:)``.
    public struct NevrcapOptions: Sendable {
        /// Compression level, zstd frame interval and checksum of the output.
        public var writer: NevrcapWriter.Options
        /// Detect events between frames (``FrameProcessor``) and store them in the frames.
        public var detectEvents: Bool
        /// Detector settings used when ``detectEvents`` is true.
        public var eventOptions: EventDetectionOptions

        /// Options with the writer's defaults, events detected with the default detector settings.
        public init(writer: NevrcapWriter.Options = .init(), detectEvents: Bool = true, eventOptions: EventDetectionOptions = .init()) {
            self.writer = writer
            self.detectEvents = detectEvents
            self.eventOptions = eventOptions
        }
    }

    /// The header written for a file converted from `input`: `capture_id` `converted-<unix
    /// seconds>` and metadata `source`, `source_file`, `converted`, like the Go converter, plus
    /// `writer` (this toolkit and version).
    public static func convertedHeader(for input: URL, source: String, now: Date = Date()) -> NevrcapHeader {
        let seconds = Int64(now.timeIntervalSince1970)
        let created = Timestamp(nanosecondsSinceEpoch: Int64(now.timeIntervalSince1970 * 1e9))
        return NevrcapHeader(
            captureID: "converted-\(seconds)", createdAt: created,
            metadata: [
                .init(key: "source", value: source),
                .init(key: "source_file", value: input.lastPathComponent),
                .init(key: "converted", value: created.iso8601 + "Z"),
                writerEntry,
            ])
    }

    /// Converts `.echoreplay` to `.nevrcap`, streaming: every line becomes a frame with its
    /// timestamp, typed session, bones when recorded, and the events detected against the
    /// previous frame. Lines whose JSON cannot be read are skipped and reported with their
    /// line numbers (``ConversionSummary/skipped``); the rest is converted.
    ///
    /// ```swift
    /// let summary = try CaptureConversion.echoReplayToNevrcap(
    ///     from: URL(fileURLWithPath: "match.echoreplay"), to: URL(fileURLWithPath: "match.nevrcap"))
    /// print(summary.framesWritten, summary.eventsWritten)
    /// ```
    public static func echoReplayToNevrcap(
        from input: URL, to output: URL, options: NevrcapOptions = .init(),
        progress: ((ConversionProgress) -> Void)? = nil
    ) throws -> ConversionSummary {
        var conversion = ConversionOptions(detectEvents: options.detectEvents, eventOptions: options.eventOptions)
        conversion.write.nevrcap = options.writer
        return try convert(from: input, format: .echoReplay, to: output, format: .nevrcap, options: conversion, progress: progress)
    }

    /// Converts `.nevrcap` to `.echoreplay`, streaming: each frame's session (and bones) JSON
    /// is rebuilt with ``GameJSONWriter`` in the game's spelling, timestamps to the millisecond.
    /// Events, the header and frame indices have no place in `.echoreplay` and are dropped
    /// (said in ``ConversionSummary/notes``). Frames from other writers get the keys proto3
    /// dropped put back (``Proto3KeyRestorer``). A truncated input converts every complete
    /// frame and sets ``ConversionSummary/inputTruncated``; malformed records are skipped and
    /// reported by record index.
    public static func nevrcapToEchoReplay(
        from input: URL, to output: URL, options: EchoReplayWriter.Options = .init(),
        progress: ((ConversionProgress) -> Void)? = nil
    ) throws -> ConversionSummary {
        var conversion = ConversionOptions()
        conversion.write.echoReplay = options
        return try convert(from: input, format: .nevrcap, to: output, format: .echoReplay, options: conversion, progress: progress)
    }

    /// Rewrites a `.nevrcap` (e.g. to recompress at another level or re-chunk zstd frames),
    /// keeping header, frames and events.
    public static func nevrcapToNevrcap(
        from input: URL, to output: URL, options: NevrcapWriter.Options = .init(),
        progress: ((ConversionProgress) -> Void)? = nil
    ) throws -> ConversionSummary {
        var conversion = ConversionOptions()
        conversion.write.nevrcap = options
        return try convert(from: input, format: .nevrcap, to: output, format: .nevrcap, options: conversion, progress: progress)
    }
}
