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
