import NEVRCore

/// Why a `.nevrcap` file could not be read or written. Every reading error names the
/// record (0 is the header when there is one) and the byte offset of that record in the
/// decompressed stream, plus how many frames were read before it.
public struct NevrcapError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, without the location.
    public enum Reason: Hashable, Sendable {
        /// Opening, reading or writing the file failed.
        case io(String)
        /// libzstd rejected the compressed bytes (bad magic, checksum mismatch, corrupt block).
        case zstd(String)
        /// The data ends inside a record's length varint, inside a record, or inside a zstd frame.
        case truncated(where: String)
        /// A record length above the cap (a corrupt varint cannot cause a huge allocation).
        case recordTooLong(length: UInt64, limit: Int)
        /// A record length varint longer than 10 bytes.
        case badLength
        /// The record's protobuf bytes are malformed; the reader continues with the next record.
        case malformedRecord(ProtoDecodeError)
        /// Writing: the frame holds a value the format cannot store; nothing was written for it
        /// and the writer can go on with the next frame.
        case unrepresentable(NevrcapRangeError)
        /// Reading stopped at a configured budget (records per file, inflation ratio, ...).
        case budgetExceeded(String)
        /// A damaged region of compressed data was skipped; reading goes on at the next zstd frame.
        case damaged(String)
    }

    /// What went wrong.
    public var reason: Reason
    /// The file (or the label given for in-memory data).
    public var file: String
    /// Index of the record (header included) the problem is in.
    public var recordIndex: Int
    /// Offset of that record's first byte in the decompressed stream.
    public var byteOffset: Int
    /// Frames read successfully before this error.
    public var framesRecovered: Int

    /// An error about `file` at a record and decompressed byte offset.
    public init(reason: Reason, file: String, recordIndex: Int = 0, byteOffset: Int = 0, framesRecovered: Int = 0) {
        self.reason = reason
        self.file = file
        self.recordIndex = recordIndex
        self.byteOffset = byteOffset
        self.framesRecovered = framesRecovered
    }

    /// True when the stream was cut short (everything before it was read).
    public var isTruncation: Bool {
        if case .truncated = reason { return true }
        return false
    }

    /// True when only one record was bad and reading can go on with the next one.
    public var isRecoverable: Bool {
        switch reason {
        case .malformedRecord, .damaged: return true
        default: return false
        }
    }

    /// True when a damaged region of compressed data was skipped (the file is damaged, reading goes on).
    public var isDamage: Bool {
        if case .damaged = reason { return true }
        return false
    }

    /// True when ``NevrcapWriter/write(_:)`` refused one frame (nothing written; the file is intact).
    public var isUnrepresentableFrame: Bool {
        if case .unrepresentable = reason { return true }
        return false
    }

    /// `file: reason`, as the CLI prints it.
    public var description: String { "\(file): \(reasonDescription)" }

    /// The reason without the file name.
    public var reasonDescription: String {
        let at = "record \(recordIndex) at decompressed byte \(byteOffset)"
        switch reason {
        case .io(let text): return text
        case .zstd(let text):
            return "zstd error in \(at): \(text) (\(framesRecovered) complete frames before it)"
        case .truncated(let place):
            return "truncated \(place) in \(at); \(framesRecovered) complete frames recovered"
        case .recordTooLong(let length, let limit):
            return "\(at) claims \(length) bytes, more than the \(limit)-byte limit"
        case .badLength:
            return "\(at) has a length varint longer than 10 bytes"
        case .malformedRecord(let e):
            return "\(at) is malformed: \(e) (skipped)"
        case .unrepresentable(let e):
            return "frame not written: \(e)"
        case .damaged(let text):
            return "damaged data in \(at): \(text) (\(framesRecovered) complete frames before it)"
        case .budgetExceeded(let text):
            return "reading stopped in \(at): \(text) (\(framesRecovered) complete frames before it)"
        }
    }
}

extension NevrcapError: CaptureFileError {
    /// The file the error is about (``file``).
    public var path: String { file }
}
