import CZstd
import Foundation
import NEVRCore

/// Writes a `.nevrcap` file: zstd( varint(len) header, { varint(len) frame }* ).
///
/// Compression streams through libzstd (level 1 by default, content checksum on, like the
/// Go tools). A zstd frame is ended every ``Options/framesPerZstdFrame`` frames or every
/// ``Options/secondsPerZstdFrame`` of capture time, whichever comes first, and the bytes are
/// handed to the OS then; a crash loses at most that much, and the file stays a valid
/// stream of concatenated zstd frames (`zstd -d` decompresses it). ``close()`` flushes
/// everything.
///
/// ```swift
/// let writer = try NevrcapWriter(url: out, header: NevrcapHeader(captureID: "match-1"))
/// for frame in frames { try writer.write(frame) }
/// try writer.close()
/// ```
public final class NevrcapWriter {
    /// Compression level, how often a zstd frame ends (durability), and the checksum.
    public struct Options: Sendable {
        /// zstd compression level (1 = the Go tools' level).
        public var compressionLevel: Int32
        /// End a zstd frame after this many capture frames (0: never by count).
        public var framesPerZstdFrame: Int
        /// End a zstd frame once this much capture time passed since the last end (0: never by time).
        public var secondsPerZstdFrame: Double
        /// Write zstd's content checksum (the Go tools do).
        public var checksum: Bool

        /// The Go tools' level 1, a zstd frame at least every 600 frames or second of capture time, checksum on.
        public init(compressionLevel: Int32 = 1, framesPerZstdFrame: Int = 600, secondsPerZstdFrame: Double = 1.0, checksum: Bool = true) {
            self.compressionLevel = compressionLevel
            self.framesPerZstdFrame = framesPerZstdFrame
            self.secondsPerZstdFrame = secondsPerZstdFrame
            self.checksum = checksum
        }
    }

    private let label: String
    private let options: Options
    /// The zstd context and file (shared with ``TapeWriter``).
    private let out: ZstdOutput
    private var encoder = ProtoWriter(capacity: 64 * 1024)
    private var closed = false
    /// Bytes were fed since the last zstd frame end.
    private var pending = false
    private var framesInZstdFrame = 0
    private var zstdFrameStart: Timestamp?

    /// Capture frames written.
    public private(set) var framesWritten = 0
    /// Compressed bytes handed to the file (or memory) so far.
    public var compressedBytes: Int { out.compressedBytes }
    /// Protobuf bytes (length prefixes included) fed to the compressor so far.
    public private(set) var uncompressedBytes = 0
    /// zstd frames completed so far.
    public private(set) var zstdFramesEnded = 0

    /// Creates (truncates) `url` and writes `header` as record 0 (`nil`: a header-less file,
    /// which the Go tools' tests also produce).
    public init(url: URL, header: NevrcapHeader?, options: Options = .init()) throws(NevrcapError) {
        guard let f = fopen(url.path, "wb") else {
            throw NevrcapError(reason: .io("cannot create: \(String(cString: strerror(errno)))"), file: url.path)
        }
        out = ZstdOutput(file: f)
        label = url.path
        self.options = options
        try configure()
        if let header { try write(header) }
    }

    /// Compresses into memory; read the result with ``compressedData``.
    public init(inMemory label: String = "<memory>", header: NevrcapHeader?, options: Options = .init()) throws(NevrcapError) {
        out = ZstdOutput()
        self.label = label
        self.options = options
        try configure()
        if let header { try write(header) }
    }

    private func configure() throws(NevrcapError) {
        do { try out.configure(level: options.compressionLevel, checksum: options.checksum) } catch { throw map(error) }
    }

    deinit {
        if !closed { try? close() }
        encoder.deallocate()
    }

    /// The compressed bytes of an in-memory writer (complete after ``close()``).
    public var compressedData: [UInt8] { out.memory }

    /// Appends one frame record. Its `index` is written as given.
    ///
    /// A frame holding a value the format cannot store (``NevrcapWire/checkEncodable(_:)``) is
    /// refused with reason `.unrepresentable` before anything is written: the file stays valid
    /// and the next frame can be written.
    public func write(_ frame: Frame) throws(NevrcapError) {
        guard !closed else { throw NevrcapError(reason: .io("write after close"), file: label) }
        do {
            try NevrcapWire.checkEncodable(frame)
        } catch {
            throw NevrcapError(reason: .unrepresentable(error), file: label, recordIndex: framesWritten + 1)
        }
        encoder.removeAll()
        encoder.frame(frame)
        try feedRecord()
        framesWritten += 1
        framesInZstdFrame += 1
        if zstdFrameStart == nil { zstdFrameStart = frame.timestamp }
        var end = options.framesPerZstdFrame > 0 && framesInZstdFrame >= options.framesPerZstdFrame
        if !end, options.secondsPerZstdFrame > 0, let start = zstdFrameStart {
            let elapsed = Double(frame.timestamp.nanosecondsSinceEpoch &- start.nanosecondsSinceEpoch) / 1e9
            end = elapsed >= options.secondsPerZstdFrame
        }
        if end { try flush() }
    }

    /// Ends the current zstd frame and hands everything to the OS.
    public func flush() throws(NevrcapError) {
        guard !closed else { return }
        // No empty zstd frames, except one for a file with no records at all (still a valid stream).
        if pending || zstdFramesEnded == 0 {
            try compress(nil, 0, ZSTD_e_end)
            zstdFramesEnded += 1
            pending = false
        }
        framesInZstdFrame = 0
        zstdFrameStart = nil
        do { try out.flushFile() } catch { throw map(error) }
    }

    /// Flushes and closes the file. Idempotent.
    public func close() throws(NevrcapError) {
        guard !closed else { return }
        var failure: NevrcapError?
        do { try flush() } catch { failure = error }
        closed = true
        do { try out.close() } catch { if failure == nil { failure = map(error) } }
        if let failure { throw failure }
    }

    private func write(_ header: NevrcapHeader) throws(NevrcapError) {
        encoder.removeAll()
        encoder.header(header)
        try feedRecord()
    }

    /// Compresses varint(length) then the encoded record.
    private func feedRecord() throws(NevrcapError) {
        var prefix: (UInt64, UInt64) = (0, 0)
        let length = encoder.count
        let prefixCount = withUnsafeMutableBytes(of: &prefix) { raw -> Int in
            var v = UInt64(length)
            var n = 0
            while v >= 0x80 {
                raw[n] = UInt8(truncatingIfNeeded: v) | 0x80
                v >>= 7
                n += 1
            }
            raw[n] = UInt8(truncatingIfNeeded: v)
            return n + 1
        }
        try withUnsafeBytes(of: &prefix) { (raw) throws(NevrcapError) in
            try compress(raw.baseAddress, prefixCount, ZSTD_e_continue)
        }
        try compress(UnsafeRawPointer(encoder.base), length, ZSTD_e_continue)
        uncompressedBytes += prefixCount + length
        pending = true
    }

    private func compress(_ src: UnsafeRawPointer?, _ count: Int, _ mode: ZSTD_EndDirective) throws(NevrcapError) {
        do { try out.compress(src, count, mode) } catch { throw map(error) }
    }

    private func map(_ error: ZstdOutputError) -> NevrcapError {
        switch error {
        case .io(let what): NevrcapError(reason: .io(what), file: label)
        case .zstd(let name): NevrcapError(reason: .zstd(name), file: label)
        }
    }
}
