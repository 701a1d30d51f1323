import Foundation
import NEVRCore

/// Options of ``CaptureConversion/convert(from:to:options:progress:)``.
public struct ConversionOptions: Sendable {
    /// Options of the input's reader.
    public var read: CaptureReadOptions
    /// Options of the output's writer (compression level, bones).
    public var write: CaptureWriteOptions
    /// Detect events between frames (``FrameProcessor``) when the output stores events and
    /// the input has none of its own.
    public var detectEvents: Bool
    /// Detector settings used when events are detected.
    public var eventOptions: EventDetectionOptions

    /// Default reading and writing, events detected where the output stores them and the input has none.
    public init(read: CaptureReadOptions = .init(), write: CaptureWriteOptions = .init(),
                detectEvents: Bool = true, eventOptions: EventDetectionOptions = .init()) {
        self.read = read
        self.write = write
        self.detectEvents = detectEvents
        self.eventOptions = eventOptions
    }
}

extension CaptureConversion {
    /// Converts `input` to `output`, each format named by its file's extension
    /// (``CaptureFormat/init(url:)``: an unknown extension is an error listing the known ones).
    ///
    /// ```swift
    /// let summary = try CaptureConversion.convert(
    ///     from: URL(fileURLWithPath: "match.echoreplay"), to: URL(fileURLWithPath: "match.nevrcap"))
    /// print(summary.framesWritten, summary.eventsWritten, summary.notes)
    /// ```
    public static func convert(
        from input: URL, to output: URL, options: ConversionOptions = .init(),
        progress: ((ConversionProgress) -> Void)? = nil
    ) throws -> ConversionSummary {
        try convert(from: input, format: CaptureFormat(url: input), to: output, format: CaptureFormat(url: output),
                    options: options, progress: progress)
    }

    /// Converts between any two registered formats over the format seam, streaming with flat
    /// memory.
    ///
    /// - Records pass in the form the output needs: JSON bytes are copied as recorded into a
    ///   JSON format, typed frames are kept for a typed format; only a change of kind parses
    ///   or spells JSON.
    /// - Into a typed format, lines that are the game's error object (between matches) are
    ///   left out and counted in a note; lines whose JSON cannot be read are skipped and
    ///   reported with their position (``ConversionSummary/skipped``).
    /// - Events are detected when the output stores them and the input has none
    ///   (``ConversionOptions/detectEvents``); stored events are kept as they are.
    /// - The output gets the input's header when both formats are the same, otherwise a
    ///   converted header (``convertedHeader(for:source:now:)``).
    /// - What the reader could not read (skipped records, truncation, damage) and what the
    ///   writer could not hold are in the summary; the rest is converted.
    /// - The output is written to a temporary file beside it and renamed into place when complete
    ///   (``AtomicOutputFile``): a failure leaves no fragment and keeps what was at `output`
    ///   before; an `output` that is (or links to) `input` is refused. Damage in the input
    ///   (corrupt compressed data, a wrong checksum, a budget exceeded) keeps everything read
    ///   before it and is reported in ``ConversionSummary/damage``.
    public static func convert(
        from input: URL, format inputFormat: CaptureFormat, to output: URL, format outputFormat: CaptureFormat,
        options: ConversionOptions = .init(), progress: ((ConversionProgress) -> Void)? = nil
    ) throws -> ConversionSummary {
        let started = DispatchTime.now().uptimeNanoseconds
        let out = try AtomicOutputFile(destination: output, inputs: [input])
        let reader = try inputFormat.open(input, options: options.read)
        var header = reader.header
        if inputFormat != outputFormat {
            var converted = convertedHeader(for: input, source: inputFormat.rawValue)
            if let id = reader.header?.captureID, !id.isEmpty { converted.metadata.append(.init(key: "source_capture_id", value: id)) }
            header = converted
        }
        var writeOptions = options.write
        writeOptions.entryName = writeOptions.entryName ?? output.lastPathComponent
        let writer: any CaptureFrameWriter
        do {
            writer = try outputFormat.create(out.temporaryURL, header: header, options: writeOptions)
        } catch {
            out.discard()
            // Name the output, not the temporary file, in the message.
            let text = ErrorReason.plain(error).replacingOccurrences(of: out.temporaryURL.path, with: output.path)
            throw OutputFileError(path: output.path, reason: .io(text))
        }
        var summary: ConversionSummary
        do {
            summary = try convert(reader, into: writer, options: options, progress: progress)
        } catch {
            // Damaged input after some frames: keep them and report; anything else fails cleanly.
            let damage = try keepOrRethrow(error, input: input, framesWritten: writer.framesWritten) {
                try? writer.finish()
                out.discard()
            }
            do { try writer.finish() } catch {
                out.discard()
                throw error
            }
            summary = partialSummary(reader, writer)
            summary.damage.append(damage)
            summary.notes.append(damage)
        }
        do {
            try out.commit()
        } catch {
            out.discard()
            throw error
        }
        summary.elapsedSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return summary
    }

    /// What a conversion stopped by damage did, from its reader and writer.
    static func partialSummary(_ reader: any CaptureFrameReader, _ writer: any CaptureFrameWriter) -> ConversionSummary {
        let read = reader.report
        var summary = ConversionSummary(
            framesWritten: writer.framesWritten, framesWithBones: writer.framesWithBones,
            skippedCount: read.skippedCount, skipped: read.skipped, elapsedSeconds: 0)
        summary.positionUnit = reader.positionUnit
        summary.outputStoresEvents = writer.storesEvents
        summary.damage = read.damage
        summary.notes += read.notes + read.damage
        if let truncation = read.truncation {
            summary.inputTruncated = true
            summary.notes.append(truncation)
        }
        return summary
    }

    /// For a conversion's catch: returns the damage description when `error` says the input's
    /// data is damaged and something was already converted (the caller keeps its output);
    /// otherwise runs `cleanup` and rethrows.
    static func keepOrRethrow(_ error: any Error, input: URL, framesWritten: Int, cleanup: () -> Void) throws -> String {
        if framesWritten > 0, let damage = inputDamage(error, input: input) { return damage }
        cleanup()
        throw error
    }

    /// The reason when `error` is damage in `input`'s data (not I/O, not the output).
    public static func inputDamage(_ error: any Error, input: URL) -> String? {
        if let e = error as? EchoReplayError, e.path == input.path {
            switch e.reason {
            case .corruptArchive, .corruptData, .entryTooLarge: return e.reasonDescription
            default: return nil
            }
        }
        if let e = error as? NevrcapError, e.file == input.path {
            switch e.reason {
            case .zstd, .budgetExceeded, .badLength, .recordTooLong, .damaged: return e.reasonDescription
            default: return nil
            }
        }
        return nil
    }

    /// The conversion loop over the seam: reads every record of `reader` into `writer` and
    /// finishes it (see ``convert(from:format:to:format:options:progress:)`` for what happens
    /// to each record). Use it for readers and writers that are not files (tests, pipes).
    public static func convert(
        _ reader: any CaptureFrameReader, into writer: any CaptureFrameWriter,
        options: ConversionOptions = .init(), progress: ((ConversionProgress) -> Void)? = nil
    ) throws -> ConversionSummary {
        let started = DispatchTime.now().uptimeNanoseconds
        let detect = options.detectEvents && writer.storesEvents && !reader.carriesEvents
        var processor = FrameProcessor(options: options.eventOptions)
        var typing = CaptureReadReport()
        var errorObjects = 0
        var events = 0
        func report(_ read: Int64) {
            progress?(ConversionProgress(framesWritten: writer.framesWritten, inputBytesRead: read, inputBytesTotal: reader.bytesTotal))
        }
        while var record = try reader.next() {
            if writer.storesTypedFrames, record.frame == nil {
                do throws(GameJSONError) {
                    if detect {
                        let frame = try processor.process(session: record.sessionJSON ?? [], bones: record.bonesJSON, timestamp: record.timestamp)
                        record.frame = frame
                        record.events = frame.events
                    } else {
                        _ = try record.typedFrame(index: UInt32(truncatingIfNeeded: writer.framesWritten))
                    }
                } catch {
                    if error.isNotAGameFrame {
                        errorObjects += 1  // the game's error object between matches: not a frame
                    } else {
                        typing.skip(record.position, error.description)
                    }
                    continue
                }
            } else if detect, let typed = record.frame {
                let frame = processor.process(session: typed.session, bones: typed.bones, timestamp: typed.timestamp)
                record.frame = frame
                record.events = frame.events
            } else if detect, let json = record.sessionJSON {
                // A writer that keeps the JSON bytes (.nvr) stores the events found in them too;
                // a body that does not parse is written as it is, without events.
                if let frame = try? processor.process(session: json, bones: nil, timestamp: record.timestamp) {
                    record.events = frame.events
                }
            }
            do {
                try writer.write(record)
            } catch {
                // A number the output format cannot store: this record is skipped and reported, not the file.
                guard let e = error as? NevrcapError, e.isUnrepresentableFrame else { throw error }
                typing.skip(record.position, e.reasonDescription)
                continue
            }
            events += record.events.count
            if progress != nil, writer.framesWritten & 255 == 0 { report(reader.bytesRead) }
        }
        try writer.finish()
        report(reader.bytesTotal)
        let read = reader.report
        var summary = ConversionSummary(
            framesWritten: writer.framesWritten, framesWithBones: writer.framesWithBones,
            skippedCount: read.skippedCount + typing.skippedCount, skipped: Array((read.skipped + typing.skipped).prefix(20)),
            elapsedSeconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        summary.positionUnit = reader.positionUnit
        summary.eventsWritten = writer.storesEvents ? events : 0
        summary.outputStoresEvents = writer.storesEvents
        if errorObjects > 0 {
            summary.notes.append("\(errorObjects) line(s) holding the game's error object (err_code != 0) instead of a frame were not converted")
        }
        if typing.skippedCount > 0 {
            summary.notes.append("\(typing.skippedCount) \(reader.positionUnit)(s) whose session JSON could not be read were not converted")
        }
        summary.notes += writer.notes
        summary.notes += read.notes
        summary.damage = read.damage
        summary.notes += read.damage
        if let truncation = read.truncation {
            summary.inputTruncated = true
            summary.notes.append(truncation)
        }
        return summary
    }
}
