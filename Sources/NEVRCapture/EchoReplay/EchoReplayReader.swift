import Foundation
import NEVRCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams the frames of an `.echoreplay` file, zipped or plain, one line at a time.
///
/// Memory stays flat: the file is read in chunks (inflated on the fly when
/// zipped) and only the current line is held. Lines that cannot be frames are
/// skipped and counted (``skippedCount``), the first few kept with their line
/// number and reason (``skipped``). A file in which every non-empty line is
/// rejected, or that holds no line at all, is an error rather than an empty result.
///
/// The JSON columns are handed out as raw bytes, unparsed; parse them with
/// `GameJSONReader` when you need typed values.
///
/// ```swift
/// let reader = try EchoReplayReader(url: URL(fileURLWithPath: "match.echoreplay"))
/// while let record = try reader.next() {
///     let session = try GameJSONReader.parseSession(record.session)
///     print(EchoReplayTimestamp.string(record.timestamp), session.gameClock ?? 0)
/// }
/// print("skipped \(reader.skippedCount) line(s)")
/// ```
public final class EchoReplayReader {
    /// Limits and buffer size of a reader; the defaults suit any real recording.
    public struct Options: Sendable {
        /// Longest accepted line (without its newline); longer lines are skipped.
        public var maxLineBytes: Int = 16 << 20
        /// Reading stops with ``EchoReplayError/Reason/entryTooLarge(limit:)`` once a
        /// ZIP entry inflates past this many bytes (protects against ZIP bombs).
        public var maxInflatedBytes: Int64 = 64 << 30
        /// How many skipped lines keep their reason in ``EchoReplayReader/skipped``.
        public var maxSkippedKept: Int = 20
        /// Bytes read from the file at a time.
        public var chunkSize: Int = 256 << 10

        /// The default limits.
        public init() {}
    }

    /// The file being read.
    public let url: URL
    /// True for a ZIP archive, false for plain text.
    public let isZipped: Bool
    /// The ZIP entry being read (`nil` for plain text).
    public let entryName: String?
    /// True when the ZIP archive was never finished (no central directory, the
    /// deflate stream cut off): the frames up to the cut are read, the cut line is skipped.
    public private(set) var isRecoveredFromTruncation = false
    /// The first ``Options/maxSkippedKept`` rejected lines with their reasons.
    public private(set) var skipped: [SkippedLine] = []
    /// Every rejected line.
    public private(set) var skippedCount = 0
    /// Records returned by ``next()`` so far.
    public private(set) var recordsRead = 0
    /// Lines consumed so far (including empty and rejected ones).
    public private(set) var linesRead = 0
    /// Size of the file in bytes (for progress).
    public let fileSize: Int64
    /// Bytes of the file consumed so far (for progress; compressed bytes when zipped).
    public var fileBytesConsumed: Int64 { source.fileBytesConsumed + sourceOffset }

    private let options: Options
    private let file: FileDescriptor
    private let source: ByteSource
    private let sourceOffset: Int64
    private let inflater: InflatingSource?
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var scanned = 0
    private var atEnd = false
    private var finished = false
    private var checkedBOM = false

    /// Opens `url` and prepares to read it (reads the ZIP central directory when zipped).
    public init(url: URL, options: Options = .init()) throws {
        self.url = url
        self.options = options
        let path = url.path
        let file = try FileDescriptor.openForReading(path)
        self.file = file
        fileSize = try file.size()
        var magic: [UInt8] = [0, 0]
        let n = try magic.withUnsafeMutableBytes { (b) throws(EchoReplayError) -> Int in try file.read(at: 0, into: b) }
        isZipped = n == 2 && magic[0] == UInt8(ascii: "P") && magic[1] == UInt8(ascii: "K")
        let chunk = max(4096, options.chunkSize)
        if isZipped {
            if let entries = try ZipDirectory.entries(of: file) {
                guard let entry = ZipDirectory.recordingEntry(in: entries, archiveName: url.lastPathComponent) else {
                    throw EchoReplayError(path: path, reason: .noEntry)
                }
                guard !entry.isEncrypted else {
                    throw EchoReplayError(path: path, reason: .unsupportedArchive("entry \"\(entry.name)\" is encrypted"))
                }
                let dataOffset = try ZipDirectory.dataOffset(of: entry, in: file)
                let raw = FileRangeSource(file: file, offset: dataOffset, length: entry.compressedSize)
                let content: ByteSource
                switch entry.method {
                case 0: content = raw; inflater = nil
                case 8:
                    let inflating = try InflatingSource(raw, path: path, chunkSize: chunk)
                    content = inflating; inflater = inflating
                default:
                    throw EchoReplayError(path: path, reason: .unsupportedArchive("compression method \(entry.method) of \"\(entry.name)\" (only Stored and Deflate)"))
                }
                source = EntryCheckingSource(content, path: path, expectedCRC: entry.crc32,
                                             expectedSize: entry.uncompressedSize, limit: options.maxInflatedBytes)
                sourceOffset = dataOffset
                entryName = entry.name
            } else {
                // No central directory: a recording whose writer never finished. Recover what
                // the first entry's deflate stream holds, up to where it stops.
                let local = try ZipDirectory.firstLocalEntry(in: file)
                guard local.method == 8, local.flags & 1 == 0 else {
                    throw EchoReplayError(path: path, reason: .corruptArchive("no central directory (unfinished archive) and the entry is not Deflate"))
                }
                let raw = FileRangeSource(file: file, offset: local.dataOffset, length: nil)
                let inflating = try InflatingSource(raw, path: path, chunkSize: chunk, allowTruncation: true)
                inflater = inflating
                source = EntryCheckingSource(inflating, path: path, expectedCRC: nil, expectedSize: nil,
                                             limit: options.maxInflatedBytes)
                sourceOffset = local.dataOffset
                entryName = local.name
                isRecoveredFromTruncation = true
            }
        } else {
            source = FileRangeSource(file: file, offset: 0, length: nil)
            sourceOffset = 0
            entryName = nil
            inflater = nil
        }
        capacity = max(chunk * 2, 64 << 10)
        buffer = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        buffer.deallocate()
    }

    /// The next frame, or `nil` at the end. Bad lines are skipped and recorded.
    ///
    /// Throws when the file cannot be read, the archive or its compressed data is
    /// damaged, an entry passes ``Options/maxInflatedBytes``, or (at the end) when
    /// no line was a frame.
    public func next() throws -> EchoReplayRecord? {
        try nextView { view in
            EchoReplayRecord(lineNumber: view.lineNumber, timestamp: view.timestamp,
                             session: Array(view.session), bones: view.bones.map { Array($0) })
        }
    }

    /// The next frame without copying its JSON: `body` sees the columns in the reader's
    /// buffer, valid only during the call. Returns `nil` at the end (like ``next()``).
    ///
    /// ```swift
    /// while let clock = try reader.nextView({ try GameJSONReader.parseSession($0.session).gameClock }) { ... }
    /// ```
    public func nextView<Result>(_ body: (EchoReplayRecordView) throws -> Result) throws -> Result? {
        while true {
            switch try nextLine() {
            case .line(let offset, let length):
                linesRead += 1
                var line = UnsafeRawBufferPointer(start: buffer + offset, count: length)
                if length > options.maxLineBytes, length - (line[length - 1] == 0x0D ? 1 : 0) > options.maxLineBytes {
                    recordSkip("line longer than \(options.maxLineBytes) bytes")
                    continue
                }
                if !checkedBOM {
                    checkedBOM = true
                    if length >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF {
                        line = UnsafeRawBufferPointer(rebasing: line[3...])
                    }
                }
                switch EchoReplayLine.parse(line) {
                case .empty:
                    continue
                case .record(let timestamp, let session, let bones):
                    recordsRead += 1
                    return try body(EchoReplayRecordView(lineNumber: linesRead, timestamp: timestamp, session: session, bones: bones))
                case .rejected(let reason):
                    let truncatedTail = atEnd && start >= end && inflater?.wasTruncated == true
                    recordSkip(reason + (truncatedTail ? " (the archive is cut off here)" : ""))
                }
            case .oversized:
                linesRead += 1
                recordSkip("line longer than \(options.maxLineBytes) bytes")
            case .end:
                if !finished {
                    finished = true
                    if recordsRead == 0 {
                        if skippedCount > 0 {
                            throw EchoReplayError(path: url.path, reason: .allLinesRejected(count: skippedCount, first: skipped.first))
                        }
                        throw EchoReplayError(path: url.path, reason: .empty)
                    }
                }
                return nil
            }
        }
    }

    private func recordSkip(_ reason: String) {
        skippedCount += 1
        if skipped.count < options.maxSkippedKept {
            skipped.append(SkippedLine(lineNumber: linesRead, reason: reason))
        }
    }

    private enum LineResult {
        case line(offset: Int, length: Int)
        case oversized
        case end
    }

    /// Finds the next newline-terminated line (or the unterminated last one) in the buffer,
    /// refilling it from the source as needed.
    private func nextLine() throws -> LineResult {
        var discarding = false
        while true {
            if scanned < end, let nl = memchr(buffer + scanned, 0x0A, end - scanned) {
                let newline = buffer.distance(to: UnsafeMutableRawPointer(nl))
                let lineStart = start
                start = newline + 1
                scanned = start
                if discarding { return .oversized }
                return .line(offset: lineStart, length: newline - lineStart)
            }
            scanned = end
            if atEnd {
                if discarding { start = end; return .oversized }
                if start < end {
                    let lineStart = start
                    start = end
                    return .line(offset: lineStart, length: end - lineStart)
                }
                return .end
            }
            if end - start > options.maxLineBytes + 1 {
                // Too long to be a line we accept: drop what we have and skip to the next newline.
                discarding = true
                start = 0; end = 0; scanned = 0
            } else if start > 0 {
                if end > start { memmove(buffer, buffer + start, end - start) }
                end -= start
                scanned -= start
                start = 0
            }
            if end == capacity {
                let grown = min(capacity * 2, options.maxLineBytes + 2 + options.chunkSize)
                if grown > capacity {
                    let bigger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
                    bigger.copyMemory(from: buffer, byteCount: end)
                    buffer.deallocate()
                    buffer = bigger
                    capacity = grown
                }
            }
            let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end))
            if n == 0 { atEnd = true }
            end += n
        }
    }
}
