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
/// - Unknown fields and event kinds are counted in ``notes`` (unknown events are kept).
///
/// ```swift
/// let reader = try NevrcapReader(url: url)
/// print(reader.header?.captureID ?? "no header")
/// while let frame = try reader.next() { print(frame.index, frame.session.gameStatus ?? "") }
/// ```
public final class NevrcapReader {
    public struct Options: Sendable {
        /// Largest record accepted (default 64 MiB).
        public var maxRecordLength: Int
        public init(maxRecordLength: Int = 64 << 20) { self.maxRecordLength = maxRecordLength }
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
    /// Unknown and irregular fields seen so far.
    public private(set) var notes = NevrcapDecodeNotes()
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
        if let pending = pendingFirstFrame {
            pendingFirstFrame = nil
            return try decode(at: pending.offset, length: pending.length)
        }
        guard state == .reading else { return nil }
        guard let (offset, length) = try nextRecord() else { return nil }
        return try decode(at: offset, length: length)
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
        guard let (offset, length) = try nextRecord() else { return }
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
            var out = ZSTD_outBuffer(dst: buffer + end, size: bufferCapacity - end, pos: 0)
            let result = ZSTD_decompressStream(dctx, &out, &inBuffer)
            if ZSTD_isError(result) != 0 {
                state = .failed
                throw failure(
                    .zstd(String(cString: ZSTD_getErrorName(result))), recordIndex: recordIndex, offset: streamOffset)
            }
            end += out.pos
            if hadInput || out.pos > 0 { zstdInsideFrame = result != 0 }
            if out.pos == 0 && !hadInput && inputEOF { return end - start >= count }
        }
        return true
    }

    private func refill() throws(NevrcapError) {
        switch source {
        case .file(let f):
            let n = fread(input, 1, inputCapacity, f)
            if n == 0 {
                if ferror(f) != 0 {
                    state = .failed
                    throw failure(.io("read failed: \(String(cString: strerror(errno)))"), recordIndex: recordIndex, offset: streamOffset)
                }
                inputEOF = true
            }
            compressedBytesRead += Int64(n)
            inBuffer = ZSTD_inBuffer(src: UnsafeRawPointer(input), size: n, pos: 0)
        case .memory(let bytes, let position):
            let n = min(inputCapacity, bytes.count - position)
            if n == 0 {
                inputEOF = true
            } else {
                bytes.withUnsafeBytes { input.copyMemory(from: $0.baseAddress! + position, byteCount: n) }
            }
            source = .memory(bytes, position: position + n)
            compressedBytesRead += Int64(n)
            inBuffer = ZSTD_inBuffer(src: UnsafeRawPointer(input), size: n, pos: 0)
        }
    }
}
