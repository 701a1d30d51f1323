import CZstd
import Foundation
import NEVRCore

/// Reads a `.tape` file (telemetry v2) record by record with flat memory, in every container
/// `tape.md` §2 describes: one zstd stream, per-block zstd frames with a seek table, either of
/// them with a trained dictionary, or an uncompressed envelope stream.
///
/// - The header is read on open; `format_version` must be 0 or 2, the 2026-02 pre-release
///   layout is refused by name.
/// - ``next()`` returns frames in order and `nil` after the footer (or at a clean end of an
///   unfinished capture, which has no footer). Unknown fields and event kinds are counted in
///   ``notes``; unknown header fields are kept in ``TapeHeader/unknownFields``.
/// - A cut inside a record or a zstd frame throws `.truncated` with ``TapeError/framesRecovered``
///   = every complete frame, all of which were returned; then ``next()`` returns `nil`.
/// - A malformed record throws `.malformedRecord`; the next call goes on with the next record.
/// - Budgets: ``Options/maxMessageSize`` per record (at most 1 MiB is allocated ahead of the
///   bytes actually arriving), ``Options/maxDecodedBytes`` and ``Options/maxFrames`` in total.
/// - ``seek(toFrame:)`` jumps through the seek table and the footer's keyframe index.
///
/// ```swift
/// let reader = try TapeReader(url: url)
/// while let frame = try reader.next() { print(frame.frameIndex, frame.echoArena?.gameClock ?? 0) }
/// ```
public final class TapeReader {
    /// Budgets and dictionaries.
    public struct Options: Sendable {
        /// Largest record accepted (tape: 256 MB).
        public var maxMessageSize: Int
        /// Decompressed bytes accepted in total (tape: 8 GiB).
        public var maxDecodedBytes: Int
        /// Frames accepted in total (tape: 10,000,000).
        public var maxFrames: Int
        /// Trained zstd dictionaries by dictionary ID (the file names the ID, never the bytes).
        public var dictionaries: [UInt32: [UInt8]]
        /// Options with tape's budgets unless given.
        public init(
            maxMessageSize: Int = 256_000_000, maxDecodedBytes: Int = 8 << 30, maxFrames: Int = 10_000_000,
            dictionaries: [UInt32: [UInt8]] = [:]
        ) {
            self.maxMessageSize = maxMessageSize
            self.maxDecodedBytes = maxDecodedBytes
            self.maxFrames = maxFrames
            self.dictionaries = dictionaries
        }
    }

    /// The byte-level shape of the file.
    public enum Container: String, Sendable {
        /// One zstd frame holding the whole envelope stream.
        case wholeStream = "whole-stream"
        /// Independent zstd frames (header, blocks, footer) and a seek table.
        case perBlock = "per-block"
        /// zstd frames but no seek table (e.g. concatenated streams or an unfinished per-block file).
        case multiFrame = "zstd frames without seek table"
        /// The envelope stream as is.
        case uncompressed = "uncompressed"
    }

    /// How the stream ended (``RecordStreamState/reading`` until then).
    public typealias State = RecordStreamState

    private let source: ByteInput
    private let label: String
    private let options: Options
    /// The length-delimited records, in zstd frames or not (shared with ``NevrcapReader``).
    private let stream: RecordStream
    private var buffer: UnsafeMutableRawPointer { stream.buffer }
    private var lastRecordOffset: Int { stream.lastRecord.offset }
    private var expectedFrameIndex: UInt32 = 0

    /// The capture header.
    public private(set) var header = TapeHeader()
    /// The footer once reached (or read up front through the seek table by ``seek(toFrame:)``).
    public private(set) var footer: TapeFooter?
    /// The container the file uses.
    public let container: Container
    /// The dictionary ID the zstd frames name (0 = none).
    public private(set) var dictionaryID: UInt32 = 0
    /// The seek table of a per-block file.
    public let seekTable: TapeSeekTable?
    /// The compressed file size (0 for an uncompressed stream read from memory is still its size).
    public let fileSize: Int
    /// Frames returned so far.
    public private(set) var framesRead = 0
    /// Records skipped because they were malformed.
    public private(set) var recordsSkipped = 0
    /// Frames whose `frame_index` broke the 0, 1, 2, … sequence (kept, counted).
    public private(set) var outOfSequenceFrames = 0
    /// Unknown fields and event kinds seen so far.
    public private(set) var notes = NevrcapDecodeNotes()
    /// How reading ended so far.
    public var state: State { stream.state }
    /// Decompressed bytes consumed so far.
    public var decompressedBytesRead: Int { stream.streamOffset }
    /// Compressed bytes consumed so far (for progress).
    public var bytesRead: Int { stream.bytesConsumed }

    /// Opens `url` and reads the header.
    public convenience init(url: URL, options: Options = .init()) throws(TapeError) {
        guard let f = fopen(url.path, "rb") else {
            throw TapeError(reason: .io("cannot open: \(String(cString: strerror(errno)))"), file: url.path)
        }
        try self.init(source: ByteInput(file: f), label: url.path, options: options)
    }

    /// Reads a file held in memory.
    public convenience init(bytes: [UInt8], label: String = "<memory>", options: Options = .init()) throws(TapeError) {
        try self.init(source: ByteInput(bytes: bytes), label: label, options: options)
    }

    private init(source: ByteInput, label: String, options: Options) throws(TapeError) {
        self.source = source
        self.label = label
        self.options = options
        fileSize = source.size
        let magic = (try? source.read(at: 0, count: 4)) ?? []
        let compressed = magic == [0x28, 0xB5, 0x2F, 0xFD]
        stream = RecordStream(
            source: source, compressed: compressed,
            limits: .init(maxRecordLength: options.maxMessageSize, maxDecodedBytes: options.maxDecodedBytes))
        if compressed {
            let table = try TapeSeekTable.locate(fileSize: fileSize, read: { (o, n) throws(TapeError) in
                do { return try source.read(at: o, count: n) } catch { throw TapeError(reason: .io(ErrorReason.plain(error)), file: label) }
            }, label: label)
            seekTable = table
            container = table != nil ? .perBlock : .wholeStream
        } else {
            seekTable = nil
            container = .uncompressed
        }
        do { try source.seek(0) } catch { throw TapeError(reason: .io(ErrorReason.plain(error)), file: label) }
        try readHeader()
    }

    /// The next frame, or `nil` after the footer / at a clean end.
    public func next() throws(TapeError) -> TapeFrame? {
        while stream.state == .reading || pendingRecord != nil {
            let next: (Int, Int)?
            if let pending = pendingRecord {
                pendingRecord = nil
                next = pending
            } else {
                next = try nextRecord()
            }
            guard let (offset, length) = next else { return nil }
            let record = UnsafeRawBufferPointer(start: buffer + offset, count: length)
            let envelope: TapeEnvelope
            do {
                envelope = try TapeWire.decodeEnvelope(record, notes: &notes)
            } catch {
                recordsSkipped += 1
                throw failure(.malformedRecord(error), offset: lastRecordOffset)
            }
            switch envelope {
            case .frame(let f):
                guard framesRead < options.maxFrames else {
                    stream.state = .failed
                    throw failure(.budgetExceeded("more than \(options.maxFrames) frames"), offset: lastRecordOffset)
                }
                if f.frameIndex != expectedFrameIndex { outOfSequenceFrames += 1 }
                expectedFrameIndex = f.frameIndex &+ 1
                framesRead += 1
                return f
            case .footer(let ft):
                footer = ft
                try finishAfterFooter(ft)
                return nil
            case .header:
                recordsSkipped += 1
                throw failure(.malformedRecord(ProtoDecodeError(offset: 0, reason: .wrongWireType(field: 1, message: "second CaptureHeader in"))), offset: lastRecordOffset)
            case .empty:
                continue
            }
        }
        return nil
    }

    /// One step of a tolerant loop: malformed records and truncation come back as values.
    public enum Step: Sendable {
        case frame(TapeFrame)
        case end
        case skipped(TapeError)
        case truncated(TapeError)
    }

    /// ``next()`` for loops that recover; only unrecoverable errors throw.
    public func step() throws(TapeError) -> Step {
        do {
            guard let f = try next() else { return .end }
            return .frame(f)
        } catch {
            if error.isRecoverable { return .skipped(error) }
            if error.isTruncation { return .truncated(error) }
            throw error
        }
    }

    private func finishAfterFooter(_ ft: TapeFooter) throws(TapeError) {
        // Nothing may follow the footer in the decompressed stream (tape's ErrTrailingData);
        // the seek table is a skippable frame, which zstd does not decode into the stream.
        if try hasMoreData() {
            stream.state = .failed
            throw failure(.trailingData, offset: stream.streamOffset)
        }
        stream.state = stream.zstdInsideFrame ? .truncated : .clean
        if Int(ft.frameCount) != framesRead && !seeked {
            throw failure(.footerMismatch(footer: ft.frameCount, read: framesRead), offset: lastRecordOffset)
        }
    }

    // MARK: Seeking

    private var seeked = false
    /// A record located by ``seek(toFrame:)`` and handed to the next ``next()``.
    private var pendingRecord: (Int, Int)?

    /// Positions the reader so that the next ``next()`` returns frame `index` (or the first frame
    /// after it). Per-block files jump straight to the block holding it (seek table + keyframe
    /// index); other containers read forward from the start (whole-stream has no random access).
    /// Events before the target are not replayed here: see ``TapeSessionReader`` for state.
    public func seek(toFrame index: UInt32) throws(TapeError) {
        var jumped = false
        if let table = seekTable, table.entries.count >= 2 {
            let footer: TapeFooter
            if let known = self.footer { footer = known } else { footer = try readFooterBlock(table) }
            self.footer = footer
            let key = footer.keyframeIndex.last { $0.frameIndex <= index }
            if let key, let block = table.entries.firstIndex(where: { $0.offset == Int(key.byteOffset) }) {
                try reposition(toCompressed: table.entries[block].offset, streamOffset: table.entries[..<block].reduce(0) { $0 + $1.decompressedSize })
                expectedFrameIndex = key.frameIndex
                framesRead = Int(key.frameIndex)
                stream.recordIndex = Int(key.frameIndex) + 1
                seeked = true
                jumped = true
            }
        }
        if index < expectedFrameIndex && !jumped {
            // Backwards without a seek table: start over after the header.
            try reposition(toCompressed: 0, streamOffset: 0)
            stream.recordIndex = 0
            framesRead = 0
            expectedFrameIndex = 0
            _ = try nextRecord()
            seeked = true
        }
        pendingRecord = nil
        while true {
            // Skip frames (without keeping them) until the target.
            guard let (offset, length) = try nextRecord() else { return }
            let record = UnsafeRawBufferPointer(start: buffer + offset, count: length)
            var r = ProtoReader(record)
            // Peek the envelope's frame index without decoding the frame body.
            let peek = (try? TapeReader.peekFrameIndex(&r)) ?? nil
            guard let fi = peek, fi < index else {
                // The target (or the footer): next() decodes it from the window, still valid.
                pendingRecord = (offset, length)
                return
            }
            framesRead += 1
            expectedFrameIndex = fi &+ 1
        }
    }

    private static func peekFrameIndex(_ r: inout ProtoReader) throws(ProtoDecodeError) -> UInt32? {
        while !r.isAtEnd {
            let (f, w) = try r.tag()
            guard f == 2, w == 2 else {
                try r.skip(w)
                continue
            }
            var sub = try r.subReader()
            var index: UInt32 = 0
            while !sub.isAtEnd {
                let (ff, ww) = try sub.tag()
                if ff == 1, ww == 0 { index = try sub.uint32() } else { try sub.skip(ww) }
            }
            return index
        }
        return nil
    }

    /// Decompresses the footer block (the last entry of the seek table) on its own.
    private func readFooterBlock(_ table: TapeSeekTable) throws(TapeError) -> TapeFooter {
        let entry = table.entries[table.entries.count - 1]
        guard entry.decompressedSize <= options.maxMessageSize + 10, entry.compressedSize <= options.maxMessageSize + 64 else {
            throw failure(.notSeekable("footer block of \(entry.decompressedSize) bytes exceeds the message limit"), offset: 0)
        }
        let bytes: [UInt8]
        do { bytes = try source.read(at: entry.offset, count: entry.compressedSize) } catch {
            throw failure(.io(ErrorReason.plain(error)), offset: 0)
        }
        guard let out = stream.decompressFrame(bytes, size: entry.decompressedSize) else {
            throw failure(.notSeekable("footer block does not decompress to its declared \(entry.decompressedSize) bytes"), offset: 0)
        }
        var r = ProtoReader(UnsafeRawBufferPointer(start: nil, count: 0))
        var scratch = NevrcapDecodeNotes()
        let result: TapeFooter? = out.withUnsafeBytes { raw -> TapeFooter? in
            r = ProtoReader(raw)
            guard let len = try? r.varint(), len == UInt64(raw.count - r.position) else { return nil }
            let body = UnsafeRawBufferPointer(rebasing: raw[r.position...])
            if case .footer(let f)? = try? TapeWire.decodeEnvelope(body, notes: &scratch) { return f }
            return nil
        }
        guard let result else { throw failure(.notSeekable("the last block does not hold a CaptureFooter"), offset: 0) }
        return result
    }

    private func reposition(toCompressed offset: Int, streamOffset newOffset: Int) throws(TapeError) {
        do { try stream.reposition(toCompressed: offset, streamOffset: newOffset) } catch { throw map(error) }
    }

    // MARK: Records

    private func readHeader() throws(TapeError) {
        if stream.compressed {
            // Which dictionary the first zstd frame needs (0: none).
            let head = (try? source.read(at: 0, count: 18)) ?? []
            let id = head.withUnsafeBytes { UInt32(ZSTD_getDictID_fromFrame($0.baseAddress, $0.count)) }
            if id != 0 {
                dictionaryID = id
                guard let dict = options.dictionaries[id] else {
                    stream.state = .failed
                    throw TapeError(reason: .needsDictionary(id), file: label)
                }
                if let problem = stream.loadDictionary(dict) {
                    throw TapeError(reason: .zstd("dictionary \(id): \(problem)"), file: label)
                }
            }
        }
        guard let (offset, length) = try nextRecord() else {
            stream.state = .failed
            throw failure(.missingHeader, offset: 0)
        }
        let record = UnsafeRawBufferPointer(start: buffer + offset, count: length)
        let envelope: TapeEnvelope
        do { envelope = try TapeWire.decodeEnvelope(record, notes: &notes) } catch {
            stream.state = .failed
            throw failure(.malformedRecord(error), offset: 0)
        }
        guard case .header(let h) = envelope else {
            stream.state = .failed
            throw failure(.missingHeader, offset: 0)
        }
        if TapeReader.hasPreReleaseFields(h.unknownFields) {
            stream.state = .failed
            throw failure(.preReleaseLayout, offset: 0)
        }
        guard h.formatVersion == 0 || h.formatVersion == 2 else {
            stream.state = .failed
            throw failure(.unsupportedVersion(h.formatVersion), offset: 0)
        }
        header = h
    }

    /// The pre-release flat header stored `session_id` as field 3 (string); 2.0.0 has a varint there.
    static func hasPreReleaseFields(_ unknown: [UInt8]) -> Bool {
        guard !unknown.isEmpty else { return false }
        return unknown.withUnsafeBytes { raw -> Bool in
            var r = ProtoReader(raw)
            while !r.isAtEnd {
                guard let (f, w) = try? r.tag() else { return false }
                if f == 3 && w == 2 { return true }
                if (try? r.skip(w)) == nil { return false }
            }
            return false
        }
    }

    private func nextRecord() throws(TapeError) -> (Int, Int)? {
        do { return try stream.nextRecord() } catch { throw map(error) }
    }

    private func hasMoreData() throws(TapeError) -> Bool {
        do { return try stream.hasMoreData() } catch { throw map(error) }
    }

    private func map(_ error: RecordStreamError) -> TapeError {
        let reason: TapeError.Reason
        switch error.reason {
        case .truncated(let place): reason = .truncated(where: place)
        case .badLength: reason = .badLength
        case .tooLong(let length, let limit): reason = .messageTooLarge(length: length, limit: limit)
        case .budgetExceeded(let what): reason = .budgetExceeded(what)
        case .zstd(let name), .damaged(let name): reason = .zstd(name)
        case .io(let what): reason = .io(what)
        }
        return failure(reason, offset: error.offset)
    }

    private func failure(_ reason: TapeError.Reason, offset: Int) -> TapeError {
        TapeError(reason: reason, file: label, recordIndex: stream.recordIndex, byteOffset: offset, framesRecovered: framesRead)
    }
}
