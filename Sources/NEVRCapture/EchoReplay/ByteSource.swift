import CNEVRZlib

/// Pulls bytes in chunks: the text of an `.echoreplay`, plain or inflated.
protocol ByteSource: AnyObject {
    /// Fills the front of `buffer`; returns how many bytes it wrote, 0 only at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(EchoReplayError) -> Int
    /// Bytes of the underlying file consumed so far (for progress).
    var fileBytesConsumed: Int64 { get }
}

/// A byte range of a file (`length == nil`: up to the end of the file).
final class FileRangeSource: ByteSource {
    private let file: FileDescriptor
    private var offset: Int64
    private var remaining: Int64?
    private(set) var fileBytesConsumed: Int64 = 0

    init(file: FileDescriptor, offset: Int64, length: Int64?) {
        self.file = file
        self.offset = offset
        self.remaining = length
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(EchoReplayError) -> Int {
        var want = buffer.count
        if let r = remaining { want = Int(min(Int64(want), r)) }
        guard want > 0 else { return 0 }
        let n = try file.read(at: offset, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0 ..< want]))
        offset += Int64(n)
        fileBytesConsumed += Int64(n)
        if let r = remaining {
            remaining = r - Int64(n)
            if n < want {
                throw EchoReplayError(path: file.path, reason: .corruptArchive("file ends inside the entry's data"))
            }
        }
        return n
    }
}

/// Checks an entry's bytes against what the ZIP central directory promised:
/// the running CRC-32 and size, and the caller's inflated-size bound.
final class EntryCheckingSource: ByteSource {
    private let inner: ByteSource
    private let path: String
    private let expectedCRC: UInt32?
    private let expectedSize: Int64?
    private let limit: Int64
    private var crc: UInt = 0
    private var produced: Int64 = 0

    init(_ inner: ByteSource, path: String, expectedCRC: UInt32?, expectedSize: Int64?, limit: Int64) {
        self.inner = inner
        self.path = path
        self.expectedCRC = expectedCRC
        self.expectedSize = expectedSize
        self.limit = limit
    }

    var fileBytesConsumed: Int64 { inner.fileBytesConsumed }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(EchoReplayError) -> Int {
        let n = try inner.read(into: buffer)
        if n == 0 {
            if let size = expectedSize, produced != size {
                throw EchoReplayError(path: path, reason: .corruptData("entry holds \(produced) bytes, the archive says \(size)"))
            }
            if let want = expectedCRC, UInt32(truncatingIfNeeded: crc) != want {
                throw EchoReplayError(path: path, reason: .corruptData("CRC-32 mismatch (the entry's content is damaged)"))
            }
            return 0
        }
        produced += Int64(n)
        if produced > limit {
            throw EchoReplayError(path: path, reason: .entryTooLarge(limit: limit))
        }
        if let size = expectedSize, produced > size {
            throw EchoReplayError(path: path, reason: .corruptData("entry inflates past its declared size of \(size) bytes"))
        }
        if expectedCRC != nil {
            crc = crc32(crc, buffer.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(n))
        }
        return n
    }
}

/// Raw-deflate decompression (ZIP method 8) of another source, pulled chunk by chunk.
final class InflatingSource: ByteSource {
    private let input: ByteSource
    private let path: String
    private let stream: UnsafeMutablePointer<z_stream>
    private let inBuffer: UnsafeMutableRawBufferPointer
    private var inputEnded = false
    private var streamEnded = false
    /// Set when the compressed data stops before the deflate stream's end
    /// (an archive cut off by a crash); the caller decides whether that is fatal.
    private(set) var wasTruncated = false
    private let allowTruncation: Bool

    init(_ input: ByteSource, path: String, chunkSize: Int, allowTruncation: Bool = false) throws(EchoReplayError) {
        self.input = input
        self.path = path
        self.allowTruncation = allowTruncation
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        inBuffer = .allocate(byteCount: chunkSize, alignment: 16)
        // -15: raw deflate, no zlib header (the ZIP entry format).
        let rc = inflateInit2_(stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            inBuffer.deallocate()
            throw EchoReplayError(path: path, reason: .corruptData("zlib inflateInit2 failed (\(rc))"))
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        inBuffer.deallocate()
    }

    var fileBytesConsumed: Int64 { input.fileBytesConsumed }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(EchoReplayError) -> Int {
        guard !streamEnded, buffer.count > 0 else { return 0 }
        stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(min(buffer.count, Int(UInt32.max)))
        while stream.pointee.avail_out > 0 {
            if stream.pointee.avail_in == 0 && !inputEnded {
                let n = try input.read(into: inBuffer)
                if n == 0 {
                    inputEnded = true
                } else {
                    stream.pointee.next_in = inBuffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_in = uInt(n)
                }
            }
            let before = stream.pointee.avail_out
            let rc = inflate(stream, Z_NO_FLUSH)
            if rc == Z_STREAM_END {
                streamEnded = true
                break
            }
            if rc == Z_BUF_ERROR || (rc == Z_OK && before == stream.pointee.avail_out && inputEnded && stream.pointee.avail_in == 0) {
                // No progress possible: the input ran out before the stream's end.
                if inputEnded && stream.pointee.avail_in == 0 {
                    if allowTruncation {
                        wasTruncated = true
                        streamEnded = true
                        break
                    }
                    throw EchoReplayError(path: path, reason: .corruptData("deflate stream ends early (truncated entry)"))
                }
                continue
            }
            guard rc == Z_OK else {
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
                throw EchoReplayError(path: path, reason: .corruptData(message))
            }
        }
        return buffer.count - Int(stream.pointee.avail_out)
    }
}
