import CNEVRZlib
import CZstd

/// One-shot chunk decompression for `.butter` (gzip member or zstd frame) with an output budget,
/// so a hostile chunk cannot claim unbounded memory.
enum ButterDecompression {
    struct Failure: Error {
        var text: String
    }

    static func gunzip(_ input: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        // 16 + 15: a gzip (RFC 1952) member with a 32 KiB window.
        guard inflateInit2_(&stream, 16 + 15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(text: "zlib init failed")
        }
        defer { inflateEnd(&stream) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var rc: Int32 = Z_OK
        let problem: String? = input.withUnsafeBufferPointer { src -> String? in
            stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
            stream.avail_in = UInt32(src.count)
            repeat {
                rc = chunk.withUnsafeMutableBufferPointer { dst -> Int32 in
                    stream.next_out = dst.baseAddress
                    stream.avail_out = UInt32(dst.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                out.append(contentsOf: chunk[0..<produced])
                if out.count > limit { return "decompresses to more than \(limit) bytes" }
                if rc == Z_BUF_ERROR && stream.avail_in == 0 { return "gzip data cut short" }
                if rc != Z_OK && rc != Z_STREAM_END { return "gzip error \(rc)" }
            } while rc != Z_STREAM_END
            return nil
        }
        if let problem { throw Failure(text: problem) }
        return out
    }

    static func unzstd(_ input: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        let dctx = ZSTD_createDCtx()!
        defer { ZSTD_freeDCtx(dctx) }
        if input.withUnsafeBytes({ ZSTD_getDictID_fromFrame($0.baseAddress, $0.count) }) != 0 {
            throw Failure(text: "needs a zstd dictionary")
        }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let problem: String? = input.withUnsafeBytes { src -> String? in
            var inBuf = ZSTD_inBuffer(src: src.baseAddress, size: src.count, pos: 0)
            while true {
                var produced = 0
                let rc = chunk.withUnsafeMutableBytes { dst -> Int in
                    var outBuf = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
                    let r = ZSTD_decompressStream(dctx, &outBuf, &inBuf)
                    produced = outBuf.pos
                    return r
                }
                if ZSTD_isError(rc) != 0 { return "zstd: \(String(cString: ZSTD_getErrorName(rc)))" }
                out.append(contentsOf: chunk[0..<produced])
                if out.count > limit { return "decompresses to more than \(limit) bytes" }
                if rc == 0 && inBuf.pos == inBuf.size { return nil }
                if inBuf.pos == inBuf.size && produced == 0 { return "zstd data cut short" }
            }
        }
        if let problem { throw Failure(text: problem) }
        return out
    }
}
