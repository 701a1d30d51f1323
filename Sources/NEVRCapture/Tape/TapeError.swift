/// Why a `.tape` file could not be read or written. Reading errors name the record (0 is the
/// header), its offset in the decompressed stream and the frames read before it.
public struct TapeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Reason: Hashable, Sendable {
        /// Opening, reading or writing the file failed.
        case io(String)
        /// libzstd rejected the compressed bytes (corrupt block, checksum mismatch, ...).
        case zstd(String)
        /// A zstd frame was compressed with a trained dictionary that was not supplied.
        case needsDictionary(UInt32)
        /// `format_version` other than 0 or 2.
        case unsupportedVersion(UInt32)
        /// The 2026-02 pre-release flat layout (CaptureHeader field 3 is a string): not readable.
        case preReleaseLayout
        /// The first record is not a `CaptureHeader`.
        case missingHeader
        /// The data ends inside a record's length varint, a record or a zstd frame.
        case truncated(where: String)
        /// A record length above the cap.
        case messageTooLarge(length: UInt64, limit: Int)
        /// A record length varint longer than 10 bytes.
        case badLength
        /// One record's protobuf is malformed; the reader continues with the next record.
        case malformedRecord(ProtoDecodeError)
        /// The footer's `frame_count` differs from the frames read.
        case footerMismatch(footer: UInt32, read: Int)
        /// Bytes follow the footer in the decompressed stream.
        case trailingData
        /// A decoding budget (decoded bytes, frame count) was exceeded.
        case budgetExceeded(String)
        /// The zstd seekable-format seek table is inconsistent with the file.
        case corruptSeekTable(String)
        /// Seeking needs a per-block file with a seek table and a footer.
        case notSeekable(String)
        /// The writer was given something tape's format does not allow.
        case invalidInput(String)
    }

    /// Why it failed.
    public var reason: Reason
    /// The file (or the label given for in-memory data).
    public var file: String
    /// Index of the record (header = 0) the problem is in.
    public var recordIndex: Int
    /// Offset of that record in the decompressed stream.
    public var byteOffset: Int
    /// Frames read successfully before this error.
    public var framesRecovered: Int

    /// An error about `file` at record `recordIndex`.
    public init(reason: Reason, file: String, recordIndex: Int = 0, byteOffset: Int = 0, framesRecovered: Int = 0) {
        self.reason = reason
        self.file = file
        self.recordIndex = recordIndex
        self.byteOffset = byteOffset
        self.framesRecovered = framesRecovered
    }

    /// True when the stream was cut short (every complete frame before it was returned).
    public var isTruncation: Bool {
        if case .truncated = reason { return true }
        return false
    }

    /// True when only one record was bad and reading can go on.
    public var isRecoverable: Bool {
        if case .malformedRecord = reason { return true }
        return false
    }

    /// The error as `file: reason`.
    public var description: String { "\(file): \(reasonDescription)" }

    /// The reason without the file name.
    public var reasonDescription: String {
        let at = "record \(recordIndex) (frame \(max(recordIndex - 1, 0))) at decompressed byte \(byteOffset)"
        switch reason {
        case .io(let text): return text
        case .zstd(let text): return "zstd error in \(at): \(text) (\(framesRecovered) complete frames before it)"
        case .needsDictionary(let id): return "needs zstd dictionary \(id) (not stored in the file; pass it with --dictionary)"
        case .unsupportedVersion(let v): return "format_version \(v) is not supported (only 0 and 2 are)"
        case .preReleaseLayout: return "pre-release flat telemetry v2 layout (2026-02): not readable"
        case .missingHeader: return "the first record is not a CaptureHeader"
        case .truncated(let place): return "truncated \(place) in \(at); \(framesRecovered) complete frames recovered"
        case .messageTooLarge(let length, let limit): return "\(at) claims \(length) bytes, more than the \(limit)-byte limit"
        case .badLength: return "\(at) has a length varint longer than 10 bytes"
        case .malformedRecord(let e): return "\(at) is malformed: \(e) (skipped)"
        case .footerMismatch(let footer, let read): return "footer says \(footer) frames, \(read) were read"
        case .trailingData: return "data follows the footer at decompressed byte \(byteOffset)"
        case .budgetExceeded(let what): return "\(what) (stopped after \(framesRecovered) frames)"
        case .corruptSeekTable(let why): return "corrupt seek table: \(why)"
        case .notSeekable(let why): return "cannot seek: \(why)"
        case .invalidInput(let why): return why
        }
    }
}

extension TapeError: CaptureFileError {
    /// The file the error is about.
    public var path: String { file }
}
