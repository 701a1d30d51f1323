import CZstd
import Foundation
import NEVRCore

/// Reads a `.nevrcap` file frame by frame with flat memory.
///
/// - Accepts one or several concatenated zstd frames (and zstd skippable frames).
/// - Record 0 is the header when ``NevrcapWire/classify(_:)`` says so; otherwise the file has
///   no header (``header`` is `nil`) and record 0 is the first frame. Never both.
/// - A clean end (at a record boundary, at the end of a complete zstd frame) makes ``next()``
///   return `nil`. A cut inside a length varint, a record or a zstd frame throws a
///   ``NevrcapError`` with reason `.truncated` and ``NevrcapError/framesRecovered`` = every
///   complete frame before it, all of which were returned; ``next()`` then returns `nil`.
/// - A record whose protobuf is malformed throws `.malformedRecord` naming its index and
///   offset; the next call continues with the following record.
/// - Record lengths above ``Options/maxRecordLength`` stop reading with `.recordTooLong`.
/// - Zero-length records (not a valid frame: a frame always has a session) are skipped and
///   counted (``emptyRecordsSkipped``); more than ``Options/maxEmptyRecords`` of them, more than
///   ``Options/maxRecords`` records, or an inflation ratio above ``Options/maxInflationRatio``
///   stop reading with `.budgetExceeded` (decompression bombs).
/// - A header record after the first record (two captures concatenated) is skipped and counted
///   (``headersSkipped``), never returned as a frame.
/// - Damaged compressed data (a flipped bit, junk between zstd frames) throws a recoverable
///   `.damaged` error once per damaged region; reading resumes at the next zstd frame, so every
///   intact frame after it is still returned (``damagedRegions`` counts them).
/// - Unknown fields and event kinds are counted in ``notes`` (unknown events are kept).
///
/// ```swift
/// let reader = try NevrcapReader(url: url)
/// print(reader.header?.captureID ?? "no header")
/// while let frame = try reader.next() { print(frame.index, frame.session.gameStatus ?? "") }
/// ```
public final class NevrcapReader {
    /// Limits of a reader.
    public struct Options: Sendable {
        /// Largest record accepted (default 64 MiB).
        public var maxRecordLength: Int
        /// Records accepted in one file (default 100 million: 46 hours at 600 Hz).
        public var maxRecords: Int
        /// Zero-length records skipped before the file is given up as not a capture (default 1,000).
        public var maxEmptyRecords: Int
        /// Largest ratio of decompressed to compressed bytes, checked once more than
        /// ``inflationCheckBytes`` were decompressed (default 5,000; real captures compress 5-50x,
        /// a zstd bomb of zeros 30,000x).
        public var maxInflationRatio: Double
        /// Decompressed bytes before ``maxInflationRatio`` applies (default 64 MiB).
        public var inflationCheckBytes: Int

        /// Options with these limits; the defaults suit any real capture.
        public init(
            maxRecordLength: Int = 64 << 20, maxRecords: Int = 100_000_000, maxEmptyRecords: Int = 1_000,
            maxInflationRatio: Double = 5_000, inflationCheckBytes: Int = 64 << 20
        ) {
            self.maxRecordLength = maxRecordLength
            self.maxRecords = maxRecords
            self.maxEmptyRecords = maxEmptyRecords
            self.maxInflationRatio = maxInflationRatio
            self.inflationCheckBytes = inflationCheckBytes
        }
    }

    /// How the stream ended (``State/reading`` until then).
    public enum State: Hashable, Sendable {
        case reading
        case clean
        case truncated
        case failed
    }

    private enum Source {
        case file(UnsafeMutablePointer<FILE>)
        case memory([UInt8], position: Int)
    }

    private var source: Source
    private let label: String
    private let options: Options
    private let dctx: OpaquePointer

    // Compressed input window.
    private let input: UnsafeMutableRawPointer
    private let inputCapacity = 128 * 1024
    private var inBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    private var inputEOF = false
    /// Absolute file offset of `input[0]`.
    private var inputBase = 0
    /// Compressed bytes read from the source so far.
    private var compressedRead = 0
    /// Bytes zstd produced so far.
    private var decompressedTotal = 0
    /// Absolute offset of the zstd frame reading last resumed at (not resumed at twice).
    private var resumedAt = -1
    /// Absolute offset where the zstd frame being decoded began (where a search for the next
    /// one starts after damage: a corrupt block header can make zstd read past it).
    private var frameStartedAt = 0
    /// An error met while reading the header, delivered by the first ``next()``.
    private var pendingError: NevrcapError?
    /// Last ZSTD_decompressStream result: 0 exactly when a zstd frame is complete.
    private var zstdInsideFrame = false

    // Decompressed window: bytes [start, end) are not yet consumed.
    private var buffer: UnsafeMutableRawPointer
    private var bufferCapacity = 256 * 1024
    private var start = 0
    private var end = 0
    /// Decompressed-stream offset of `buffer[start]`.
    private var streamOffset = 0

    private var recordIndex = 0
    /// Index and stream offset of the record last returned by `nextRecord()`.
    private var lastRecord = (index: 0, offset: 0)
    private var pendingFirstFrame: (offset: Int, length: Int)?

    /// The header, or `nil` for a header-less file.
    public private(set) var header: NevrcapHeader?
    /// Frames returned so far.
    public private(set) var framesRead = 0
    /// Records skipped because their protobuf was malformed.
    public private(set) var recordsSkipped = 0
    /// Zero-length records skipped (not frames).
    public private(set) var emptyRecordsSkipped = 0
    /// Header records met after the first record (concatenated captures), skipped.
    public private(set) var headersSkipped = 0
    /// Damaged regions of compressed data skipped (reading resumed at the next zstd frame).
    public private(set) var damagedRegions = 0
    /// Compressed bytes skipped over damaged regions.
    public private(set) var damagedBytesSkipped = 0
    /// Unknown and irregular fields seen so far.
    public private(set) var notes = NevrcapDecodeNotes()
    /// Where the reader is: ``State/clean`` or ``State/truncated`` once the data is used up.
    public private(set) var state: State = .reading
    /// Decompressed bytes consumed so far.
    public var decompressedBytesRead: Int { streamOffset }
    /// Compressed bytes taken from the file (or memory) so far, for progress.
    public private(set) var compressedBytesRead: Int64 = 0

    /// Opens `url` and reads the header (when there is one).
    public convenience init(url: URL, options: Options = .init()) throws(NevrcapError) {
        guard let f = fopen(url.path, "rb") else {
            throw NevrcapError(reason: .io("cannot open: \(String(cString: strerror(errno)))"), file: url.path)
        }
        try self.init(source: .file(f), label: url.path, options: options)
    }

    /// Reads compressed bytes held in memory.
    public convenience init(bytes: [UInt8], label: String = "<memory>", options: Options = .init()) throws(NevrcapError) {
        try self.init(source: .memory(bytes, position: 0), label: label, options: options)
    }

    private init(source: Source, label: String, options: Options) throws(NevrcapError) {
        self.source = source
        self.label = label
        self.options = options
        dctx = ZSTD_createDCtx()!
        input = .allocate(byteCount: inputCapacity, alignment: 16)
        buffer = .allocate(byteCount: bufferCapacity, alignment: 16)
        try readHeader()
    }

    deinit {
        if case .file(let f) = source { fclose(f) }
        ZSTD_freeDCtx(dctx)
        input.deallocate()
        buffer.deallocate()
    }

    /// The next frame, or `nil` at the end. See the type's documentation for errors.
    public func next() throws(NevrcapError) -> Frame? {
        if let error = pendingError {
            pendingError = nil
            throw error
        }
        if let pending = pendingFirstFrame {
            pendingFirstFrame = nil
            return try decode(at: pending.offset, length: pending.length)
        }
        while state == .reading {
            guard let (offset, length) = try nextRecord() else { return nil }
            if length == 0 {
                emptyRecordsSkipped += 1
                if emptyRecordsSkipped > options.maxEmptyRecords {
                    state = .failed
                    throw failure(
                        .budgetExceeded("more than \(options.maxEmptyRecords) zero-length records (not a capture; a decompression bomb?)"),
                        recordIndex: lastRecord.index, offset: lastRecord.offset)
                }
                continue
            }
            let record = UnsafeRawBufferPointer(start: buffer + offset, count: length)
            if NevrcapWire.classify(record) == .header {
                headersSkipped += 1  // a second capture appended to the first: its header is no frame
                continue
            }
            return try decode(at: offset, length: length)
        }
        return nil
    }

    /// One step of a tolerant read loop (see ``step()``).
    public enum Step: Sendable {
        case frame(Frame)
        /// A clean end.
        case end
        /// A malformed record was skipped; reading can go on.
        case skipped(NevrcapError)
        /// The data ends early; every complete frame before it was returned.
        case truncated(NevrcapError)
    }

    /// ``next()`` for loops that recover: malformed records and truncation come back as
    /// values; only unrecoverable errors (I/O, zstd corruption, a record over the length cap) throw.
    public func step() throws(NevrcapError) -> Step {
        do {
            guard let f = try next() else { return .end }
            return .frame(f)
        } catch {
            if error.isRecoverable { return .skipped(error) }
            if error.isTruncation { return .truncated(error) }
            throw error
        }
    }

    /// Reads every remaining frame into `body`; truncation ends the loop quietly (check ``state``),
    /// malformed records are skipped (counted in ``recordsSkipped``). Other errors are thrown.
    public func forEach(_ body: (Frame) throws -> Void) throws {
        while true {
            do {
                guard let f = try next() else { return }
                try body(f)
            } catch let e as NevrcapError {
                if e.isRecoverable { continue }
                if e.isTruncation { return }
                throw e
            }
        }
    }

    // MARK: Records

    private func readHeader() throws(NevrcapError) {
        let first: (Int, Int)?
        do {
            first = try nextRecord()
        } catch {
            // Damage in the first zstd frame: the header is lost, the frames after it are not.
            guard error.isRecoverable else { throw error }
            pendingError = error
            return
        }
        guard let (offset, length) = first else { return }
        let record = UnsafeRawBufferPointer(start: buffer + offset, count: length)
        switch NevrcapWire.classify(record) {
        case .header:
            var r = ProtoReader(record)
            do {
                header = try r.header(&notes)
            } catch {
                throw failure(.malformedRecord(error), recordIndex: 0, offset: 0)
            }
        case .frame:
            pendingFirstFrame = (offset, length)
        }
    }

    private func decode(at offset: Int, length: Int) throws(NevrcapError) -> Frame {
        let record = UnsafeRawBufferPointer(start: buffer + offset, count: length)
        do {
            let f = try NevrcapWire.decodeFrame(record, notes: &notes)
            framesRead += 1
            return f
        } catch {
            recordsSkipped += 1
            throw NevrcapError(
                reason: .malformedRecord(error), file: label, recordIndex: lastRecord.index,
                byteOffset: lastRecord.offset, framesRecovered: framesRead)
        }
    }

    /// Locates the next record in the decompressed window; returns its buffer offset and length
    /// (valid until the next call), or `nil` at a clean end.
    private func nextRecord() throws(NevrcapError) -> (Int, Int)? {
        let recordStart = streamOffset
        // Length varint.
        var length: UInt64 = 0
        var shift: UInt64 = 0
        var i = 0
        while true {
            if start + i >= end {
                if try !fill(i + 1) {
                    if i == 0 {
                        // End of data at a record boundary: clean unless a zstd frame was cut.
                        if zstdInsideFrame {
                            throw truncation("inside a zstd frame (at a record boundary)", recordStart)
                        }
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
                throw failure(.badLength, recordIndex: recordIndex, offset: recordStart)
            }
        }
        guard recordIndex < options.maxRecords else {
            state = .failed
            throw failure(.budgetExceeded("more than \(options.maxRecords) records"), recordIndex: recordIndex, offset: recordStart)
        }
        guard length <= UInt64(options.maxRecordLength) else {
            state = .failed
            throw failure(.recordTooLong(length: length, limit: options.maxRecordLength), recordIndex: recordIndex, offset: recordStart)
        }
        let n = Int(length)
        if end - start < i + n, try !fill(i + n) {
            throw truncation(
                zstdInsideFrame ? "inside a zstd frame (inside a record)" : "inside a record (\(end - start - i) of \(n) bytes)",
                recordStart)
        }
        let body = start + i
        lastRecord = (recordIndex, recordStart)
        start += i + n
        streamOffset += i + n
        recordIndex += 1
        return (body, n)
    }

    private func truncation(_ place: String, _ offset: Int) -> NevrcapError {
        state = .truncated
        return failure(.truncated(where: place), recordIndex: recordIndex, offset: offset)
    }

    private func failure(_ reason: NevrcapError.Reason, recordIndex: Int, offset: Int) -> NevrcapError {
        NevrcapError(reason: reason, file: label, recordIndex: recordIndex, byteOffset: offset, framesRecovered: framesRead)
    }

    // MARK: Decompression

    /// Makes at least `count` unconsumed bytes available; false at the end of the data.
    private func fill(_ count: Int) throws(NevrcapError) -> Bool {
        if end - start >= count { return true }
        // Compact, then grow, so the window holds `count` bytes plus room to decompress into.
        if start > 0 {
            if end > start { memmove(buffer, buffer + start, end - start) }
            end -= start
            start = 0
        }
        if count + 64 * 1024 > bufferCapacity {
            var capacity = bufferCapacity * 2
            while capacity < count + 64 * 1024 { capacity *= 2 }
            let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
            grown.copyMemory(from: buffer, byteCount: end)
            buffer.deallocate()
            buffer = grown
            bufferCapacity = capacity
        }
        while end - start < count {
            if inBuffer.pos == inBuffer.size && !inputEOF { try refill() }
            let hadInput = inBuffer.pos < inBuffer.size
            if !zstdInsideFrame { frameStartedAt = inputBase + inBuffer.pos }
            var out = ZSTD_outBuffer(dst: buffer + end, size: bufferCapacity - end, pos: 0)
            let result = ZSTD_decompressStream(dctx, &out, &inBuffer)
            if ZSTD_isError(result) != 0 {
                let name = String(cString: ZSTD_getErrorName(result))
                let at = inputBase + inBuffer.pos
                if let resumed = try resynchronize() {
                    damagedRegions += 1
                    damagedBytesSkipped += max(0, resumed - at)
                    throw failure(
                        .damaged("zstd error \"\(name)\" near compressed byte \(at); reading resumed at the next zstd frame (compressed byte \(resumed))"),
                        recordIndex: recordIndex, offset: streamOffset)
                }
                state = .failed
                throw failure(.zstd(name), recordIndex: recordIndex, offset: streamOffset)
            }
            end += out.pos
            decompressedTotal += out.pos
            if decompressedTotal > options.inflationCheckBytes,
                Double(decompressedTotal) > options.maxInflationRatio * Double(max(compressedRead, 1))
            {
                state = .failed
                throw failure(
                    .budgetExceeded(
                        "\(compressedRead) compressed bytes inflate to more than \(decompressedTotal) (ratio above \(Int(options.maxInflationRatio)); a decompression bomb?)"),
                    recordIndex: recordIndex, offset: streamOffset)
            }
            if hadInput || out.pos > 0 { zstdInsideFrame = result != 0 }
            if out.pos == 0 && !hadInput && inputEOF { return end - start >= count }
        }
        return true
    }

    /// Reads the next compressed chunk; the last `keep` unconsumed bytes of the window are moved
    /// to its front first (a resynchronising search keeps a possible split magic number).
    private func refill(keep: Int = 0) throws(NevrcapError) {
        let kept = min(keep, inBuffer.size - inBuffer.pos)
        if kept > 0 { memmove(input, input + (inBuffer.size - kept), kept) }
        inputBase += inBuffer.size - kept
        let room = inputCapacity - kept
        var n = 0
        switch source {
        case .file(let f):
            n = fread(input + kept, 1, room, f)
            if n == 0 {
                if ferror(f) != 0 {
                    state = .failed
                    throw failure(.io("read failed: \(String(cString: strerror(errno)))"), recordIndex: recordIndex, offset: streamOffset)
                }
                inputEOF = true
            }
        case .memory(let bytes, let position):
            n = min(room, bytes.count - position)
            if n == 0 {
                inputEOF = true
            } else {
                bytes.withUnsafeBytes { (input + kept).copyMemory(from: $0.baseAddress! + position, byteCount: n) }
            }
            source = .memory(bytes, position: position + n)
        }
        compressedRead += n
        compressedBytesRead += Int64(n)
        inBuffer = ZSTD_inBuffer(src: UnsafeRawPointer(input), size: kept + n, pos: 0)
    }

    /// Moves the compressed input to absolute offset `offset` (an empty window there).
    private func seek(to offset: Int) throws(NevrcapError) {
        switch source {
        case .file(let f):
            if fseeko(f, off_t(offset), SEEK_SET) != 0 {
                throw failure(.io("seek failed: \(String(cString: strerror(errno)))"), recordIndex: recordIndex, offset: streamOffset)
            }
            clearerr(f)
        case .memory(let bytes, _):
            source = .memory(bytes, position: min(offset, bytes.count))
        }
        inputEOF = false
        inputBase = offset
        inBuffer = ZSTD_inBuffer(src: UnsafeRawPointer(input), size: 0, pos: 0)
    }

    /// After a zstd error: finds the next zstd frame (its magic number) at or after the error,
    /// drops the decompressed bytes not yet delivered (the record they belong to is lost) and
    /// resets the decoder there. Returns the frame's absolute offset, or nil when none follows.
    private func resynchronize() throws(NevrcapError) -> Int? {
        let magic: (UInt8, UInt8, UInt8, UInt8) = (0x28, 0xB5, 0x2F, 0xFD)
        // Search from just after the damaged frame's own start.
        let from = frameStartedAt + 1
        if from >= inputBase && from <= inputBase + inBuffer.size {
            inBuffer.pos = from - inputBase
        } else {
            try seek(to: from)
        }
        while true {
            let window = UnsafeRawBufferPointer(start: input, count: inBuffer.size)
            var i = inBuffer.pos
            while i + 4 <= window.count {
                if window[i] == magic.0, window[i + 1] == magic.1, window[i + 2] == magic.2, window[i + 3] == magic.3,
                    inputBase + i != resumedAt
                {
                    inBuffer.pos = i
                    resumedAt = inputBase + i
                    _ = ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only)
                    zstdInsideFrame = false
                    // Undelivered bytes of the damaged frame: the record being read is lost.
                    streamOffset += end - start
                    start = 0
                    end = 0
                    return resumedAt
                }
                i += 1
            }
            if inputEOF { return nil }
            inBuffer.pos = max(inBuffer.pos, inBuffer.size - 3)
            try refill(keep: 3)
        }
    }
}
