import Foundation
import NEVRCapture

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `-` as a file argument: standard input or standard output.
///
/// Every reader needs a file it can seek in (a ZIP's directory is at its end), so standard
/// input is first copied to a temporary file, 1 MiB at a time (memory stays flat), named with
/// the extension of the format its first bytes show. An output `-` is written to a temporary
/// file of the asked format and copied to standard output when complete. Messages name
/// standard input `stdin` and standard output `stdout`.
final class StandardStream {
    /// What messages call the file: the path given, `stdin` or `stdout`.
    let label: String
    /// The file to read or write.
    let url: URL
    /// True for `-`.
    let isStandard: Bool

    private init(label: String, url: URL, isStandard: Bool) {
        self.label = label
        self.url = url
        self.isStandard = isStandard
    }

    deinit {
        if isStandard { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
    }

    /// The input named `path`: the file itself, or standard input copied to a temporary file.
    static func input(_ path: String) throws -> StandardStream {
        guard path == "-" else { return StandardStream(label: path, url: URL(fileURLWithPath: path), isStandard: false) }
        let folder = try temporaryFolder()
        let spool = folder.appendingPathComponent("stdin")
        guard FileManager.default.createFile(atPath: spool.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: spool.path) else {
            throw CLIMessage(file: "stdin", reason: "cannot create a temporary file in \(folder.path)")
        }
        var prefix: [UInt8] = []
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(0, buffer, 1 << 20)
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIMessage(file: "stdin", reason: "cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            let chunk = Data(bytes: buffer, count: n)
            if prefix.count < 64 { prefix += chunk.prefix(64 - prefix.count) }
            handle.write(chunk)
        }
        try handle.close()
        guard !prefix.isEmpty else { throw CLIMessage(file: "stdin", reason: "standard input is empty") }
        guard let format = CaptureFormat.sniff(prefix) else {
            throw CaptureFormatError(path: "stdin", reason: .unrecognisedContent)
        }
        let named = folder.appendingPathComponent("stdin." + format.preferredExtension)
        try FileManager.default.moveItem(at: spool, to: named)
        CLIOutput.alias(named.path, as: "stdin")
        return StandardStream(label: "stdin", url: named, isStandard: true)
    }

    /// The output named `path`: the file itself, or a temporary file of `format` that
    /// ``finishOutput()`` copies to standard output. `-` needs a format.
    static func output(_ path: String, format: CaptureFormat?) throws -> StandardStream {
        guard path == "-" else { return StandardStream(label: path, url: URL(fileURLWithPath: path), isStandard: false) }
        guard let format else {
            throw CLIMessage(file: "stdout", reason: "say which format to write with --format (\(CaptureFormat.allCases.filter(\.isSupported).map(\.rawValue).joined(separator: ", ")))")
        }
        let url = try temporaryFolder().appendingPathComponent("stdout." + format.preferredExtension)
        CLIOutput.alias(url.path, as: "stdout")
        return StandardStream(label: "stdout", url: url, isStandard: true)
    }

    /// For a `-` output: copies the finished temporary file to standard output.
    func finishOutput() throws {
        guard isStandard else { return }
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return }
        defer { try? handle.close() }
        let out = StandardOutputBuffer()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            try out.append([UInt8](chunk))
        }
        try out.flush()
    }

    private static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nevr-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}

/// A CLI-level error already in the `nevr: <file>: <reason>` shape.
struct CLIMessage: Error, CaptureFileError {
    var file: String
    var reason: String
    init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }
    var path: String { file }
    var reasonDescription: String { reason }
    var description: String { "\(file): \(reason)" }
}
