import CZstd

/// One-shot zstd helpers for small in-memory payloads (tests, verification). Files stream
/// through ``NevrcapWriter`` and ``NevrcapReader`` instead.
enum Zstd {
    /// One complete zstd frame holding `bytes` (content checksum on).
    static func compress(_ bytes: [UInt8], level: Int32 = 1) -> [UInt8] {
        let cctx = ZSTD_createCCtx()!
        defer { ZSTD_freeCCtx(cctx) }
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level)
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1)
        return compress(bytes, with: cctx)
    }

    /// One complete zstd frame of `bytes` made with `cctx` as the caller configured it (callers
    /// that compress many small streams keep one context: creating one costs more than the work).
    static func compress(_ bytes: [UInt8], with cctx: OpaquePointer) -> [UInt8] {
        let bound = ZSTD_compressBound(bytes.count)
        var out = [UInt8](repeating: 0, count: bound)
        let n = out.withUnsafeMutableBytes { dst in
            bytes.withUnsafeBytes { src in ZSTD_compress2(cctx, dst.baseAddress, bound, src.baseAddress, src.count) }
        }
        precondition(ZSTD_isError(n) == 0, "zstd compression of an in-memory buffer failed")
        out.removeSubrange(n...)
        return out
    }
}
