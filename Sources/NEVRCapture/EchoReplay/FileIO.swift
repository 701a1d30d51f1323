#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A POSIX file descriptor owned by one reader or writer (closed on deinit).
/// Positional reads (`pread`) keep several byte sources on one descriptor independent.
final class FileDescriptor {
    let fd: Int32
    let path: String
    private var isClosed = false

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    static func openForReading(_ path: String) throws(EchoReplayError) -> FileDescriptor {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileDescriptor.error(path, "open") }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            _ = Glibc_close(fd)
            throw EchoReplayError(path: path, reason: .io(operation: "read", message: "is a directory"))
        }
        return FileDescriptor(fd: fd, path: path)
    }

    static func create(_ path: String) throws(EchoReplayError) -> FileDescriptor {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileDescriptor.error(path, "create") }
        return FileDescriptor(fd: fd, path: path)
    }

    /// Size of the file in bytes.
    func size() throws(EchoReplayError) -> Int64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileDescriptor.error(path, "stat") }
        return Int64(st.st_size)
    }

    /// Reads up to `buffer.count` bytes at `offset`; fewer only at the end of the file.
    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(EchoReplayError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + Int64(done)))
            if n < 0 {
                if errno == EINTR { continue }
                throw FileDescriptor.error(path, "read")
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Reads exactly `count` bytes at `offset` or fails as a truncated archive.
    func readExactly(at offset: Int64, count: Int) throws(EchoReplayError) -> [UInt8] {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 8)
        defer { scratch.deallocate() }
        let n = try read(at: offset, into: UnsafeMutableRawBufferPointer(rebasing: scratch[0 ..< count]))
        let out = [UInt8](UnsafeRawBufferPointer(rebasing: scratch[0 ..< n]))
        guard n == count else {
            throw EchoReplayError(path: path, reason: .corruptArchive("file ends inside a ZIP record at offset \(offset)"))
        }
        return out
    }

    /// Writes all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws(EchoReplayError) {
        var done = 0
        while done < bytes.count {
            let n = Glibc_write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileDescriptor.error(path, "write")
            }
            done += n
        }
    }

    func close() throws(EchoReplayError) {
        guard !isClosed else { return }
        isClosed = true
        if Glibc_close(fd) != 0 { throw FileDescriptor.error(path, "close") }
    }

    deinit {
        if !isClosed { _ = Glibc_close(fd) }
    }

    static func error(_ path: String, _ operation: String) -> EchoReplayError {
        let message = String(cString: strerror(errno))
        return EchoReplayError(path: path, reason: .io(operation: operation, message: message))
    }
}

// Module-qualified libc calls (the class has members of the same names).
@inline(__always) private func Glibc_close(_ fd: Int32) -> Int32 { close(fd) }
@inline(__always) private func Glibc_write(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
