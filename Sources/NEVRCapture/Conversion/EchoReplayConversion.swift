import Foundation
import NEVRCore

/// How far a conversion has come, for progress displays.
public struct ConversionProgress: Sendable {
    public var framesWritten: Int
    /// Input bytes consumed (compressed bytes for a zipped input).
    public var inputBytesRead: Int64
    public var inputBytesTotal: Int64

    /// 0...1 by input bytes.
    public var fraction: Double {
        inputBytesTotal > 0 ? min(1, Double(inputBytesRead) / Double(inputBytesTotal)) : 0
    }
}

/// What a finished conversion did.
public struct ConversionSummary: Sendable {
    public var framesWritten: Int
    public var framesWithBones: Int
    /// Input lines rejected by the reader (see ``skipped`` for the first few).
    public var skippedCount: Int
    public var skipped: [SkippedLine]
    public var elapsedSeconds: Double
    /// Events written (`.echoreplay -> .nevrcap` with event detection).
    public var eventsWritten: Int = 0
    /// What the output format could not hold or what went wrong short of failing, one line each
    /// (for example "events and header dropped: .echoreplay cannot hold them").
    public var notes: [String] = []
    /// The input ended early (a crashed capture); everything before the cut was converted.
    public var inputTruncated: Bool = false
}

/// Converts between capture files. Commands stay thin: the logic lives here.
public enum CaptureConversion {
    /// Copies an `.echoreplay` into another (zipped <-> plain, bones kept or dropped),
    /// streaming: every frame's timestamp and JSON bytes are copied exactly.
    ///
    /// The output is written in place; if the conversion fails, the partial output is
    /// removed so no short file is mistaken for a complete one.
    ///
    /// ```swift
    /// let summary = try CaptureConversion.echoReplayToEchoReplay(
    ///     from: URL(fileURLWithPath: "match.echoreplay"), to: URL(fileURLWithPath: "match.txt"),
    ///     options: .init(zipped: false))
    /// print(summary.framesWritten, summary.skippedCount)
    /// ```
    public static func echoReplayToEchoReplay(
        from input: URL, to output: URL,
        options: EchoReplayWriter.Options = .init(),
        readerOptions: EchoReplayReader.Options = .init(),
        progress: ((ConversionProgress) -> Void)? = nil
    ) throws -> ConversionSummary {
        let started = DispatchTime.now().uptimeNanoseconds
        try refuseSameFile(input, output)
        let reader = try EchoReplayReader(url: input, options: readerOptions)
        let writer = try EchoReplayWriter(url: output, options: options)
        do {
            // Zero-copy: the reader's buffer goes straight to the writer.
            while try reader.nextView({ try writer.append(timestamp: $0.timestamp, session: $0.session, bones: $0.bones) }) != nil {
                if let progress, writer.framesWritten & 255 == 0 {
                    progress(ConversionProgress(framesWritten: writer.framesWritten,
                                                inputBytesRead: reader.fileBytesConsumed, inputBytesTotal: reader.fileSize))
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
            framesWritten: writer.framesWritten, framesWithBones: writer.framesWithBones,
            skippedCount: reader.skippedCount, skipped: reader.skipped,
            elapsedSeconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        if reader.isRecoveredFromTruncation {
            summary.inputTruncated = true
            summary.notes.append("the input archive is unfinished (no central directory); every complete line was converted")
        }
        return summary
    }

    /// Throws when `output` is `input` (writing would truncate the input before it is read).
    public static func refuseSameFile(_ input: URL, _ output: URL) throws {
        let a = input.standardizedFileURL.resolvingSymlinksInPath().path
        let b = output.standardizedFileURL.resolvingSymlinksInPath().path
        var same = a == b
        if !same, let ia = try? FileManager.default.attributesOfItem(atPath: a),
           let ib = try? FileManager.default.attributesOfItem(atPath: b),
           let na = ia[.systemFileNumber] as? Int, let nb = ib[.systemFileNumber] as? Int,
           let da = ia[.systemNumber] as? Int, let db = ib[.systemNumber] as? Int {
            same = na == nb && da == db
        }
        if same {
            throw EchoReplayError(path: output.path, reason: .invalidRecord("the output is the input file"))
        }
    }
}
