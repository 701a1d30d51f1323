import CZstd
import Foundation
import NEVRCore

/// Writes a `.tape` file (telemetry v2) the way tape v4.1 does (`tape.md` §2, §5).
///
/// - ``Container/perBlock`` (default): zstd frame 0 = the header envelope, then one zstd frame
///   per ``Options/keyframeInterval`` frames (each opens with a keyframe), a footer frame and the
///   zstd seekable-format seek table. ``Container/wholeStream``: one zstd frame for everything.
///   ``Container/uncompressed``: the envelope stream as is.
/// - zstd level 1 (tape: klauspost `SpeedFastest`), content checksums on, optional trained
///   dictionary (its ID goes into every frame header; the bytes are not stored).
/// - Frames must come with `frame_index` 0, 1, 2, … (gaps are refused, as tape does).
/// - The footer carries `frame_count`, `duration_ms` (the last frame's offset),
///   `footer_offset` (decompressed), the keyframe index (per-block: compressed offset of the
///   block; whole-stream: decompressed offset) and the event index sorted by `EventType`.
///
/// ```swift
/// let writer = try TapeWriter(url: out, header: header)
/// for f in frames { try writer.write(f) }
/// try writer.finish()
/// ```
public final class TapeWriter {
    /// The container to write (tape.md §2).
    public enum Container: String, Sendable, CaseIterable {
        case perBlock = "per-block"
        case wholeStream = "whole-stream"
        case uncompressed = "uncompressed"
    }

    /// How to write.
    public struct Options: Sendable {
        /// Per-block with a seek table (default), whole-stream or uncompressed.
        public var container: Container
        /// Frames per block / keyframe entry (tape: 100).
        public var keyframeInterval: Int
        /// zstd level (tape writes about level 1).
        public var compressionLevel: Int32
        /// A trained zstd dictionary (zstd dictionary format, ID inside); `nil` for none.
        public var dictionary: [UInt8]?
        /// Options; `keyframeInterval` frames per block and keyframe entry.
        public init(container: Container = .perBlock, keyframeInterval: Int = 100, compressionLevel: Int32 = 1, dictionary: [UInt8]? = nil) {
            self.container = container
            self.keyframeInterval = keyframeInterval
            self.compressionLevel = compressionLevel
            self.dictionary = dictionary
        }
    }

    private let label: String
    private let options: Options
    /// The zstd context and file (shared with ``NevrcapWriter``).
    private let out: ZstdOutput
    private var encoder = ProtoWriter(capacity: 64 * 1024)
    /// Uncompressed bytes of the block being built (per-block) or waiting for the stream.
    private var block = ProtoWriter(capacity: 256 * 1024)
    private var finished = false

    private var blocks: [(compressed: Int, decompressed: Int)] = []
    private var keyframes: [TapeKeyframe] = []
    private var eventIndex: [Int32: [UInt32]] = [:]
    private var lastOffsetMs: UInt32 = 0

    /// Frames written.
    public private(set) var framesWritten = 0
    /// Bytes handed to the file so far.
    public var compressedBytes: Int { out.compressedBytes }
    /// Decompressed envelope-stream bytes so far.
    public private(set) var uncompressedBytes = 0

    /// Creates (truncates) `url` and writes the header block.
    public init(url: URL, header: TapeHeader, options: Options = .init()) throws(TapeError) {
        guard let f = fopen(url.path, "wb") else {
            throw TapeError(reason: .io("cannot create: \(String(cString: strerror(errno)))"), file: url.path)
        }
        out = ZstdOutput(file: f)
        label = url.path
        self.options = options
        try start(header)
    }

    /// Writes into memory; read the result with ``data`` after ``finish()``.
    public init(inMemory label: String = "<memory>", header: TapeHeader, options: Options = .init()) throws(TapeError) {
        out = ZstdOutput()
        self.label = label
        self.options = options
        try start(header)
    }

    deinit {
        encoder.deallocate()
        block.deallocate()
    }

    /// The file bytes of an in-memory writer.
    public var data: [UInt8] { out.memory }

    private func start(_ header: TapeHeader) throws(TapeError) {
        guard options.keyframeInterval > 0 else { throw TapeError(reason: .invalidInput("keyframe interval must be positive"), file: label) }
        // Content checksums always: tape's reader relies on them (tape.md §2).
        do { try out.configure(level: options.compressionLevel, checksum: true, dictionary: options.dictionary) } catch { throw map(error) }
        encoder.removeAll()
        TapeWire.encode(header, into: &encoder)
        appendRecord()
        if options.container == .perBlock { try endBlock() }
    }

    /// Appends one frame. Its `frame_index` must be the number of frames written so far.
    public func write(_ frame: TapeFrame) throws(TapeError) {
        guard !finished else { throw TapeError(reason: .io("write after finish"), file: label) }
        guard frame.frameIndex == UInt32(truncatingIfNeeded: framesWritten), framesWritten < Int(UInt32.max) else {
            throw TapeError(
                reason: .invalidInput("frame_index \(frame.frameIndex) where \(framesWritten) was expected (tape refuses gaps)"),
                file: label, framesRecovered: framesWritten)
        }
        if framesWritten % options.keyframeInterval == 0 {
            if options.container == .perBlock {
                if block.count > 0 { try endBlock() }
                keyframes.append(TapeKeyframe(frameIndex: frame.frameIndex, byteOffset: UInt64(compressedBytes)))
            } else {
                keyframes.append(TapeKeyframe(frameIndex: frame.frameIndex, byteOffset: UInt64(uncompressedBytes + block.count)))
            }
        }
        for e in frame.echoArena?.events ?? [] {
            eventIndex[e.eventType, default: []].append(frame.frameIndex)
        }
        encoder.removeAll()
        TapeWire.encode(frame, into: &encoder)
        appendRecord()
        lastOffsetMs = frame.timestampOffsetMs
        framesWritten += 1
        if options.container != .perBlock && block.count >= 1 << 20 { try streamPending() }
    }

    /// Writes the footer (and, per-block, the seek table) and closes the file. Idempotent.
    public func finish() throws(TapeError) {
        guard !finished else { return }
        if options.container == .perBlock, block.count > 0 { try endBlock() }
        var footer = TapeFooter()
        footer.frameCount = UInt32(truncatingIfNeeded: framesWritten)
        footer.durationMs = framesWritten > 0 ? lastOffsetMs : 0
        footer.footerOffset = UInt64(uncompressedBytes + block.count)
        footer.keyframeIndex = keyframes
        footer.eventIndex = eventIndex.keys.sorted().map { TapeEventIndexEntry(eventType: $0, frameIndices: eventIndex[$0]!) }
        encoder.removeAll()
        TapeWire.encode(footer, into: &encoder)
        appendRecord()
        switch options.container {
        case .perBlock:
            try endBlock()
            let table = TapeSeekTable.encode(blocks)
            let raw = UnsafeMutableRawPointer.allocate(byteCount: table.count, alignment: 1)
            defer { raw.deallocate() }
            table.withUnsafeBytes { raw.copyMemory(from: $0.baseAddress!, byteCount: table.count) }
            try emit(UnsafeRawPointer(raw), table.count)
        case .wholeStream:
            try streamPending(end: true)
        case .uncompressed:
            try streamPending()
        }
        finished = true
        do { try out.close() } catch { throw map(error) }
    }

    /// Moves varint(len) + the encoded envelope into the pending block.
    private func appendRecord() {
        let n = encoder.count
        block.reserve(n + 10)
        block.putVarint(UInt64(n))
        block.reserve(n)
        (block.base + block.count).update(from: encoder.base, count: n)
        block.count += n
    }

    /// Compresses the pending bytes as one complete zstd frame (per-block).
    private func endBlock() throws(TapeError) {
        let before = compressedBytes
        let size = block.count
        try compress(UnsafeRawPointer(block.base), size, ZSTD_e_end)
        guard compressedBytes - before <= Int(UInt32.max), size <= Int(UInt32.max) else {
            throw TapeError(reason: .invalidInput("a block exceeds 4 GiB (seek-table sizes are 32-bit)"), file: label)
        }
        blocks.append((compressedBytes - before, size))
        uncompressedBytes += size
        block.removeAll()
    }

    /// Feeds the pending bytes to the single stream (whole-stream) or writes them (uncompressed).
    private func streamPending(end: Bool = false) throws(TapeError) {
        let size = block.count
        if options.container == .uncompressed {
            if size > 0 { try emit(UnsafeRawPointer(block.base), size) }
        } else {
            try compress(UnsafeRawPointer(block.base), size, end ? ZSTD_e_end : ZSTD_e_continue)
        }
        uncompressedBytes += size
        block.removeAll()
    }

    private func compress(_ src: UnsafeRawPointer?, _ count: Int, _ mode: ZSTD_EndDirective) throws(TapeError) {
        do { try out.compress(src, count, mode) } catch { throw map(error) }
    }

    private func emit(_ src: UnsafeRawPointer, _ count: Int) throws(TapeError) {
        do { try out.emit(src, count) } catch { throw map(error) }
    }

    private func map(_ error: ZstdOutputError) -> TapeError {
        switch error {
        case .io(let what): TapeError(reason: .io(what), file: label)
        case .zstd(let name): TapeError(reason: .zstd(name), file: label)
        }
    }
}
