import Foundation
import NEVRCore

extension CaptureConversion {
    /// Written into every `.nevrcap` header this toolkit produces (metadata `writer`). Its
    /// presence tells a reader that zero values were written explicitly (key presence kept).
    public static let writerName = "nevr-telemetry-swift"
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
        public var writer: NevrcapWriter.Options
        /// Detect events between frames (``FrameProcessor``) and store them in the frames.
        public var detectEvents: Bool
        public var eventOptions: EventDetectionOptions

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
        let started = DispatchTime.now().uptimeNanoseconds
        try refuseSameFile(input, output)
        let reader = try EchoReplayReader(url: input)
        let writer = try NevrcapWriter(url: output, header: convertedHeader(for: input, source: "echoreplay"), options: options.writer)
        var processor = FrameProcessor(options: options.eventOptions)
        var skipped: [SkippedLine] = []
        var unparsed = 0
        var errorObjects = 0
        var events = 0
        var bones = 0
        do {
            while let record = try reader.next() {
                let frame: Frame
                do throws(GameJSONError) {
                    if options.detectEvents {
                        frame = try processor.process(session: record.session, bones: record.bones, timestamp: record.timestamp)
                    } else {
                        let session = try GameJSONReader.parseSession(record.session)
                        var parsedBones: PlayerBones?
                        if let b = record.bones { parsedBones = try GameJSONReader.parseBones(b) }
                        frame = Frame(index: UInt32(writer.framesWritten), timestamp: record.timestamp, session: session, bones: parsedBones)
                    }
                } catch {
                    if error.isNotAGameFrame {
                        errorObjects += 1  // the game's error object between matches: not a frame
                        continue
                    }
                    unparsed += 1
                    if skipped.count < 20 { skipped.append(SkippedLine(lineNumber: record.lineNumber, reason: error.description)) }
                    continue
                }
                try writer.write(frame)
                events += frame.events.count
                if frame.bones != nil { bones += 1 }
                if let progress, writer.framesWritten & 255 == 0 {
                    progress(ConversionProgress(framesWritten: writer.framesWritten, inputBytesRead: reader.fileBytesConsumed, inputBytesTotal: reader.fileSize))
                }
            }
            try writer.close()
        } catch {
            try? writer.close()
            try? FileManager.default.removeItem(at: output)
            throw error
        }
        progress?(ConversionProgress(framesWritten: writer.framesWritten, inputBytesRead: reader.fileSize, inputBytesTotal: reader.fileSize))
        var summary = ConversionSummary(
            framesWritten: writer.framesWritten, framesWithBones: bones,
            skippedCount: reader.skippedCount + unparsed, skipped: Array((reader.skipped + skipped).prefix(20)),
            elapsedSeconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        summary.eventsWritten = events
        if errorObjects > 0 {
            summary.notes.append("\(errorObjects) line(s) holding the game's error object (err_code != 0) instead of a frame were not converted")
        }
        if unparsed > 0 { summary.notes.append("\(unparsed) line(s) whose session JSON could not be read were not converted") }
        return summary
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
        let started = DispatchTime.now().uptimeNanoseconds
        try refuseSameFile(input, output)
        let total = (try? FileManager.default.attributesOfItem(atPath: input.path)[.size] as? Int64) ?? 0
        let reader = try NevrcapReader(url: input)
        var restored = 0
        let writer = try EchoReplayWriter(url: output, options: options)
        var skipped: [SkippedLine] = []
        var skippedCount = 0
        var truncated: NevrcapError?
        var events = 0
        var sessionJSON: [UInt8] = []
        var bonesJSON: [UInt8] = []
        sessionJSON.reserveCapacity(32 << 10)
        do {
            loop: while true {
                let frame: Frame
                switch try reader.step() {
                case .frame(let f): frame = f
                case .end: break loop
                case .skipped(let e):
                    skippedCount += 1
                    if skipped.count < 20 { skipped.append(SkippedLine(lineNumber: e.recordIndex, reason: e.reasonDescription)) }
                    continue
                case .truncated(let e):
                    truncated = e
                    break loop
                }
                var session = frame.session
                if needsKeyRestore(header: reader.header, notes: reader.notes) {
                    Proto3KeyRestorer.restore(&session)
                    restored += 1
                }
                sessionJSON.removeAll(keepingCapacity: true)
                GameJSONWriter.write(session, into: &sessionJSON)
                events += frame.events.count
                if let b = frame.bones {
                    bonesJSON.removeAll(keepingCapacity: true)
                    GameJSONWriter.write(b, into: &bonesJSON)
                    try sessionJSON.withUnsafeBytes { s in
                        try bonesJSON.withUnsafeBytes { b in try writer.append(timestamp: frame.timestamp, session: s, bones: b) }
                    }
                } else {
                    try sessionJSON.withUnsafeBytes { s in try writer.append(timestamp: frame.timestamp, session: s, bones: nil) }
                }
                if let progress, writer.framesWritten & 255 == 0 {
                    progress(ConversionProgress(framesWritten: writer.framesWritten, inputBytesRead: 0, inputBytesTotal: total))
                }
            }
            try writer.close()
        } catch {
            try? writer.close()
            try? FileManager.default.removeItem(at: output)
            throw error
        }
        var summary = ConversionSummary(
            framesWritten: writer.framesWritten, framesWithBones: writer.framesWithBones,
            skippedCount: skippedCount, skipped: skipped,
            elapsedSeconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        summary.notes.append(
            "dropped: header\(reader.header == nil ? " (none)" : ""), frame indices and \(events) event(s): .echoreplay cannot hold them")
        if reader.header == nil { summary.notes.append("input has no header record") }
        if restored > 0 {
            summary.notes.append("\(restored) frame(s) without key presence: keys proto3 omitted (zero values) were restored for each frame's era")
        }
        if reader.notes.unknownFields > 0 { summary.notes.append("\(reader.notes.unknownFields) unknown protobuf field(s) skipped") }
        if reader.notes.irregularValues > 0 { summary.notes.append("\(reader.notes.irregularValues) irregular value(s) skipped (vectors without 3 values, odd possession lists)") }
        if let truncated {
            summary.inputTruncated = true
            summary.notes.append(truncated.reasonDescription)
        }
        return summary
    }

    /// Converts `input` to `output`, the direction picked from the file extensions
    /// (`.nevrcap` or anything else, read as `.echoreplay`).
    public static func convert(
        from input: URL, to output: URL, echoReplayOptions: EchoReplayWriter.Options = .init(),
        nevrcapOptions: NevrcapOptions = .init(), progress: ((ConversionProgress) -> Void)? = nil
    ) throws -> ConversionSummary {
        switch (CaptureFormat(url: input), CaptureFormat(url: output)) {
        case (.echoReplay, .echoReplay):
            return try echoReplayToEchoReplay(from: input, to: output, options: echoReplayOptions, progress: progress)
        case (.echoReplay, .nevrcap):
            return try echoReplayToNevrcap(from: input, to: output, options: nevrcapOptions, progress: progress)
        case (.nevrcap, .echoReplay):
            return try nevrcapToEchoReplay(from: input, to: output, options: echoReplayOptions, progress: progress)
        case (.nevrcap, .nevrcap):
            return try nevrcapToNevrcap(from: input, to: output, options: nevrcapOptions.writer, progress: progress)
        }
    }

    /// Rewrites a `.nevrcap` (e.g. to recompress at another level or re-chunk zstd frames),
    /// keeping header, frames and events.
    public static func nevrcapToNevrcap(
        from input: URL, to output: URL, options: NevrcapWriter.Options = .init(),
        progress: ((ConversionProgress) -> Void)? = nil
    ) throws -> ConversionSummary {
        let started = DispatchTime.now().uptimeNanoseconds
        try refuseSameFile(input, output)
        let reader = try NevrcapReader(url: input)
        let writer = try NevrcapWriter(url: output, header: reader.header, options: options)
        var summary = ConversionSummary(framesWritten: 0, framesWithBones: 0, skippedCount: 0, skipped: [], elapsedSeconds: 0)
        do {
            loop: while true {
                switch try reader.step() {
                case .frame(let f):
                    try writer.write(f)
                    summary.eventsWritten += f.events.count
                    if f.bones != nil { summary.framesWithBones += 1 }
                case .end: break loop
                case .skipped(let e):
                    summary.skippedCount += 1
                    if summary.skipped.count < 20 { summary.skipped.append(SkippedLine(lineNumber: e.recordIndex, reason: e.reasonDescription)) }
                case .truncated(let e):
                    summary.inputTruncated = true
                    summary.notes.append(e.reasonDescription)
                    break loop
                }
            }
            try writer.close()
        } catch {
            try? writer.close()
            try? FileManager.default.removeItem(at: output)
            throw error
        }
        summary.framesWritten = writer.framesWritten
        summary.elapsedSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return summary
    }
}
