import Foundation
import NEVRCore

/// `.nevrcap` on the format seam: ``NevrcapFrameReader`` and ``NevrcapFrameWriter``.
public enum NevrcapCodec: CaptureCodec {
    /// Opens `url` with ``CaptureReadOptions/nevrcap`` and reads its header record (when there is one).
    /// - Throws: ``NevrcapError`` when the file cannot be opened or its start cannot be decompressed.
    public static func openReader(_ url: URL, options: CaptureReadOptions) throws -> any CaptureFrameReader {
        try NevrcapFrameReader(url: url, options: options.nevrcap)
    }

    /// Creates (or truncates) `url` and writes `header` as record 0; ``CaptureWriteOptions/compressionLevel``
    /// is clamped to zstd's 1-19.
    /// - Throws: ``NevrcapError`` when the file cannot be created.
    public static func createWriter(_ url: URL, header: CaptureHeader?, options: CaptureWriteOptions) throws -> any CaptureFrameWriter {
        var writerOptions = options.nevrcap
        if let level = options.compressionLevel { writerOptions.compressionLevel = min(max(level, 1), 19) }
        return try NevrcapFrameWriter(url: url, header: header, options: writerOptions, includeBones: options.includeBones)
    }

    /// A zstd frame (magic `28 B5 2F FD`) or a zstd skippable frame (`5? 2A 4D 18`).
    public static func sniff(_ prefix: [UInt8]) -> Bool {
        guard prefix.count >= 4 else { return false }
        if prefix[0] == 0x28, prefix[1] == 0xB5, prefix[2] == 0x2F, prefix[3] == 0xFD { return true }
        return prefix[0] & 0xF0 == 0x50 && prefix[1] == 0x2A && prefix[2] == 0x4D && prefix[3] == 0x18
    }
}

/// Reads a `.nevrcap` through the seam: each frame becomes a ``CaptureRecord`` holding the
/// typed ``Frame`` and its stored events (no JSON is spelled here). Malformed records are
/// skipped and reported by record index; a truncated file ends the records and is reported.
public final class NevrcapFrameReader: CaptureFrameReader {
    /// The underlying reader (header, decode notes).
    public let reader: NevrcapReader
    private var skippedRecords = CaptureReadReport()
    private let fileSize: Int64

    /// Opens `url` with `options` (decompression limits) and reads the header record.
    /// - Throws: ``NevrcapError`` when the file cannot be opened or its start cannot be decompressed.
    public init(url: URL, options: NevrcapReader.Options = .init()) throws {
        reader = try NevrcapReader(url: url, options: options)
        fileSize = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// Always ``CaptureFormat/nevrcap``.
    public var format: CaptureFormat { .nevrcap }
    /// Record 0 of the file; `nil` for a header-less file.
    public var header: CaptureHeader? { reader.header }
    /// Always true: frames carry their stored events.
    public var carriesEvents: Bool { true }
    /// `"record"`: skipped positions are record indices (the header is record 0).
    public var positionUnit: String { "record" }
    /// Compressed bytes taken from the file so far, for progress.
    public var bytesRead: Int64 { reader.compressedBytesRead }
    /// The file's size in bytes when it opened (0 when it could not be read), for progress.
    public var bytesTotal: Int64 { fileSize }

    /// Skipped records and truncation, damaged compressed regions passed over, and notes: a missing
    /// header, unknown fields skipped, irregular values, events of unknown kinds, empty records and
    /// headers of appended captures.
    public var report: CaptureReadReport {
        var report = skippedRecords
        if reader.header == nil { report.notes.append("input has no header record") }
        if reader.notes.unknownFields > 0 { report.notes.append("\(reader.notes.unknownFields) unknown protobuf field(s) skipped") }
        if reader.notes.irregularValues > 0 {
            report.notes.append("\(reader.notes.irregularValues) irregular value(s) skipped (vectors without 3 values, odd possession lists)")
        }
        if reader.notes.unknownEvents > 0 { report.notes.append("\(reader.notes.unknownEvents) event(s) of unknown kinds kept") }
        if reader.emptyRecordsSkipped > 0 {
            report.notes.append("\(reader.emptyRecordsSkipped) zero-length record(s) skipped (not frames)")
        }
        if reader.headersSkipped > 0 {
            report.notes.append("\(reader.headersSkipped) further header record(s) skipped (captures appended to each other)")
        }
        if reader.damagedRegions > 0 {
            report.damage.append(
                "\(reader.damagedRegions) damaged region(s) of compressed data skipped (\(reader.damagedBytesSkipped) bytes); every intact frame around them was kept")
        }
        return report
    }

    /// The next frame as a typed record with its stored events, or `nil` at the end (also after a
    /// truncation). The record's ``CaptureRecord/omitsZeroValues`` is set when the frame carries no
    /// key presence and the header does not name this toolkit (proto3 writers drop zeros).
    /// - Throws: ``NevrcapError`` only when reading cannot go on (I/O, zstd corruption, a record
    /// over the length cap); malformed records are skipped into ``report``.
    public func next() throws -> CaptureRecord? {
        while true {
            switch try reader.step() {
            case .frame(let frame):
                // Per frame: sessions without `key_presence` (other tools' proto3 writers) get the
                // keys that proto3 dropped put back when spelled as JSON.
                let restore = CaptureConversion.needsKeyRestore(header: reader.header, notes: reader.notes)
                return CaptureRecord(frame: frame, position: Int(frame.index), omitsZeroValues: restore)
            case .end:
                return nil
            case .skipped(let e):
                skippedRecords.skip(e.recordIndex, e.reasonDescription)
            case .truncated(let e):
                skippedRecords.truncation = e.reasonDescription
                return nil
            }
        }
    }
}

/// Writes a `.nevrcap` through the seam: needs typed frames (a converter parses JSON
/// records first); the header is record 0.
public final class NevrcapFrameWriter: CaptureFrameWriter {
    /// The underlying writer.
    public let writer: NevrcapWriter
    private let includeBones: Bool
    /// Frames written with bones (none when the writer was created with `includeBones` false).
    public private(set) var framesWithBones = 0

    /// Creates (or truncates) `url` and writes `header` as record 0 (`nil`: no header record);
    /// `includeBones` false drops every frame's bones.
    /// - Throws: ``NevrcapError`` when the file cannot be created or the header written.
    public init(url: URL, header: CaptureHeader?, options: NevrcapWriter.Options = .init(), includeBones: Bool = true) throws {
        writer = try NevrcapWriter(url: url, header: header, options: options)
        self.includeBones = includeBones
    }

    /// Always ``CaptureFormat/nevrcap``.
    public var format: CaptureFormat { .nevrcap }
    /// Always true: each frame record holds its events.
    public var storesEvents: Bool { true }
    /// Always true: records are protobuf frames, so the converter hands over typed frames.
    public var storesTypedFrames: Bool { true }
    /// Frame records written so far (the header not counted).
    public var framesWritten: Int { writer.framesWritten }
    /// Always empty: `.nevrcap` holds everything a record carries.
    public var notes: [String] { [] }

    /// Appends the record as a frame, parsing its JSON first when it has no typed frame; the frame
    /// index is the count written so far.
    /// - Throws: ``GameJSONError`` when the JSON is not a game frame, ``NevrcapError`` when a value
    /// cannot be stored (reason `.unrepresentable`; nothing written, the file stays valid) or
    /// writing fails.
    public func write(_ record: CaptureRecord) throws {
        var record = record
        var frame = try record.typedFrame(index: UInt32(truncatingIfNeeded: writer.framesWritten))
        if !includeBones { frame.bones = nil }
        if frame.bones != nil { framesWithBones += 1 }
        try writer.write(frame)
    }

    /// Ends the last zstd frame, flushes and closes the file; calling it again does nothing.
    /// - Throws: ``NevrcapError`` when writing fails.
    public func finish() throws { try writer.close() }
}
