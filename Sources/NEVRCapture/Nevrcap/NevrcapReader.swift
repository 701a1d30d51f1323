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

    /// How the stream ended (``RecordStreamState/reading`` until then).
    public typealias State = RecordStreamState

    /// The length-delimited records inside the zstd frames (shared with ``TapeReader``).
    private let stream: RecordStream
    private let label: String
    private let options: Options
    /// An error met while reading the header, delivered by the first ``next()``.
    private var pendingError: NevrcapError?
    private var pendingFirstFrame: (offset: Int, length: Int)?
    private var buffer: UnsafeMutableRawPointer { stream.buffer }
    private var lastRecord: (index: Int, offset: Int) { stream.lastRecord }

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
    public var damagedRegions: Int { stream.damagedRegions }
    /// Compressed bytes skipped over damaged regions.
    public var damagedBytesSkipped: Int { stream.damagedBytesSkipped }
    /// Unknown and irregular fields seen so far.
    public private(set) var notes = NevrcapDecodeNotes()
    /// Where the reader is: ``State/clean`` or ``State/truncated`` once the data is used up.
    public var state: State { stream.state }
    /// Decompressed bytes consumed so far.
    public var decompressedBytesRead: Int { stream.streamOffset }
    /// Compressed bytes taken from the file (or memory) so far, for progress.
    public var compressedBytesRead: Int64 { Int64(stream.sourceBytesRead) }

    /// Opens `url` and reads the header (when there is one).
    public convenience init(url: URL, options: Options = .init()) throws(NevrcapError) {
        guard let f = fopen(url.path, "rb") else {
            throw NevrcapError(reason: .io("cannot open: \(String(cString: strerror(errno)))"), file: url.path)
        }
        try self.init(source: ByteInput(file: f), label: url.path, options: options)
    }

    /// Reads compressed bytes held in memory.
    public convenience init(bytes: [UInt8], label: String = "<memory>", options: Options = .init()) throws(NevrcapError) {
        try self.init(source: ByteInput(bytes: bytes), label: label, options: options)
    }

    private init(source: ByteInput, label: String, options: Options) throws(NevrcapError) {
        stream = RecordStream(
            source: source, compressed: true,
            limits: .init(
                maxRecordLength: options.maxRecordLength, maxRecords: options.maxRecords,
                maxInflationRatio: options.maxInflationRatio, inflationCheckBytes: options.inflationCheckBytes,
                resynchronize: true))
        self.label = label
        self.options = options
        try readHeader()
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
        while stream.state == .reading {
            guard let (offset, length) = try nextRecord() else { return nil }
            if length == 0 {
                emptyRecordsSkipped += 1
                if emptyRecordsSkipped > options.maxEmptyRecords {
                    stream.state = .failed
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

    /// The next record's buffer offset and length (valid until the next call), or `nil` at a clean end.
    private func nextRecord() throws(NevrcapError) -> (Int, Int)? {
        do {
            return try stream.nextRecord()
        } catch {
            let reason: NevrcapError.Reason
            switch error.reason {
            case .truncated(let place): reason = .truncated(where: place)
            case .badLength: reason = .badLength
            case .tooLong(let length, let limit): reason = .recordTooLong(length: length, limit: limit)
            case .budgetExceeded(let what): reason = .budgetExceeded(what)
            case .zstd(let name): reason = .zstd(name)
            case .damaged(let what): reason = .damaged(what)
            case .io(let what): reason = .io(what)
            }
            throw failure(reason, recordIndex: error.recordIndex, offset: error.offset)
        }
    }

    private func failure(_ reason: NevrcapError.Reason, recordIndex: Int, offset: Int) -> NevrcapError {
        NevrcapError(reason: reason, file: label, recordIndex: recordIndex, byteOffset: offset, framesRecovered: framesRead)
    }
}
