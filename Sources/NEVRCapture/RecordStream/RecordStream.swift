import CZstd
import Foundation

/// Where a `.nevrcap` or `.tape` reader is in its record stream (``NevrcapReader/State`` and
/// ``TapeReader/State`` are this type).
public enum RecordStreamState: Hashable, Sendable {
    /// Records remain (or the reader has not reached the end yet).
    case reading
    /// The data ended at a record boundary outside a zstd frame (or after the footer).
    case clean
    /// The data ends early: inside a record, a length varint or a zstd frame.
    case truncated
    /// Reading stopped on an error that cannot be skipped.
    case failed
}

/// Why a ``RecordStream`` stopped or skipped; each reader turns it into its own error type
/// (``NevrcapError``, ``TapeError``), adding the file and the frames read so far.
struct RecordStreamError: Error {
    enum Reason {
        /// The data ends inside a length varint, a record or a zstd frame.
        case truncated(where: String)
        /// A length varint longer than 10 bytes.
        case badLength
        /// A record length above ``RecordStream/Limits/maxRecordLength``.
        case tooLong(length: UInt64, limit: Int)
        /// A budget (records, decompressed bytes, inflation ratio) was exceeded.
        case budgetExceeded(String)
        /// libzstd rejected the data and no later zstd frame could be resumed at.
        case zstd(String)
        /// Damaged compressed data was skipped; reading resumed at the next zstd frame.
        case damaged(String)
        /// Reading the source failed.
        case io(String)
    }

    var reason: Reason
    /// The index of the record being read.
    var recordIndex: Int
    /// Its offset in the decompressed stream.
    var offset: Int
}

/// The length-delimited record stream `.nevrcap` and `.tape` share: `varint(length) || bytes`
/// records inside one or more zstd frames (or, for `.tape`, uncompressed), read through a
/// window with flat memory.
///
/// - The window grows only when it is full, so a record's claimed length allocates nothing
///   ahead of the bytes actually arriving (at most 1 MiB is decompressed per step).
/// - A clean end is the end of the data at a record boundary outside a zstd frame; anything
///   else is `.truncated` naming where.
/// - With ``Limits/resynchronize``, damaged compressed data throws `.damaged` once per region
///   and reading resumes at the next zstd frame (`.nevrcap`); without it, `.zstd` (`.tape`,
///   whose frames carry checksums and whose reader stops there like tape's).
final class RecordStream {
    struct Limits {
        /// Largest record accepted.
        var maxRecordLength: Int
        /// Records accepted in total.
        var maxRecords = Int.max
        /// Decompressed bytes accepted in total.
        var maxDecodedBytes = Int.max
        /// Largest ratio of decompressed to compressed bytes, checked past ``inflationCheckBytes``.
        var maxInflationRatio: Double?
        var inflationCheckBytes = Int.max
        /// Resume at the next zstd frame after damage instead of failing.
        var resynchronize = false
    }

    let source: ByteInput
    let compressed: Bool
    private let limits: Limits
    private let dctx: OpaquePointer

    // Compressed input window: `input[0]` is at absolute offset `inputBase`.
    private let input: UnsafeMutableRawPointer
    private let inputCapacity = 128 * 1024
    private var inBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    private var inputEOF = false
    private var inputBase = 0
    /// Last ZSTD_decompressStream result: false exactly when a zstd frame is complete.
    private(set) var zstdInsideFrame = false
    /// Where the zstd frame being decoded began (a resynchronising search starts after it:
    /// a corrupt block header can make zstd read past it).
    private var frameStartedAt = 0
    /// The zstd frame reading last resumed at (never resumed at twice).
    private var resumedAt = -1
    /// Bytes taken from the source (for the inflation ratio; re-reads after a resync count).
    private(set) var sourceBytesRead = 0
    private var decodedTotal = 0

    // Decompressed window: bytes [start, end) of `buffer` are not consumed yet.
    private(set) var buffer: UnsafeMutableRawPointer
    private var bufferCapacity = 256 * 1024
    private var start = 0
    private var end = 0
    /// Decompressed-stream offset of `buffer[start]`.
    private(set) var streamOffset = 0

    /// Index of the next record (readers that seek set it).
    var recordIndex = 0
    /// Index and stream offset of the record ``nextRecord()`` returned last.
    private(set) var lastRecord = (index: 0, offset: 0)
    /// How the stream ended; readers set it too (a footer, a budget of their own).
    var state: RecordStreamState = .reading
    /// Damaged regions skipped, and the compressed bytes skipped over them.
    private(set) var damagedRegions = 0
    private(set) var damagedBytesSkipped = 0

    init(source: ByteInput, compressed: Bool, limits: Limits) {
        self.source = source
        self.compressed = compressed
        self.limits = limits
        dctx = ZSTD_createDCtx()!
        input = .allocate(byteCount: inputCapacity, alignment: 16)
        buffer = .allocate(byteCount: bufferCapacity, alignment: 16)
    }

    deinit {
        ZSTD_freeDCtx(dctx)
        input.deallocate()
        buffer.deallocate()
    }

    /// Compressed bytes consumed so far (the absolute position in the source).
    var bytesConsumed: Int { inputBase + inBuffer.pos }

    /// Locates the next record in the window: its buffer offset and length (valid until the
    /// next call), or `nil` at a clean end.
    func nextRecord() throws(RecordStreamError) -> (offset: Int, length: Int)? {
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
            if i >= 10 { throw failure(.badLength, recordStart) }
        }
        guard recordIndex < limits.maxRecords else {
            throw failure(.budgetExceeded("more than \(limits.maxRecords) records"), recordStart)
        }
        guard length <= UInt64(limits.maxRecordLength) else {
            throw failure(.tooLong(length: length, limit: limits.maxRecordLength), recordStart)
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

    /// True when decompressed data follows the current position (used after a footer).
    func hasMoreData() throws(RecordStreamError) -> Bool { try fill(1) }

    /// Moves to absolute compressed offset `offset`, which starts a zstd frame (or, uncompressed,
    /// a record) at decompressed offset `newStreamOffset`, with an empty window.
    func reposition(toCompressed offset: Int, streamOffset newStreamOffset: Int) throws(RecordStreamError) {
        do { try source.seek(offset) } catch { throw failure(.io(error.description), newStreamOffset) }
        ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only)
        inBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        inputBase = offset
        inputEOF = false
        zstdInsideFrame = false
        start = 0
        end = 0
        streamOffset = newStreamOffset
        state = .reading
    }

    /// Loads a trained dictionary into the decoder; `nil` or libzstd's error name.
    func loadDictionary(_ dictionary: [UInt8]) -> String? {
        let rc = dictionary.withUnsafeBytes { ZSTD_DCtx_loadDictionary(dctx, $0.baseAddress, $0.count) }
        return ZSTD_isError(rc) != 0 ? String(cString: ZSTD_getErrorName(rc)) : nil
    }

    /// Decompresses one whole zstd frame held in `frame` with this stream's decoder (and
    /// dictionary), which must be between records; `nil` unless it gives exactly `size` bytes.
    func decompressFrame(_ frame: [UInt8], size: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: size)
        let n = out.withUnsafeMutableBytes { dst in
            frame.withUnsafeBytes { src in ZSTD_decompressDCtx(dctx, dst.baseAddress, dst.count, src.baseAddress, src.count) }
        }
        return ZSTD_isError(n) == 0 && n == size ? out : nil
    }

    private func truncation(_ place: String, _ offset: Int) -> RecordStreamError {
        state = .truncated
        return RecordStreamError(reason: .truncated(where: place), recordIndex: recordIndex, offset: offset)
    }

    /// Every other error stops the stream (`.damaged` is thrown without this).
    private func failure(_ reason: RecordStreamError.Reason, _ offset: Int) -> RecordStreamError {
        state = .failed
        return RecordStreamError(reason: reason, recordIndex: recordIndex, offset: offset)
    }

    // MARK: Filling the window

    /// Makes at least `count` unconsumed bytes available; false at the end of the data.
    private func fill(_ count: Int) throws(RecordStreamError) -> Bool {
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
                if !zstdInsideFrame { frameStartedAt = inputBase + inBuffer.pos }
                var out = ZSTD_outBuffer(dst: buffer + end, size: room, pos: 0)
                let result = ZSTD_decompressStream(dctx, &out, &inBuffer)
                if ZSTD_isError(result) != 0 {
                    let name = String(cString: ZSTD_getErrorName(result))
                    let at = inputBase + inBuffer.pos
                    if limits.resynchronize, let resumed = try resynchronize() {
                        damagedRegions += 1
                        damagedBytesSkipped += max(0, resumed - at)
                        throw RecordStreamError(
                            reason: .damaged("zstd error \"\(name)\" near compressed byte \(at); reading resumed at the next zstd frame (compressed byte \(resumed))"),
                            recordIndex: recordIndex, offset: streamOffset)
                    }
                    throw failure(.zstd(name), streamOffset)
                }
                produced = out.pos
                if hadInput || out.pos > 0 { zstdInsideFrame = result != 0 }
                if out.pos == 0 && !hadInput && inputEOF { return end - start >= count }
            } else {
                let n: Int
                do { n = try source.readNext(into: buffer + end, count: room) } catch { throw failure(.io(error.description), streamOffset) }
                if n == 0 { return end - start >= count }
                inputBase += n
                sourceBytesRead += n
                produced = n
            }
            end += produced
            decodedTotal += produced
            if decodedTotal > limits.maxDecodedBytes {
                throw failure(.budgetExceeded("more than \(limits.maxDecodedBytes) decompressed bytes"), streamOffset)
            }
            if let ratio = limits.maxInflationRatio, decodedTotal > limits.inflationCheckBytes,
                Double(decodedTotal) > ratio * Double(max(sourceBytesRead, 1))
            {
                throw failure(
                    .budgetExceeded(
                        "\(sourceBytesRead) compressed bytes inflate to more than \(decodedTotal) (ratio above \(Int(ratio)); a decompression bomb?)"),
                    streamOffset)
            }
        }
        return true
    }

    /// Reads the next compressed chunk; the last `keep` unconsumed bytes of the input window
    /// move to its front first (a resynchronising search keeps a possibly split magic number).
    private func refill(keep: Int = 0) throws(RecordStreamError) {
        let kept = min(keep, inBuffer.size - inBuffer.pos)
        if kept > 0 { memmove(input, input + (inBuffer.size - kept), kept) }
        inputBase += inBuffer.size - kept
        let n: Int
        do { n = try source.readNext(into: input + kept, count: inputCapacity - kept) } catch {
            throw failure(.io(error.description), streamOffset)
        }
        if n == 0 { inputEOF = true }
        sourceBytesRead += n
        inBuffer = ZSTD_inBuffer(src: UnsafeRawPointer(input), size: kept + n, pos: 0)
    }

    /// After a zstd error: finds the next zstd frame (its magic number) after the damaged
    /// frame's start, drops the decompressed bytes not yet delivered (the record they belong
    /// to is lost) and resets the decoder there. Returns the frame's offset, or nil when none follows.
    private func resynchronize() throws(RecordStreamError) -> Int? {
        let from = frameStartedAt + 1
        if from >= inputBase && from <= inputBase + inBuffer.size {
            inBuffer.pos = from - inputBase
        } else {
            do { try source.seek(from) } catch { throw failure(.io(error.description), streamOffset) }
            inputEOF = false
            inputBase = from
            inBuffer = ZSTD_inBuffer(src: UnsafeRawPointer(input), size: 0, pos: 0)
        }
        while true {
            let window = UnsafeRawBufferPointer(start: input, count: inBuffer.size)
            var i = inBuffer.pos
            while i + 4 <= window.count {
                if window[i] == 0x28, window[i + 1] == 0xB5, window[i + 2] == 0x2F, window[i + 3] == 0xFD,
                    inputBase + i != resumedAt
                {
                    inBuffer.pos = i
                    resumedAt = inputBase + i
                    _ = ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only)
                    zstdInsideFrame = false
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
