import Foundation
import NEVRCore

/// `.nvr` on the format seam: ``NVRFrameReader`` and ``NVRFrameWriter`` over ``NVRReader`` and
/// ``NVRWriter``. Records carry the stored JSON bytes (byte for byte what was written) and
/// the stored events.
public enum NVRCodec: CaptureCodec {
    public static func openReader(_ url: URL, options: CaptureReadOptions) throws -> any CaptureFrameReader {
        try NVRFrameReader(url: url)
    }

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

    public init(url: URL) throws {
        reader = try NVRReader(url: url)
    }

    public var format: CaptureFormat { .nvr }
    public var header: CaptureHeader? { NVRCodec.header(reader.metadata) }
    public var carriesEvents: Bool { true }
    public var positionUnit: String { "frame" }
    public var bytesRead: Int64 { Int64(reader.bytesConsumed) }
    public var bytesTotal: Int64 { Int64(reader.fileSize) }

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
    public private(set) var framesWithBones = 0
    private var json: [UInt8] = []
    private var bones: [UInt8] = []

    public init(url: URL, header: CaptureHeader?, options: NVRWriter.Options = .init(), includeBones: Bool = true) throws {
        writer = try NVRWriter(url: url, metadata: NVRCodec.metadata(header), options: options)
        self.includeBones = includeBones
    }

    public var format: CaptureFormat { .nvr }
    public var storesEvents: Bool { true }
    public var storesTypedFrames: Bool { false }
    public var framesWritten: Int { writer.framesWritten }
    public var notes: [String] { [] }

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

    public func finish() throws { try writer.finish() }
}
