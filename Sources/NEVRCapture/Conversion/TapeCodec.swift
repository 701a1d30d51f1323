import Foundation
import NEVRCore

/// `.tape` on the format seam: ``TapeFrameReader`` (typed frames rebuilt by
/// ``TapeReconstruction``) and ``TapeFrameWriter`` (per-block container by default).
public enum TapeCodec: CaptureCodec {
    /// Opens `url` for reading.
    public static func openReader(_ url: URL, options: CaptureReadOptions) throws -> any CaptureFrameReader {
        try TapeFrameReader(url: url, options: options.tape)
    }

    /// Creates `url` for writing.
    public static func createWriter(_ url: URL, header: CaptureHeader?, options: CaptureWriteOptions) throws -> any CaptureFrameWriter {
        var tape = TapeWriter.Options()
        if let level = options.compressionLevel { tape.compressionLevel = min(max(level, 1), 19) }
        return TapeFrameWriter(url: url, header: header, options: tape, includeBones: options.includeBones)
    }

    /// A zstd frame, or an uncompressed envelope stream whose first record is a CaptureHeader
    /// (varint length, then `0A` = envelope field 1). A zstd file is claimed by `.nevrcap`
    /// first; standard input in `.tape` needs `--from tape`.
    public static func sniff(_ prefix: [UInt8]) -> Bool {
        guard prefix.count >= 3 else { return false }
        var i = 0
        while i < min(prefix.count, 5), prefix[i] & 0x80 != 0 { i += 1 }
        return i + 1 < prefix.count && prefix[i + 1] == 0x0A && prefix[0] != 0x7B
    }
}

/// Reads a `.tape` through the seam. Malformed records are skipped and reported by record;
/// truncation ends the records and is reported with the count of complete frames.
public final class TapeFrameReader: CaptureFrameReader {
    /// The underlying `.tape` session reader.
    public let reader: TapeSessionReader
    private var extra = CaptureReadReport()
    private let fileSize: Int64

    /// Opens `url` with `options` (budgets, dictionaries).
    public init(url: URL, options: TapeReader.Options = .init()) throws {
        reader = try TapeSessionReader(url: url, options: options)
        fileSize = Int64(reader.tape.fileSize)
    }

    /// The format this reader or writer handles.
    public var format: CaptureFormat { .tape }
    /// The capture header as the seam describes it (capture id, creation time, metadata).
    public var header: CaptureHeader? {
        let h = reader.tape.header
        return CaptureHeader(captureID: h.captureID, createdAt: h.createdAt, metadata: h.metadata.map { .init(key: $0.key, value: $0.value) })
    }
    /// `.tape` stores events: records carry them.
    public var carriesEvents: Bool { true }
    /// What a position in the read report counts.
    public var positionUnit: String { "record" }
    /// Bytes of the file consumed so far, for progress.
    public var bytesRead: Int64 { Int64(reader.tape.bytesRead) }
    /// The file's size in bytes, for progress.
    public var bytesTotal: Int64 { fileSize }

    /// What could not be read so far, plus notes on what was skipped or kept.
    public var report: CaptureReadReport {
        var r = extra
        let t = reader.tape
        if t.notes.unknownFields > 0 { r.notes.append("\(t.notes.unknownFields) unknown protobuf field(s) skipped") }
        if t.notes.unknownEvents > 0 { r.notes.append("\(t.notes.unknownEvents) event(s) of unknown kinds kept") }
        if t.notes.irregularValues > 0 { r.notes.append("\(t.notes.irregularValues) irregular value(s) skipped") }
        if t.outOfSequenceFrames > 0 { r.damage.append("\(t.outOfSequenceFrames) frame(s) out of the frame_index sequence") }
        if t.footer == nil && t.state == .clean { r.notes.append("no footer (an unfinished capture): every frame was read") }
        return r
    }

    /// Jumps through the seek table (per-block files; other containers read forward inside
    /// ``TapeSessionReader/seek(toFrame:)``), with the roster and scoreboard state of the target.
    public func seek(toFrame index: Int) throws -> Bool {
        try reader.seek(toFrame: UInt32(clamping: max(index, 0)))
        return true
    }

    /// The next record, or `nil` at the end (also after a truncation, which is in ``report``).
    public func next() throws -> CaptureRecord? {
        while true {
            do {
                switch try reader.step() {
                case .frame(let f): return CaptureRecord(frame: f, position: Int(f.index) + 1)
                case .end: return nil
                case .skipped(let e): extra.skip(e.recordIndex, e.reasonDescription)
                case .truncated(let e):
                    extra.truncation = e.reasonDescription
                    return nil
                }
            } catch {
                if case .footerMismatch = error.reason {
                    extra.damage.append(error.reasonDescription)
                    return nil
                }
                throw error
            }
        }
    }
}

/// Writes a `.tape` through the seam (needs typed frames; events come from the records, which
/// the generic conversion fills by detection when the input has none; the header comes from the first
/// frame's session, the capture id and metadata from `header` when given).
public final class TapeFrameWriter: CaptureFrameWriter {
    /// The underlying `.tape` session writer.
    public let writer: TapeSessionWriter
    private let includeBones: Bool
    /// Frames written with bones.
    public private(set) var framesWithBones = 0

    /// Creates `url`; `header` gives the capture id and metadata.
    public init(url: URL, header: CaptureHeader?, options: TapeWriter.Options = .init(), includeBones: Bool = true) {
        let metadata = (header?.metadata ?? []).map { TapeMapEntry(key: $0.key, value: $0.value) }
        writer = TapeSessionWriter(
            url: url, captureID: header?.captureID ?? UUIDString.make(),
            options: .init(tape: options, detectEvents: false, metadata: metadata + [TapeMapEntry(key: "format", value: "tape")]))
        self.includeBones = includeBones
    }

    /// The format this reader or writer handles.
    public var format: CaptureFormat { .tape }
    /// `.tape` stores events (the sparse tier and NEVR's detected events).
    public var storesEvents: Bool { true }
    /// `.tape` is written from typed frames.
    public var storesTypedFrames: Bool { true }
    /// Frames written so far.
    public var framesWritten: Int { writer.framesWritten }
    /// What `.tape` cannot hold of what it is given (tape.md §7).
    public var notes: [String] {
        ["tape does not hold last_throw, the engine's exact orientation vectors or Combat contested (tape.md §7)"]
    }

    /// Appends one record (its typed frame, parsed if needed).
    public func write(_ record: CaptureRecord) throws {
        var record = record
        var frame = try record.typedFrame(index: UInt32(truncatingIfNeeded: writer.framesWritten))
        if !includeBones { frame.bones = nil }
        if frame.bones != nil { framesWithBones += 1 }
        try writer.write(frame)
    }

    /// Writes the footer and seek table and closes the file.
    public func finish() throws { try writer.finish() }
}

enum UUIDString {
    static func make() -> String { UUID().uuidString }
}
