import Foundation
import NEVRCore

/// `.echoreplay` on the format seam: ``EchoReplayFrameReader`` and ``EchoReplayFrameWriter``.
public enum EchoReplayCodec: CaptureCodec {
    /// Opens `url` (zipped or plain text) with ``CaptureReadOptions/echoReplay``.
    /// - Throws: ``EchoReplayError`` when the file cannot be opened or is a ZIP without a recording entry.
    public static func openReader(_ url: URL, options: CaptureReadOptions) throws -> any CaptureFrameReader {
        try EchoReplayFrameReader(url: url, options: options.echoReplay)
    }

    /// Creates (or truncates) `url`; ``CaptureWriteOptions/compressionLevel`` is clamped to zlib's 0-9,
    /// ``CaptureWriteOptions/includeBones`` false turns bones off, and the header is dropped (the
    /// format has no place for it; the writer's ``EchoReplayFrameWriter/notes`` say so).
    /// - Throws: ``EchoReplayError`` when the file cannot be created.
    public static func createWriter(_ url: URL, header: CaptureHeader?, options: CaptureWriteOptions) throws -> any CaptureFrameWriter {
        var writerOptions = options.echoReplay
        if let level = options.compressionLevel { writerOptions.compressionLevel = min(max(level, 0), 9) }
        if !options.includeBones { writerOptions.includeBones = false }
        return try EchoReplayFrameWriter(url: url, header: header, options: writerOptions, entryName: options.entryName)
    }

    /// A ZIP archive (`PK\u{3}\u{4}`), or a text line that starts with an `.echoreplay`
    /// timestamp and a TAB (a UTF-8 BOM allowed): a notes file named `.txt` is not a recording.
    public static func sniff(_ prefix: [UInt8]) -> Bool {
        var bytes = prefix[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return true }
        let n = EchoReplayTimestamp.length
        guard bytes.count > n, bytes[bytes.startIndex + n] == 0x09 else { return false }
        let stamp = Array(bytes.prefix(n))
        return stamp.withUnsafeBytes { EchoReplayTimestamp.parse($0) != nil }
    }
}

/// Reads an `.echoreplay` through the seam: each line becomes a ``CaptureRecord`` holding the
/// recorded JSON bytes (never parsed here).
///
/// The bytes are copied out of the reader's buffer into arrays this reader reuses when the
/// previous record was already released, so a copy loop allocates nothing per frame.
public final class EchoReplayFrameReader: CaptureFrameReader {
    /// The underlying reader (zip details, line counts).
    public let reader: EchoReplayReader
    private var session: [UInt8] = []
    private var bones: [UInt8] = []

    /// Opens `url` for reading with `options` (line and inflate limits, chunk size).
    /// - Throws: ``EchoReplayError`` when the file cannot be opened or holds no recording entry.
    public init(url: URL, options: EchoReplayReader.Options = .init()) throws {
        reader = try EchoReplayReader(url: url, options: options)
    }

    /// Always ``CaptureFormat/echoReplay``.
    public var format: CaptureFormat { .echoReplay }
    /// Always `nil`: an `.echoreplay` has no header.
    public var header: CaptureHeader? { nil }
    /// Always false: the format stores no events (a converter detects them).
    public var carriesEvents: Bool { false }
    /// `"line"`: skipped positions are 1-based line numbers of the text.
    public var positionUnit: String { "line" }
    /// Bytes of the file consumed so far (compressed bytes of a zipped file), for progress.
    public var bytesRead: Int64 { reader.fileBytesConsumed }
    /// The file's size in bytes, for progress.
    public var bytesTotal: Int64 { reader.fileSize }

    /// Skipped lines with their reasons, and a truncation note when a zipped file has no central
    /// directory (an unfinished recording, read up to its last complete line).
    public var report: CaptureReadReport {
        var report = CaptureReadReport()
        report.skippedCount = reader.skippedCount
        report.skipped = reader.skipped
        if reader.isRecoveredFromTruncation {
            report.truncation = "the archive is unfinished (no central directory); every complete line was read"
        }
        return report
    }

    /// The next line as a record of its timestamp and JSON bytes (not parsed), or `nil` at the end.
    /// Bad lines are skipped and counted in ``report``.
    /// - Throws: ``EchoReplayError`` when reading cannot go on: the file cannot be read, the
    ///   archive or its compressed data is damaged, the entry inflates past
    ///   ``EchoReplayReader/Options/maxInflatedBytes``, or (at the end) no line was a frame.
    public func next() throws -> CaptureRecord? {
        try reader.nextView { view -> CaptureRecord in
            session.removeAll(keepingCapacity: true)
            session.append(contentsOf: view.session)
            var bonesColumn: [UInt8]?
            if let b = view.bones {
                bones.removeAll(keepingCapacity: true)
                bones.append(contentsOf: b)
                bonesColumn = bones
            }
            return CaptureRecord(timestamp: view.timestamp, sessionJSON: session, bonesJSON: bonesColumn, position: view.lineNumber)
        }
    }
}

/// Writes an `.echoreplay` through the seam: recorded JSON is copied byte for byte, typed
/// frames are spelled as the game spells them. Events, frame indices and the header have no
/// place in the format; what was dropped is listed in ``notes``.
public final class EchoReplayFrameWriter: CaptureFrameWriter {
    /// The underlying writer.
    public let writer: EchoReplayWriter
    private let hadHeader: Bool
    private var typedFrames = 0
    private var eventsDropped = 0
    private var restoredKeys = false
    private var session: [UInt8] = []
    private var bones: [UInt8] = []

    /// Creates (or truncates) `url`. `header` only decides whether ``notes`` mention a dropped
    /// header; `entryName` names the ZIP entry (default: the file's name).
    /// - Throws: ``EchoReplayError`` when the file cannot be created.
    public init(url: URL, header: CaptureHeader?, options: EchoReplayWriter.Options = .init(), entryName: String? = nil) throws {
        writer = try EchoReplayWriter(url: url, entryName: entryName, options: options)
        hadHeader = header != nil
        session.reserveCapacity(32 << 10)
    }

    /// Always ``CaptureFormat/echoReplay``.
    public var format: CaptureFormat { .echoReplay }
    /// Always false: events have no place in the format.
    public var storesEvents: Bool { false }
    /// Always false: the writer wants JSON bytes and renders typed frames itself.
    public var storesTypedFrames: Bool { false }
    /// Lines written so far.
    public var framesWritten: Int { writer.framesWritten }
    /// Lines written with a bones column.
    public var framesWithBones: Int { writer.framesWithBones }

    /// Appends one line: the record's JSON bytes unchanged when it has them (unless only its
    /// typed frame holds bones; then the line is rendered from the record), otherwise the typed
    /// frame spelled as the game spells it. Its events are counted as dropped.
    /// - Throws: ``EchoReplayError`` when the JSON holds a raw line break or tab, the timestamp's
    /// year is outside 0...9999, or writing fails.
    public func write(_ record: CaptureRecord) throws {
        eventsDropped += record.events.count
        if record.sessionJSON == nil, record.frame != nil {
            typedFrames += 1
            if record.omitsZeroValues { restoredKeys = true }
        }
        if let json = record.sessionJSON, record.bonesJSON != nil || record.frame?.bones == nil {
            // The recorded bytes, untouched.
            try json.withUnsafeBytes { s in
                if let b = record.bonesJSON {
                    try b.withUnsafeBytes { b in try writer.append(timestamp: record.timestamp, session: s, bones: b) }
                } else {
                    try writer.append(timestamp: record.timestamp, session: s, bones: nil)
                }
            }
            return
        }
        session.removeAll(keepingCapacity: true)
        record.renderSessionJSON(into: &session)
        bones.removeAll(keepingCapacity: true)
        let hasBones = writer.options.includeBones && record.renderBonesJSON(into: &bones)
        try session.withUnsafeBytes { s in
            if hasBones {
                try bones.withUnsafeBytes { b in try writer.append(timestamp: record.timestamp, session: s, bones: b) }
            } else {
                try writer.append(timestamp: record.timestamp, session: s, bones: nil)
            }
        }
    }

    /// Writes what is pending and, when zipped, the ZIP entry's sizes and the central directory.
    /// - Throws: ``EchoReplayError`` when writing fails.
    public func finish() throws { try writer.close() }

    /// What the format could not hold: the header, frame indices and events (with their count),
    /// and whether zero values omitted by a proto3 source were restored.
    public var notes: [String] {
        var notes: [String] = []
        if typedFrames > 0 || eventsDropped > 0 {
            notes.append("dropped: \(hadHeader ? "header, " : "")frame indices and \(eventsDropped) event(s): .echoreplay cannot hold them")
        }
        if restoredKeys { notes.append("keys proto3 omitted (zero values) were restored for each frame's era") }
        return notes
    }
}
