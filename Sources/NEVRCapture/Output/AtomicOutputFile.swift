import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An output file that appears at its destination only when it is complete.
///
/// Writers write into ``temporaryURL``, a new file in the destination's folder (so the final
/// `rename(2)` is atomic: the destination holds either its old content or the complete new
/// file, never a fragment). ``commit()`` renames it into place; ``discard()`` (or dropping the
/// object without committing) removes it. With ``installSignalCleanup()``, SIGINT, SIGTERM and
/// SIGHUP also remove every temporary file still open before the process dies.
///
/// It refuses, before anything is created, to write over one of the `inputs` (the same path,
/// a symlink to it, or a hard link: same device and inode), so a conversion can never destroy
/// what it reads. A file already at the destination is left untouched until ``commit()``
/// replaces it; a failed conversion therefore keeps it.
///
/// ```swift
/// let out = try AtomicOutputFile(destination: URL(fileURLWithPath: "match.nevrcap"), inputs: [input])
/// let writer = try NevrcapWriter(url: out.temporaryURL, header: header)
/// // ... write frames ...
/// try writer.close()
/// try out.commit()   // now match.nevrcap exists, complete
/// ```
public final class AtomicOutputFile {
    /// Where the file appears on ``commit()``.
    public let destination: URL
    /// Where the content is written until then (same folder, hidden name, `.partial` suffix).
    public let temporaryURL: URL
    /// True once ``commit()`` succeeded.
    public private(set) var isCommitted = false
    private var isDiscarded = false
    private let slot: Int?

    /// Creates the temporary file (empty, exclusive, mode 0644) next to `destination`.
    ///
    /// Throws ``OutputFileError`` when `destination` is one of `inputs`, is a folder, or its
    /// folder cannot be written.
    public init(destination: URL, inputs: [URL] = []) throws {
        self.destination = destination
        for input in inputs where OutputPaths.sameFile(input, destination) {
            throw OutputFileError(path: destination.path, reason: .wouldOverwriteInput(input.path))
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: destination.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw OutputFileError(path: destination.path, reason: .isDirectory)
        }
        let folder = destination.deletingLastPathComponent()
        var created: URL?
        // A unique name: pid plus a counter plus randomness; O_EXCL makes a clash an error, not a share.
        for _ in 0..<16 {
            let tag = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            let candidate = folder.appendingPathComponent(".\(destination.lastPathComponent).\(tag).partial")
            let fd = open(candidate.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 {
                close(fd)
                created = candidate
                break
            }
            if errno != EEXIST {
                throw OutputFileError(path: destination.path, reason: .io("cannot create a file in \(folder.path): \(String(cString: strerror(errno)))"))
            }
        }
        guard let created else {
            throw OutputFileError(path: destination.path, reason: .io("cannot find a free temporary name in \(folder.path)"))
        }
        temporaryURL = created
        slot = PendingOutputs.register(created.path)
    }

    deinit { discard() }

    /// Moves the finished file to ``destination`` (replacing what was there) and flushes the
    /// rename to disk. Call only after the writer closed the temporary file successfully.
    public func commit() throws {
        guard !isCommitted else { return }
        guard !isDiscarded else { throw OutputFileError(path: destination.path, reason: .io("commit after discard")) }
        if rename(temporaryURL.path, destination.path) != 0 {
            let message = String(cString: strerror(errno))
            discard()
            throw OutputFileError(path: destination.path, reason: .io("cannot move the finished file into place: \(message)"))
        }
        isCommitted = true
        if let slot { PendingOutputs.unregister(slot) }
        // The rename is durable only once the folder is synced (best effort).
        let dir = open(destination.deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        if dir >= 0 {
            _ = fsync(dir)
            close(dir)
        }
    }

    /// Removes the temporary file; the destination is untouched. Idempotent; a no-op after ``commit()``.
    public func discard() {
        guard !isCommitted, !isDiscarded else { return }
        isDiscarded = true
        unlink(temporaryURL.path)
        if let slot { PendingOutputs.unregister(slot) }
    }

    /// Makes SIGINT, SIGTERM and SIGHUP remove every uncommitted temporary file, then end the
    /// process by that signal (a shell shows status 128 + signal). Call once, early, from a
    /// command-line tool; a process that handles these signals itself should instead call
    /// ``discard()`` on its way out.
    public static func installSignalCleanup() {
        PendingOutputs.installHandlers()
    }

    /// Runs `body` with a temporary output and commits it when `body` returns; on a throw the
    /// temporary file is removed and the destination keeps its old content (if any).
    public static func write<T>(to destination: URL, inputs: [URL] = [], _ body: (URL) throws -> T) throws -> T {
        let out = try AtomicOutputFile(destination: destination, inputs: inputs)
        do {
            let result = try body(out.temporaryURL)
            try out.commit()
            return result
        } catch {
            out.discard()
            throw error
        }
    }
}

/// Why an output file was refused or could not be written.
public struct OutputFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong with the output.
    public enum Reason: Hashable, Sendable {
        /// The output path is (or links to) this input file.
        case wouldOverwriteInput(String)
        /// Several inputs would write this output (their paths listed).
        case collision([String])
        /// The output path is a folder.
        case isDirectory
        /// Creating, renaming or removing failed.
        case io(String)
    }

    /// The output path.
    public var path: String
    /// What was wrong.
    public var reason: Reason

    /// An error about the output `path`.
    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// The reason in words, without the path (the inputs that collide, the input it would overwrite).
    public var reasonDescription: String {
        switch reason {
        case .wouldOverwriteInput(let input):
            return input == path ? "the output is the input file (refusing to overwrite it)" : "the output is the input file \(input) (refusing to overwrite it)"
        case .collision(let inputs): return "\(inputs.count) inputs would write this output: \(inputs.joined(separator: ", "))"
        case .isDirectory: return "the output is a folder"
        case .io(let text): return text
        }
    }

    /// `path: reason`.
    public var description: String { "\(path): \(reasonDescription)" }
}

extension OutputFileError: CaptureFileError {}

/// Path checks for conversions: same-file detection and colliding outputs of a batch.
public enum OutputPaths {
    /// True when `a` and `b` name the same file: equal after resolving symlinks, or (both
    /// existing) the same device and inode, which also catches hard links.
    public static func sameFile(_ a: URL, _ b: URL) -> Bool {
        let pa = a.standardizedFileURL.resolvingSymlinksInPath().path
        let pb = b.standardizedFileURL.resolvingSymlinksInPath().path
        if pa == pb { return true }
        var sa = stat()
        var sb = stat()
        guard stat(pa, &sa) == 0, stat(pb, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    /// Checks a batch of (input, output) pairs before anything is written: no output may be
    /// any input of the batch, and no two inputs may share an output. Returns one error per
    /// refused output (empty when the batch is safe); the caller skips or disambiguates those.
    public static func conflicts(in pairs: [(input: URL, output: URL)]) -> [OutputFileError] {
        var errors: [OutputFileError] = []
        var byOutput: [String: [String]] = [:]
        var order: [String] = []
        for pair in pairs {
            let key = pair.output.standardizedFileURL.resolvingSymlinksInPath().path
            if byOutput[key] == nil { order.append(key) }
            byOutput[key, default: []].append(pair.input.path)
        }
        for key in order where byOutput[key]!.count > 1 {
            errors.append(OutputFileError(path: key, reason: .collision(byOutput[key]!)))
        }
        let inputs = pairs.map(\.input)
        for pair in pairs {
            if let hit = inputs.first(where: { sameFile($0, pair.output) }) {
                errors.append(OutputFileError(path: pair.output.path, reason: .wouldOverwriteInput(hit.path)))
            }
        }
        return errors
    }
}

/// The temporary files not yet committed, kept where a signal handler can reach them: a fixed
/// table of C strings (allocated once; the handler only reads it and calls `unlink`, which is
/// async-signal-safe).
enum PendingOutputs {
    static let capacity = 1024
    nonisolated(unsafe) static let table: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let t = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        t.initialize(repeating: nil, count: capacity)
        return t
    }()
    static let lock = NSLock()
    nonisolated(unsafe) static var installed = false

    static func register(_ path: String) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        for i in 0..<capacity where table[i] == nil {
            table[i] = strdup(path)
            return i
        }
        return nil  // more than `capacity` open outputs: still removed on failure, just not on a signal
    }

    static func unregister(_ slot: Int) {
        lock.lock()
        defer { lock.unlock() }
        let p = table[slot]
        table[slot] = nil
        free(p)
    }

    static func installHandlers() {
        lock.lock()
        defer { lock.unlock() }
        guard !installed else { return }
        installed = true
        _ = table  // initialised here, never inside the handler
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { received in
                for i in 0..<PendingOutputs.capacity {
                    if let p = PendingOutputs.table[i] { unlink(p) }
                }
                // Die of the same signal, so the parent sees what happened.
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }
}
