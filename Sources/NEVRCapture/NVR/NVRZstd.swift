import CZstd

/// Reusable zstd contexts for the many small streams of `.nvr` blocks (creating a context per
/// call costs more than compressing a stream). Not thread-safe: one per writer or reader.
final class NVRZstd {
    private let cctx: OpaquePointer
    private let dctx: OpaquePointer

    init() {
        cctx = ZSTD_createCCtx()!
        dctx = ZSTD_createDCtx()!
    }

    deinit {
        ZSTD_freeCCtx(cctx)
        ZSTD_freeDCtx(dctx)
    }

    /// One zstd frame of `bytes` (no checksum: records carry a CRC-32).
    func compress(_ bytes: [UInt8], level: Int32) -> [UInt8] {
        ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters)
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level)
        return Zstd.compress(bytes, with: cctx)
    }

    /// Decompresses `input`, which must hold exactly `rawLength` bytes of content.
    func decompress(_ input: ArraySlice<UInt8>, rawLength: Int) throws(NVRCorrupt) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: max(rawLength, 1))
        let n = out.withUnsafeMutableBytes { dst in
            input.withUnsafeBytes { src in ZSTD_decompressDCtx(dctx, dst.baseAddress, rawLength, src.baseAddress, src.count) }
        }
        if ZSTD_isError(n) != 0 {
            throw NVRCorrupt("zstd: \(String(cString: ZSTD_getErrorName(n)))")
        }
        guard n == rawLength else { throw NVRCorrupt("zstd stream holds \(n) bytes, header says \(rawLength)") }
        out.removeSubrange(rawLength...)
        return out
    }
}
