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
    /// The input is damaged (corrupt compressed data, a wrong checksum, a budget exceeded):
    /// everything readable was converted and kept; one line per damage. Commands exit non-zero.
    public var inputDamage: [String] = []

    /// Adds the damage a conversion met, if any.
    mutating func record(damage: String?) {
        if let damage { inputDamage.append(damage) }
    }

    /// Adds what a `.nevrcap` reader skipped: zero-length records, headers of appended
    /// captures, damaged regions.
    mutating func record(_ reader: NevrcapReader) {
        if reader.emptyRecordsSkipped > 0 {
            notes.append("\(reader.emptyRecordsSkipped) zero-length record(s) skipped (not frames)")
        }
        if reader.headersSkipped > 0 {
            notes.append("\(reader.headersSkipped) further header record(s) skipped (captures appended to each other)")
        }
        if reader.damagedRegions > 0 {
            inputDamage.append(
                "\(reader.damagedRegions) damaged region(s) of compressed data skipped (\(reader.damagedBytesSkipped) bytes); every intact frame around them was kept")
        }
    }
}

/// Converts between capture files. Commands stay thin: the logic lives here.
public enum CaptureConversion {
    /// Copies an `.echoreplay` into another (zipped <-> plain, bones kept or dropped),
    /// streaming: every frame's timestamp and JSON bytes are copied exactly.
    ///
    /// The output is written to a temporary file next to it and moved into place only when
    /// complete (``AtomicOutputFile``): a failed or interrupted conversion leaves no fragment
    /// and keeps any file that was already at the output path; the input is never overwritten.
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
        let out = try AtomicOutputFile(destination: output, inputs: [input])
        var damage: String?
        let reader = try EchoReplayReader(url: input, options: readerOptions)
        let writer = try EchoReplayWriter(url: out.temporaryURL, entryName: output.lastPathComponent, options: options)
        do {
            // Zero-copy: the reader's buffer goes straight to the writer.
            while try reader.nextView({ try writer.append(timestamp: $0.timestamp, session: $0.session, bones: $0.bones) }) != nil {
                if let progress, writer.framesWritten & 255 == 0 {
                    progress(ConversionProgress(framesWritten: writer.framesWritten,
                                                inputBytesRead: reader.fileBytesConsumed, inputBytesTotal: reader.fileSize))
                }
            }
        } catch {
            // Damaged input: everything read before the damage is kept and the damage reported;
            // any other failure (the output, I/O) leaves no output and keeps the old destination.
            damage = try keepOrRethrow(error, input: input, framesWritten: writer.framesWritten) {
                try? writer.close()
                out.discard()
            }
        }
        do {
            try writer.close()
            try out.commit()
        } catch {
            out.discard()
            throw error
        }
        progress?(ConversionProgress(framesWritten: writer.framesWritten, inputBytesRead: reader.fileSize, inputBytesTotal: reader.fileSize))
        var summary = ConversionSummary(
            framesWritten: writer.framesWritten, framesWithBones: writer.framesWithBones,
            skippedCount: reader.skippedCount, skipped: reader.skipped,
            elapsedSeconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        summary.record(damage: damage)
        if reader.isRecoveredFromTruncation {
            summary.inputTruncated = true
            summary.notes.append("the input archive is unfinished (no central directory); every complete line was converted")
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

    /// Throws when `output` is `input` (same path, symlink or hard link): writing would destroy
    /// the input. ``AtomicOutputFile`` does this check itself.
    public static func refuseSameFile(_ input: URL, _ output: URL) throws {
        if OutputPaths.sameFile(input, output) {
            throw OutputFileError(path: output.path, reason: .wouldOverwriteInput(input.path))
        }
    }
}
