import Foundation

/// Random-access input for ``TapeReader`` and ``NevrcapReader`` (through ``RecordStream``): a file (sequential reads plus positioned reads for
/// the seek table and footer) or bytes in memory.
final class ByteInput {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private enum Storage {
        case file(UnsafeMutablePointer<FILE>)
        case memory([UInt8])
    }

    private let storage: Storage
    private var position = 0
    let size: Int

    init(file: UnsafeMutablePointer<FILE>) {
        storage = .file(file)
        fseeko(file, 0, SEEK_END)
        size = Int(max(ftello(file), 0))
        fseeko(file, 0, SEEK_SET)
    }

    init(bytes: [UInt8]) {
        storage = .memory(bytes)
        size = bytes.count
    }

    deinit {
        if case .file(let f) = storage { fclose(f) }
    }

    /// Moves the sequential position.
    func seek(_ offset: Int) throws(Failure) {
        guard offset >= 0, offset <= size else { throw Failure(description: "seek to \(offset) outside a \(size)-byte file") }
        position = offset
        if case .file(let f) = storage, fseeko(f, off_t(offset), SEEK_SET) != 0 {
            throw Failure(description: "seek failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Up to `count` bytes at the sequential position; 0 at the end.
    func readNext(into dst: UnsafeMutableRawPointer, count: Int) throws(Failure) -> Int {
        switch storage {
        case .file(let f):
            let n = fread(dst, 1, count, f)
            if n == 0, ferror(f) != 0 { throw Failure(description: "read failed: \(String(cString: strerror(errno)))") }
            position += n
            return n
        case .memory(let bytes):
            let n = min(count, bytes.count - position)
            if n > 0 { bytes.withUnsafeBytes { dst.copyMemory(from: $0.baseAddress! + position, byteCount: n) } }
            position += n
            return n
        }
    }

    /// `count` bytes at `offset` (fewer at the end of the file); the sequential position is kept.
    func read(at offset: Int, count: Int) throws(Failure) -> [UInt8] {
        guard offset >= 0, offset <= size else { return [] }
        let n = min(count, size - offset)
        guard n > 0 else { return [] }
        switch storage {
        case .memory(let bytes):
            return Array(bytes[offset..<offset + n])
        case .file(let f):
            var out = [UInt8](repeating: 0, count: n)
            let got = out.withUnsafeMutableBytes { pread(fileno(f), $0.baseAddress, n, off_t(offset)) }
            guard got >= 0 else { throw Failure(description: "read failed: \(String(cString: strerror(errno)))") }
            out.removeSubrange(got...)
            return out
        }
    }
}
