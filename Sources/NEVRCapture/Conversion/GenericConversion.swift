import Foundation
import NEVRCore

/// Options of ``CaptureConversion/convert(from:to:options:progress:)``.
public struct ConversionOptions: Sendable {
    public var read: CaptureReadOptions
    public var write: CaptureWriteOptions
    /// Detect events between frames (``FrameProcessor``) when the output stores events and
    /// the input has none of its own.
    public var detectEvents: Bool
    public var eventOptions: EventDetectionOptions

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
    /// - On failure the partial output is removed. `output` must not be `input`.
    public static func convert(
        from input: URL, format inputFormat: CaptureFormat, to output: URL, format outputFormat: CaptureFormat,
        options: ConversionOptions = .init(), progress: ((ConversionProgress) -> Void)? = nil
    ) throws -> ConversionSummary {
        let started = DispatchTime.now().uptimeNanoseconds
        try refuseSameFile(input, output)
        let reader = try inputFormat.open(input, options: options.read)
        var header = reader.header
        if inputFormat != outputFormat {
            var converted = convertedHeader(for: input, source: inputFormat.rawValue)
            if let id = reader.header?.captureID, !id.isEmpty { converted.metadata.append(.init(key: "source_capture_id", value: id)) }
            header = converted
        }
        let writer = try outputFormat.create(output, header: header, options: options.write)
        do {
            var summary = try convert(reader, into: writer, options: options, progress: progress)
            summary.elapsedSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            return summary
        } catch {
            try? writer.finish()
            try? FileManager.default.removeItem(at: output)
            throw error
        }
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
            }
            try writer.write(record)
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
