import CNEVRZlib
import Foundation

/// Writes a ZIP archive holding one Deflate entry, streamed: the local header
/// carries no sizes (general-purpose flag bit 3), the CRC-32 and sizes follow
/// the data in a data descriptor and in the central directory, with ZIP64
/// records when a size or offset passes 4 GiB.
///
/// A crash before ``finish()`` leaves the local header and the deflate data
/// flushed so far, without a central directory; ``EchoReplayReader`` recovers
/// the complete lines of such a file.
final class ZipStreamWriter {
    private let file: FileDescriptor
    private let entryName: [UInt8]
    private let stream: UnsafeMutablePointer<z_stream>
    private let outBuffer: UnsafeMutableRawBufferPointer
    private var crc: UInt = 0
    private var uncompressed: Int64 = 0
    private var compressed: Int64 = 0
    private var offset: Int64 = 0
    private let dosTime: UInt16
    private let dosDate: UInt16
    private var finished = false
    /// Sizes and offsets from this value on use ZIP64 records (4 GiB - 1 by the format;
    /// lower only in tests, to exercise the ZIP64 path with small files).
    private let zip64Threshold: Int64

    init(file: FileDescriptor, entryName: String, level: Int32, modified: Date = Date(),
         zip64Threshold: Int64 = 0xFFFF_FFFF) throws(EchoReplayError) {
        self.file = file
        self.zip64Threshold = zip64Threshold
        self.entryName = Array(entryName.utf8)
        (dosTime, dosDate) = ZipStreamWriter.dosDateTime(modified)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        outBuffer = .allocate(byteCount: 256 << 10, alignment: 16)
        let rc = deflateInit2_(stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            outBuffer.deallocate()
            throw EchoReplayError(path: file.path, reason: .invalidRecord("zlib deflateInit2 failed (\(rc))"))
        }
        var header: [UInt8] = []
        header.reserveCapacity(30 + self.entryName.count)
        put32(&header, ZipDirectory.localHeaderSignature)
        put16(&header, 20)          // version needed: 2.0 (Deflate)
        put16(&header, 0x0808)      // bit 3: sizes in the data descriptor; bit 11: UTF-8 name
        put16(&header, 8)           // Deflate
        put16(&header, dosTime)
        put16(&header, dosDate)
        put32(&header, 0)           // CRC-32, sizes: in the data descriptor
        put32(&header, 0)
        put32(&header, 0)
        put16(&header, UInt16(self.entryName.count))
        put16(&header, 0)
        header += self.entryName
        try emit(header)
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        outBuffer.deallocate()
    }

    /// Compresses `bytes` into the entry.
    func write(_ bytes: UnsafeRawBufferPointer) throws(EchoReplayError) {
        guard !bytes.isEmpty else { return }
        crc = crc32(crc, bytes.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(bytes.count))
        uncompressed += Int64(bytes.count)
        stream.pointee.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(bytes.count)
        try pump(flush: Z_NO_FLUSH)
    }

    /// Pushes everything written so far to the file on a byte boundary (zlib sync flush),
    /// so an interrupted archive can be recovered up to here. Costs a few bytes each time.
    func flush() throws(EchoReplayError) {
        guard !finished else { return }
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        try pump(flush: Z_SYNC_FLUSH)
    }

    /// Ends the deflate stream and writes the data descriptor, central directory and end records.
    func finish() throws(EchoReplayError) {
        guard !finished else { return }
        finished = true
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        try pump(flush: Z_FINISH)

        let needs64 = uncompressed >= zip64Threshold || compressed >= zip64Threshold
        var tail: [UInt8] = []
        put32(&tail, ZipDirectory.dataDescriptorSignature)
        put32(&tail, UInt32(truncatingIfNeeded: crc))
        if needs64 {
            put64(&tail, UInt64(compressed))
            put64(&tail, UInt64(uncompressed))
        } else {
            put32(&tail, UInt32(compressed))
            put32(&tail, UInt32(uncompressed))
        }

        let cdOffset = offset + Int64(tail.count)
        var extra: [UInt8] = []
        if needs64 {
            // ZIP64 extended information: both sizes (the local header offset is always 0).
            put16(&extra, 0x0001)
            put16(&extra, 16)
            put64(&extra, UInt64(uncompressed))
            put64(&extra, UInt64(compressed))
        }
        put32(&tail, ZipDirectory.centralHeaderSignature)
        put16(&tail, 3 << 8 | (needs64 ? 45 : 20))   // made by: Unix
        put16(&tail, needs64 ? 45 : 20)
        put16(&tail, 0x0808)
        put16(&tail, 8)
        put16(&tail, dosTime)
        put16(&tail, dosDate)
        put32(&tail, UInt32(truncatingIfNeeded: crc))
        put32(&tail, needs64 ? 0xFFFF_FFFF : UInt32(compressed))
        put32(&tail, needs64 ? 0xFFFF_FFFF : UInt32(uncompressed))
        put16(&tail, UInt16(entryName.count))
        put16(&tail, UInt16(extra.count))
        put16(&tail, 0)              // comment
        put16(&tail, 0)              // disk
        put16(&tail, 0)              // internal attributes
        put32(&tail, 0o100644 << 16) // external attributes: regular file, rw-r--r--
        put32(&tail, 0)              // local header offset
        tail += entryName
        tail += extra
        let cdSize = offset + Int64(tail.count) - cdOffset

        let cdNeeds64 = cdOffset >= zip64Threshold
        if cdNeeds64 {
            let end64Offset = offset + Int64(tail.count)
            put32(&tail, ZipDirectory.zip64EndSignature)
            put64(&tail, 44)
            put16(&tail, 3 << 8 | 45)
            put16(&tail, 45)
            put32(&tail, 0)
            put32(&tail, 0)
            put64(&tail, 1)
            put64(&tail, 1)
            put64(&tail, UInt64(cdSize))
            put64(&tail, UInt64(cdOffset))
            put32(&tail, ZipDirectory.zip64LocatorSignature)
            put32(&tail, 0)
            put64(&tail, UInt64(end64Offset))
            put32(&tail, 1)
        }
        put32(&tail, ZipDirectory.endSignature)
        put16(&tail, 0)
        put16(&tail, 0)
        put16(&tail, 1)
        put16(&tail, 1)
        put32(&tail, UInt32(cdSize))
        put32(&tail, cdNeeds64 ? 0xFFFF_FFFF : UInt32(cdOffset))
        put16(&tail, 0)
        try emit(tail)
    }

    private func pump(flush: Int32) throws(EchoReplayError) {
        while true {
            stream.pointee.next_out = outBuffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(outBuffer.count)
            let rc = deflate(stream, flush)
            guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else {
                throw EchoReplayError(path: file.path, reason: .invalidRecord("zlib deflate failed (\(rc))"))
            }
            let produced = outBuffer.count - Int(stream.pointee.avail_out)
            if produced > 0 {
                try file.write(UnsafeRawBufferPointer(rebasing: outBuffer[0 ..< produced]))
                offset += Int64(produced)
                compressed += Int64(produced)
            }
            if flush == Z_FINISH {
                if rc == Z_STREAM_END { return }
            } else if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 {
                return
            }
        }
    }

    private func emit(_ bytes: [UInt8]) throws(EchoReplayError) {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        defer { scratch.deallocate() }
        scratch.copyBytes(from: bytes)
        try file.write(UnsafeRawBufferPointer(rebasing: scratch[0 ..< bytes.count]))
        offset += Int64(bytes.count)
    }

    /// MS-DOS date and time fields (local wall clock by convention; 2-second resolution).
    static func dosDateTime(_ date: Date) -> (UInt16, UInt16) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let year = max(1980, min(2107, c.year ?? 1980))
        let time = UInt16((c.hour ?? 0) << 11 | (c.minute ?? 0) << 5 | (c.second ?? 0) / 2)
        let day = UInt16((year - 1980) << 9 | (c.month ?? 1) << 5 | (c.day ?? 1))
        return (time, day)
    }
}

@inline(__always) func put16(_ out: inout [UInt8], _ v: UInt16) {
    out.append(UInt8(truncatingIfNeeded: v))
    out.append(UInt8(truncatingIfNeeded: v >> 8))
}

@inline(__always) func put32(_ out: inout [UInt8], _ v: UInt32) {
    put16(&out, UInt16(truncatingIfNeeded: v))
    put16(&out, UInt16(truncatingIfNeeded: v >> 16))
}

@inline(__always) func put64(_ out: inout [UInt8], _ v: UInt64) {
    put32(&out, UInt32(truncatingIfNeeded: v))
    put32(&out, UInt32(truncatingIfNeeded: v >> 32))
}
