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
    public struct Options: Sendable {
        /// Largest record accepted (tape: 256 MB).
        public var maxMessageSize: Int
        /// Decompressed bytes accepted in total (tape: 8 GiB).
        public var maxDecodedBytes: Int
        /// Frames accepted in total (tape: 10,000,000).
        public var maxFrames: Int
        /// Trained zstd dictionaries by dictionary ID (the file names the ID, never the bytes).
        public var dictionaries: [UInt32: [UInt8]]
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

    public enum State: Hashable, Sendable {
        case reading, clean, truncated, failed
    }

    private let source: ByteInput
    private let label: String
    private let options: Options
    private let dctx: OpaquePointer
    private let compressed: Bool

    private let input: UnsafeMutableRawPointer
    private let inputCapacity = 128 * 1024
    private var inBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    private var inputEOF = false
    private var zstdInsideFrame = false
    /// Compressed bytes handed to zstd so far (file position of `input` start + pos).
    private var inputBase = 0

    private var buffer: UnsafeMutableRawPointer
    private var bufferCapacity = 256 * 1024
    private var start = 0
    private var end = 0
    private var streamOffset = 0
    private var decodedTotal = 0

    private var recordIndex = 0
    private var lastRecordOffset = 0
    private var expectedFrameIndex: UInt32 = 0

    /// The capture header.
    public private(set) var header = TapeHeader()
    /// The footer once reached (or read up front through the seek table by ``seek(toFrame:)``).
    public private(set) var footer: TapeFooter?
    public let container: Container
    /// The dictionary ID the zstd frames name (0 = none).
    public private(set) var dictionaryID: UInt32 = 0
    /// The seek table of a per-block file.
    public let seekTable: TapeSeekTable?
    /// The compressed file size (0 for an uncompressed stream read from memory is still its size).
    public let fileSize: Int
    public private(set) var framesRead = 0
    public private(set) var recordsSkipped = 0
    /// Frames whose `frame_index` broke the 0, 1, 2, … sequence (kept, counted).
    public private(set) var outOfSequenceFrames = 0
    public private(set) var notes = NevrcapDecodeNotes()
    public private(set) var state: State = .reading
    /// Decompressed bytes consumed so far.
    public var decompressedBytesRead: Int { streamOffset }
    /// Compressed bytes consumed so far (for progress).
    public var bytesRead: Int { inputBase + inBuffer.pos }

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
        dctx = ZSTD_createDCtx()!
        input = .allocate(byteCount: inputCapacity, alignment: 16)
        buffer = .allocate(byteCount: bufferCapacity, alignment: 16)
        fileSize = source.size
        let magic = (try? source.read(at: 0, count: 4)) ?? []
        compressed = magic == [0x28, 0xB5, 0x2F, 0xFD]
        if compressed {
            let table = try TapeSeekTable.locate(fileSize: fileSize, read: { (o, n) throws(TapeError) in
                do { return try source.read(at: o, count: n) } catch { throw TapeError(reason: .io("\(error)"), file: label) }
            }, label: label)
            seekTable = table
            container = table != nil ? .perBlock : .wholeStream
        } else {
            seekTable = nil
            container = .uncompressed
        }
        do { try source.seek(0) } catch { throw TapeError(reason: .io("\(error)"), file: label) }
        try readHeader()
    }

    deinit {
        ZSTD_freeDCtx(dctx)
        input.deallocate()
        buffer.deallocate()
    }

    /// The next frame, or `nil` after the footer / at a clean end.
    public func next() throws(TapeError) -> TapeFrame? {
        while state == .reading || pendingRecord != nil {
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
                    state = .failed
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
        if try fill(1) {
            state = .failed
            throw failure(.trailingData, offset: streamOffset)
        }
        state = zstdInsideFrame ? .truncated : .clean
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
                recordIndex = Int(key.frameIndex) + 1
                seeked = true
                jumped = true
            }
        }
        if index < expectedFrameIndex && !jumped {
            // Backwards without a seek table: start over after the header.
            try reposition(toCompressed: 0, streamOffset: 0)
            recordIndex = 0
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
            throw failure(.io("\(error)"), offset: 0)
        }
        var out = [UInt8](repeating: 0, count: entry.decompressedSize)
        let n = out.withUnsafeMutableBytes { dst in
            bytes.withUnsafeBytes { src in ZSTD_decompressDCtx(dctx, dst.baseAddress, dst.count, src.baseAddress, src.count) }
        }
        guard ZSTD_isError(n) == 0, n == entry.decompressedSize else {
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
        do { try source.seek(offset) } catch { throw failure(.io("\(error)"), offset: newOffset) }
        ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only)
        inBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        inputBase = offset
        inputEOF = false
        zstdInsideFrame = false
        start = 0
        end = 0
        streamOffset = newOffset
        state = .reading
    }

    // MARK: Records

    private func readHeader() throws(TapeError) {
        if compressed {
            // Which dictionary the first zstd frame needs (0: none).
            let head = (try? source.read(at: 0, count: 18)) ?? []
            let id = head.withUnsafeBytes { UInt32(ZSTD_getDictID_fromFrame($0.baseAddress, $0.count)) }
            if id != 0 {
                dictionaryID = id
                guard let dict = options.dictionaries[id] else {
                    state = .failed
                    throw TapeError(reason: .needsDictionary(id), file: label)
                }
                let rc = dict.withUnsafeBytes { ZSTD_DCtx_loadDictionary(dctx, $0.baseAddress, $0.count) }
                if ZSTD_isError(rc) != 0 {
                    throw TapeError(reason: .zstd("dictionary \(id): \(String(cString: ZSTD_getErrorName(rc)))"), file: label)
                }
            }
        }
        guard let (offset, length) = try nextRecord() else {
            state = .failed
            throw failure(.missingHeader, offset: 0)
        }
        let record = UnsafeRawBufferPointer(start: buffer + offset, count: length)
        let envelope: TapeEnvelope
        do { envelope = try TapeWire.decodeEnvelope(record, notes: &notes) } catch {
            state = .failed
            throw failure(.malformedRecord(error), offset: 0)
        }
        guard case .header(let h) = envelope else {
            state = .failed
            throw failure(.missingHeader, offset: 0)
        }
        if TapeReader.hasPreReleaseFields(h.unknownFields) {
            state = .failed
            throw failure(.preReleaseLayout, offset: 0)
        }
        guard h.formatVersion == 0 || h.formatVersion == 2 else {
            state = .failed
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
        let recordStart = streamOffset
        var length: UInt64 = 0
        var shift: UInt64 = 0
        var i = 0
        while true {
            if start + i >= end {
                if try !fill(i + 1) {
                    if i == 0 {
                        if zstdInsideFrame { throw truncation("inside a zstd frame (at a record boundary)", recordStart) }
                        state = .clean
                        return nil
                    }
                    throw truncation("inside a record's length varint", recordStart)
                }
            }
            let b = buffer.load(fromByteOffset: start + i, as: UInt8.self)
            i += 1
            length |= UInt64(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
            if i >= 10 {
                state = .failed
                throw failure(.badLength, offset: recordStart)
            }
        }
        guard length <= UInt64(options.maxMessageSize) else {
            state = .failed
            throw failure(.messageTooLarge(length: length, limit: options.maxMessageSize), offset: recordStart)
        }
        let n = Int(length)
        if end - start < i + n, try !fill(i + n) {
            throw truncation(
                zstdInsideFrame ? "inside a zstd frame (inside a record)" : "inside a record (\(end - start - i) of \(n) bytes)",
                recordStart)
        }
        let body = start + i
        lastRecordOffset = recordStart
        start += i + n
        streamOffset += i + n
        recordIndex += 1
        return (body, n)
    }

    private func truncation(_ place: String, _ offset: Int) -> TapeError {
        state = .truncated
        return failure(.truncated(where: place), offset: offset)
    }

    private func failure(_ reason: TapeError.Reason, offset: Int) -> TapeError {
        TapeError(reason: reason, file: label, recordIndex: recordIndex, byteOffset: offset, framesRecovered: framesRead)
    }

    // MARK: Decompression

    /// Makes at least `count` unconsumed bytes available; false at the end of the data. The
    /// window grows only when it is full, so a length claim allocates nothing ahead of the data.
    private func fill(_ count: Int) throws(TapeError) -> Bool {
        if end - start >= count { return true }
        if start > 0 {
            if end > start { memmove(buffer, buffer + start, end - start) }
            end -= start
            start = 0
        }
        while end - start < count {
            if end == bufferCapacity {
                let grown = UnsafeMutableRawPointer.allocate(byteCount: bufferCapacity * 2, alignment: 16)
                grown.copyMemory(from: buffer, byteCount: end)
                buffer.deallocate()
                buffer = grown
                bufferCapacity *= 2
            }
            let room = min(bufferCapacity - end, max(count - end, 1 << 20))
            let produced: Int
            if compressed {
                if inBuffer.pos == inBuffer.size && !inputEOF { try refill() }
                let hadInput = inBuffer.pos < inBuffer.size
                var out = ZSTD_outBuffer(dst: buffer + end, size: room, pos: 0)
                let result = ZSTD_decompressStream(dctx, &out, &inBuffer)
                if ZSTD_isError(result) != 0 {
                    state = .failed
                    throw failure(.zstd(String(cString: ZSTD_getErrorName(result))), offset: streamOffset)
                }
                produced = out.pos
                if hadInput || out.pos > 0 { zstdInsideFrame = result != 0 }
                if out.pos == 0 && !hadInput && inputEOF { return end - start >= count }
            } else {
                let n: Int
                do { n = try source.readNext(into: buffer + end, count: room) } catch {
                    state = .failed
                    throw failure(.io("\(error)"), offset: streamOffset)
                }
                if n == 0 { return end - start >= count }
                inputBase += n
                produced = n
            }
            end += produced
            decodedTotal += produced
            if decodedTotal > options.maxDecodedBytes {
                state = .failed
                throw failure(.budgetExceeded("more than \(options.maxDecodedBytes) decompressed bytes"), offset: streamOffset)
            }
        }
        return true
    }

    private func refill() throws(TapeError) {
        inputBase += inBuffer.size
        let n: Int
        do { n = try source.readNext(into: input, count: inputCapacity) } catch {
            state = .failed
            throw failure(.io("\(error)"), offset: streamOffset)
        }
        if n == 0 { inputEOF = true }
        inBuffer = ZSTD_inBuffer(src: UnsafeRawPointer(input), size: n, pos: 0)
    }
}
