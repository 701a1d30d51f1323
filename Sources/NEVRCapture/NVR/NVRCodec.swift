import Foundation
import NEVRCore

/// `.nvr` on the format seam: ``NVRFrameReader`` and ``NVRFrameWriter`` over ``NVRReader`` and
/// ``NVRWriter``. Records carry the stored JSON bytes (byte for byte what was written) and
/// the stored events.
public enum NVRCodec: CaptureCodec {
    /// Opens `url` (no read options apply to `.nvr`) and loads its index, or scans the blocks of a
    /// file without one.
    /// - Throws: ``NVRError`` when the file cannot be opened, is not `.nvr` or has an unknown version.
    public static func openReader(_ url: URL, options: CaptureReadOptions) throws -> any CaptureFrameReader {
        try NVRFrameReader(url: url)
    }

    /// Creates (or truncates) `url` with `header` as `.nvr` metadata (`capture_id`, `created_at_ns`,
    /// then its pairs); ``CaptureWriteOptions/compressionLevel`` is clamped to 0-19 (0 stores streams
    /// uncompressed).
    /// - Throws: ``NVRError`` when the file cannot be created.
    public static func createWriter(_ url: URL, header: CaptureHeader?, options: CaptureWriteOptions) throws -> any CaptureFrameWriter {
        var o = NVRWriter.Options()
        if let level = options.compressionLevel { o.compressionLevel = min(max(level, 0), 19) }
        return try NVRFrameWriter(url: url, header: header, options: o, includeBones: options.includeBones)
    }

    /// The `.nvr` magic number `89 4E 56 52 0D 0A 1A 0A`.
    public static func sniff(_ prefix: [UInt8]) -> Bool {
        prefix.count >= 8 && Array(prefix[0..<8]) == NVRFileLayout.magic
    }

    /// Header metadata of the seam as `.nvr` metadata pairs (`capture_id`, `created_at` in
    /// nanoseconds, then the header's own pairs) and back.
    static func metadata(_ header: CaptureHeader?) -> [NVRMetadataEntry] {
        guard let header else { return [] }
        var list = [NVRMetadataEntry(key: "capture_id", value: header.captureID)]
        if let created = header.createdAt { list.append(.init(key: "created_at_ns", value: String(created.nanosecondsSinceEpoch))) }
        for m in header.metadata { list.append(.init(key: m.key, value: m.value)) }
        return list
    }

    static func header(_ metadata: [NVRMetadataEntry]) -> CaptureHeader? {
        guard !metadata.isEmpty else { return nil }
        var id = ""
        var created: Timestamp?
        var rest: [NevrcapHeader.Entry] = []
        for m in metadata {
            switch m.key {
            case "capture_id": id = m.value
            case "created_at_ns": created = Int64(m.value).map { Timestamp(nanosecondsSinceEpoch: $0) }
            default: rest.append(.init(key: m.key, value: m.value))
            }
        }
        return NevrcapHeader(captureID: id, createdAt: created, metadata: rest)
    }
}

/// Reads an `.nvr` through the seam. A file without its index is read from the start and
/// reported as cut; damaged blocks are skipped and reported.
public final class NVRFrameReader: CaptureFrameReader {
    /// The underlying reader (blocks, index, seeking, projection).
    public let reader: NVRReader

    /// Opens `url` and loads its index, or scans the blocks of a file without one.
    /// - Throws: ``NVRError`` when the file cannot be opened, is not `.nvr` or has an unknown version.
    public init(url: URL) throws {
        reader = try NVRReader(url: url)
    }

    /// Always ``CaptureFormat/nvr``.
    public var format: CaptureFormat { .nvr }
    /// The file's metadata as a header (`capture_id`, `created_at_ns` and the other pairs); `nil`
    /// when the file has no metadata.
    public var header: CaptureHeader? { NVRCodec.header(reader.metadata) }
    /// Always true: blocks store events with the frames.
    public var carriesEvents: Bool { true }
    /// `"frame"`: positions are frame indices from 0.
    public var positionUnit: String { "frame" }
    /// Bytes of the file up to the block being read, for progress.
    public var bytesRead: Int64 { Int64(reader.bytesConsumed) }
    /// The file's size in bytes, for progress.
    public var bytesTotal: Int64 { Int64(reader.fileSize) }

    /// Where a file without its index ends (``CaptureReadReport/truncation``) and every damaged block
    /// skipped, one line each.
    public var report: CaptureReadReport {
        var r = CaptureReadReport()
        if let cut = reader.cut { r.truncation = cut }
        for d in reader.damagedBlocks { r.damage.append(d.description) }
        return r
    }

    /// Jumps through the block index (one block decoded on the next ``next()``).
    public func seek(toFrame index: Int) throws -> Bool {
        try reader.seek(frame: index)
        return true
    }

    /// The next frame's stored JSON bytes (byte for byte what was written) and events, or `nil` at
    /// the end; damaged blocks are skipped into ``report``.
    /// - Throws: ``NVRError`` when the file cannot be read.
    public func next() throws -> CaptureRecord? {
        guard let rec = try reader.nextRecord() else { return nil }
        return CaptureRecord(timestamp: rec.timestamp, sessionJSON: rec.session, bonesJSON: rec.bones, events: rec.events, position: rec.frameIndex)
    }
}

/// Writes an `.nvr` through the seam: takes JSON bytes when the record has them (stored
/// byte for byte), otherwise spells the typed frame as the game does.
public final class NVRFrameWriter: CaptureFrameWriter {
    /// The underlying writer.
    public let writer: NVRWriter
    private let includeBones: Bool
    /// Frames written with a `/player_bones` body.
    public private(set) var framesWithBones = 0
    private var json: [UInt8] = []
    private var bones: [UInt8] = []

    /// Creates (or truncates) `url` with `header` as metadata; `includeBones` false drops every
    /// frame's bones.
    /// - Throws: ``NVRError`` when the file cannot be created.
    public init(url: URL, header: CaptureHeader?, options: NVRWriter.Options = .init(), includeBones: Bool = true) throws {
        writer = try NVRWriter(url: url, metadata: NVRCodec.metadata(header), options: options)
        self.includeBones = includeBones
    }

    /// Always ``CaptureFormat/nvr``.
    public var format: CaptureFormat { .nvr }
    /// Always true: blocks store the records' events.
    public var storesEvents: Bool { true }
    /// Always false: `.nvr` stores JSON text, so the converter hands over JSON bytes where it has them.
    public var storesTypedFrames: Bool { false }
    /// Frames written so far.
    public var framesWritten: Int { writer.framesWritten }
    /// Always empty: `.nvr` holds the JSON, bones, timestamp and events of every record.
    public var notes: [String] { [] }

    /// Appends the record's JSON (its recorded bytes, or the typed frame spelled as the game does),
    /// its bones when kept, and its events.
    /// - Throws: ``NVRError`` when a block cannot be written.
    public func write(_ record: CaptureRecord) throws {
        json.removeAll(keepingCapacity: true)
        record.renderSessionJSON(into: &json)
        var b: [UInt8]? = nil
        if includeBones {
            bones.removeAll(keepingCapacity: true)
            if record.renderBonesJSON(into: &bones) { b = bones }
        }
        if b != nil { framesWithBones += 1 }
        try writer.write(session: json, bones: b, timestamp: record.timestamp, events: record.events)
    }

    /// Writes the open block, the index and the trailer, and closes the file.
    /// - Throws: ``NVRError`` when writing fails.
    public func finish() throws { try writer.finish() }
}
