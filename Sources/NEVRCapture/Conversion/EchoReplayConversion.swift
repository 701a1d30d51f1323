import Foundation
import NEVRCore

/// How far a conversion has come, for progress displays.
public struct ConversionProgress: Sendable {
    /// Frames written to the output so far.
    public var framesWritten: Int
    /// Input bytes consumed (compressed bytes for a zipped input).
    public var inputBytesRead: Int64
    /// Size of the input in bytes (0 when unknown; ``fraction`` is then 0).
    public var inputBytesTotal: Int64

    /// 0...1 by input bytes.
    public var fraction: Double {
        inputBytesTotal > 0 ? min(1, Double(inputBytesRead) / Double(inputBytesTotal)) : 0
    }
}

/// What a finished conversion did.
public struct ConversionSummary: Sendable {
    /// Frames written to the output.
    public var framesWritten: Int
    /// Of those, frames written with bones.
    public var framesWithBones: Int
    /// Input lines rejected by the reader (see ``skipped`` for the first few).
    public var skippedCount: Int
    /// The first rejected lines or records with their position and reason.
    public var skipped: [SkippedLine]
    /// Wall-clock seconds the conversion took.
    public var elapsedSeconds: Double
    /// Events written (`.echoreplay -> .nevrcap` with event detection).
    public var eventsWritten: Int = 0
    /// What the output format could not hold or what went wrong short of failing, one line each
    /// (for example "events and header dropped: .echoreplay cannot hold them").
    public var notes: [String] = []
    /// The input ended early (a crashed capture); everything before the cut was converted.
    public var inputTruncated: Bool = false
    /// Damaged regions of the input the reader passed over (frames in them are lost).
    public var damage: [String] = []
    /// True when the output format stores events (then ``eventsWritten`` is meaningful).
    public var outputStoresEvents: Bool = false
    /// What a position in ``skipped`` counts: `"line"` or `"record"`.
    public var positionUnit: String = "line"

    /// True when something of the input could not be converted: lines or records skipped,
    /// the input cut off, or damaged regions passed over (the CLI's "damaged input" exit status).
    public var inputDamaged: Bool { skippedCount > 0 || inputTruncated || !damage.isEmpty }
}

/// Converts between capture files. Commands stay thin: the logic lives here.
public enum CaptureConversion {
    /// Copies an `.echoreplay` into another (zipped <-> plain, bones kept or dropped),
    /// streaming: every frame's timestamp and JSON bytes are copied exactly. The same as
    /// ``convert(from:format:to:format:options:progress:)`` with both formats `.echoreplay`.
    ///
    /// If the conversion fails, the partial output is removed so no short file is mistaken
    /// for a complete one.
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
        var conversion = ConversionOptions()
        conversion.read.echoReplay = readerOptions
        conversion.write.echoReplay = options
        return try convert(from: input, format: .echoReplay, to: output, format: .echoReplay, options: conversion, progress: progress)
    }

    /// Throws when `output` is `input` (same path, symlink or hard link): writing would destroy
    /// the input. ``AtomicOutputFile`` does this check itself.
    public static func refuseSameFile(_ input: URL, _ output: URL) throws {
        if OutputPaths.sameFile(input, output) {
            throw OutputFileError(path: output.path, reason: .wouldOverwriteInput(input.path))
        }
    }
}
