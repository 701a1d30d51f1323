import CZstd
import Foundation

/// Why a ``ZstdOutput`` failed; each writer turns it into its own error type.
enum ZstdOutputError: Error {
    /// Writing or closing the file failed.
    case io(String)
    /// libzstd refused a parameter, a dictionary or the data.
    case zstd(String)
}

/// The compressed side `.nevrcap` and `.tape` writers share: one zstd compression context and
/// output window feeding a file or memory. The writers decide what goes into which zstd frame
/// (``compress(_:_:_:)`` with `ZSTD_e_end` closes one); raw bytes (a seek table, an
/// uncompressed stream) go out through ``emit(_:_:)``.
final class ZstdOutput {
    private enum Sink {
        case file(UnsafeMutablePointer<FILE>)
        case memory
    }

    private let sink: Sink
    private let cctx: OpaquePointer
    private let output: UnsafeMutableRawPointer
    private let outputCapacity: Int
    private var closed = false
    /// The bytes of an in-memory output.
    private(set) var memory: [UInt8] = []
    /// Bytes handed to the file (or memory) so far.
    private(set) var compressedBytes = 0

    /// Writes into `file` (closed by ``close()``, or when the output is dropped).
    init(file: UnsafeMutablePointer<FILE>) {
        sink = .file(file)
        cctx = ZSTD_createCCtx()!
        outputCapacity = ZSTD_CStreamOutSize()
        output = .allocate(byteCount: outputCapacity, alignment: 16)
    }

    /// Writes into memory (``memory``).
    init() {
        sink = .memory
        cctx = ZSTD_createCCtx()!
        outputCapacity = ZSTD_CStreamOutSize()
        output = .allocate(byteCount: outputCapacity, alignment: 16)
    }

    deinit {
        if !closed, case .file(let f) = sink { fclose(f) }
        ZSTD_freeCCtx(cctx)
        output.deallocate()
    }

    /// Sets the level and content checksum, and loads a trained dictionary when given.
    func configure(level: Int32, checksum: Bool, dictionary: [UInt8]? = nil) throws(ZstdOutputError) {
        try check(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level))
        try check(ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, checksum ? 1 : 0))
        if let dictionary {
            try check(dictionary.withUnsafeBytes { ZSTD_CCtx_loadDictionary(cctx, $0.baseAddress, $0.count) })
        }
    }

    /// Feeds `count` bytes to the compressor; `ZSTD_e_end` also ends the zstd frame.
    func compress(_ src: UnsafeRawPointer?, _ count: Int, _ mode: ZSTD_EndDirective) throws(ZstdOutputError) {
        var input = ZSTD_inBuffer(src: src, size: count, pos: 0)
        while true {
            var out = ZSTD_outBuffer(dst: output, size: outputCapacity, pos: 0)
            let remaining = ZSTD_compressStream2(cctx, &out, &input, mode)
            try check(remaining)
            if out.pos > 0 { try emit(UnsafeRawPointer(output), out.pos) }
            if mode == ZSTD_e_end {
                if remaining == 0 { return }
            } else if input.pos == input.size {
                return
            }
        }
    }

    /// Writes bytes as they are (not compressed).
    func emit(_ src: UnsafeRawPointer, _ count: Int) throws(ZstdOutputError) {
        switch sink {
        case .file(let f):
            if fwrite(src, 1, count, f) != count { throw .io("write failed: \(String(cString: strerror(errno)))") }
        case .memory:
            memory.append(contentsOf: UnsafeRawBufferPointer(start: src, count: count))
        }
        compressedBytes += count
    }

    /// Hands what was written to the OS (a file; nothing to do in memory).
    func flushFile() throws(ZstdOutputError) {
        if case .file(let f) = sink, fflush(f) != 0 { throw .io("write failed: \(String(cString: strerror(errno)))") }
    }

    /// Closes the file. Idempotent.
    func close() throws(ZstdOutputError) {
        guard !closed else { return }
        closed = true
        if case .file(let f) = sink, fclose(f) != 0 { throw .io("close failed: \(String(cString: strerror(errno)))") }
    }

    private func check(_ code: Int) throws(ZstdOutputError) {
        if ZSTD_isError(code) != 0 { throw .zstd(String(cString: ZSTD_getErrorName(code))) }
    }
}
