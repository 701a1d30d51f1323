import Foundation
import NEVRCapture
import NEVRCore

/// One archived match converted on the fly into a capture format, through the capture layer's
/// generic conversion (``CaptureConversion/convert(_:into:options:progress:)``): the frames of
/// the match's capture file that fall in its time span, written to a temporary file the API
/// then streams (memory stays flat however long the match).
///
/// A capture holding several matches gives each match only its own frames (by time span,
/// first to last frame of the match, inclusive).
struct MatchDownload {
    /// The capture file the archive names for the match.
    let capture: URL
    /// The match's first and last frame, in milliseconds since 1970.
    let window: ClosedRange<Int64>
    /// The format to write.
    let format: CaptureFormat

    /// Converts into a new file in `folder` and returns it with the number of frames written.
    /// Runs on a Dispatch thread: conversion is blocking file I/O and compression.
    func write(into folder: URL) async throws -> (file: URL, frames: Int) {
        let output = folder.appendingPathComponent("\(UUID().uuidString).\(format.preferredExtension)")
        let capture = self.capture, window = self.window, format = self.format
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let inputFormat = try CaptureFormat(url: capture)
                    let source = try inputFormat.open(capture)
                    var header = source.header
                    if inputFormat != format {
                        header = CaptureConversion.convertedHeader(for: capture, source: inputFormat.rawValue)
                    }
                    var options = CaptureWriteOptions()
                    options.entryName = capture.deletingPathExtension().lastPathComponent + "." + format.preferredExtension
                    let writer: any CaptureFrameWriter
                    do {
                        writer = try format.create(output, header: header, options: options)
                    } catch let error as CaptureFormatError {
                        switch error.reason {
                        case .notWritable, .notSupportedYet:
                            throw ArchiveAPIError.badRequest("format \(format.rawValue) cannot be written (it is read-only in this build)")
                        default: throw error
                        }
                    }
                    let summary = try CaptureConversion.convert(TimeWindowReader(source, window: window), into: writer)
                    continuation.resume(returning: (file: output, frames: summary.framesWritten))
                } catch {
                    try? FileManager.default.removeItem(at: output)
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

/// Passes on only the records whose timestamp is in `window`; everything else of the reader
/// (format, header, report, progress) is the wrapped reader's.
final class TimeWindowReader: CaptureFrameReader {
    private let base: any CaptureFrameReader
    private let window: ClosedRange<Int64>

    init(_ base: any CaptureFrameReader, window: ClosedRange<Int64>) {
        self.base = base
        self.window = window
    }

    var format: CaptureFormat { base.format }
    var header: CaptureHeader? { base.header }
    var carriesEvents: Bool { base.carriesEvents }
    var positionUnit: String { base.positionUnit }
    var report: CaptureReadReport { base.report }
    var bytesRead: Int64 { base.bytesRead }
    var bytesTotal: Int64 { base.bytesTotal }

    func next() throws -> CaptureRecord? {
        while let record = try base.next() {
            if window.contains(record.timestamp.milliseconds) { return record }
        }
        return nil
    }
}
