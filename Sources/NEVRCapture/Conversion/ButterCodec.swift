import Foundation
import NEVRCore

/// `.butter` on the format seam: read only (Spark writes it; this toolkit converts from it).
public enum ButterCodec: CaptureCodec {
    /// Opens `url` for reading.
    public static func openReader(_ url: URL, options: CaptureReadOptions) throws -> any CaptureFrameReader {
        try ButterFrameReader(url: url)
    }

    /// Always throws: `.butter` is read only.
    public static func createWriter(_ url: URL, header: CaptureHeader?, options: CaptureWriteOptions) throws -> any CaptureFrameWriter {
        throw CaptureFormatError(path: url.path, reason: .notWritable(.butter))
    }

    /// Version byte 1–3, then a u16 keyframe interval and a compression byte 0–6.
    public static func sniff(_ prefix: [UInt8]) -> Bool {
        prefix.count >= 4 && (1...3).contains(prefix[0]) && prefix[3] <= 6
    }
}

/// Reads a `.butter` through the seam; a bad frame skips the rest of its chunk (reported).
public final class ButterFrameReader: CaptureFrameReader {
    /// The underlying `.butter` reader.
    public let reader: ButterReader
    private var extra = CaptureReadReport()
    private let fileSize: Int64

    /// Opens `url`; the read report starts with the loss note.
    public init(url: URL) throws {
        reader = try ButterReader(url: url)
        fileSize = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value ?? 0
        extra.notes.append(ButterReader.lossNote)
    }

    /// The format this reader or writer handles.
    public var format: CaptureFormat { .butter }
    /// The session id as capture id and the format version as metadata.
    public var header: CaptureHeader? { CaptureHeader(captureID: reader.sessionID, createdAt: nil, metadata: [.init(key: "source", value: "butter v\(reader.version)")]) }
    /// `.butter` stores no events (converters detect them).
    public var carriesEvents: Bool { false }
    /// What a position in the read report counts.
    public var positionUnit: String { "frame" }
    /// Not tracked (chunks are decompressed whole): 0.
    public var bytesRead: Int64 { 0 }
    /// The file's size in bytes, for progress.
    public var bytesTotal: Int64 { fileSize }
    /// What could not be read so far, plus notes on what was skipped or kept.
    public var report: CaptureReadReport { extra }

    /// The next record, or `nil` at the end (also after a truncation, which is in ``report``).
    public func next() throws -> CaptureRecord? {
        while true {
            do {
                guard let f = try reader.next() else { return nil }
                return CaptureRecord(frame: f, position: Int(f.index))
            } catch {
                guard error.isRecoverable else { throw error }
                extra.skip(error.frame, error.reasonDescription)
            }
        }
    }
}
