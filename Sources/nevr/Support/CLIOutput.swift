import ArgumentParser
import Foundation
import NEVRAnalysis
import NEVRCapture

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// stderr messages in the CLI's one format, `nevr: <file>: <reason>`.
enum CLIOutput {
    /// Writes `text` and a newline to stderr.
    static func printError(_ text: String) {
        Terminal.note(text)
    }

    /// `nevr: <file>: <reason>` on stderr (a temporary file standing for `-` is named `stdin`/`stdout`).
    static func printError(file: String, _ reason: String) {
        printError("nevr: \(aliases.name(file)): \(reason)")
    }

    /// Messages about `path` name it `label` instead (the temporary file behind `-`).
    static func alias(_ path: String, as label: String) {
        aliases.set(path, label)
    }

    private static let aliases = PathAliases()

    /// Reports `error` about `file` on stderr (a codec error names its own file) and returns
    /// the failure exit code to throw.
    @discardableResult
    static func report(_ error: Error, file: String) -> ExitCode {
        if let e = error as? any CaptureFileError {
            printError(file: e.path, e.reasonDescription)
        } else {
            printError(file: file, ErrorText.reason(error))
        }
        return ExitCode.failure
    }

    /// Reports an error of `stats`, `clip`, `diff` or `plot` and returns the failure exit code:
    /// a ``StatsError`` names its own file (`path: reason`), anything else is about `file`.
    @discardableResult
    static func reportAnalysis(_ error: any Error, file: String) -> ExitCode {
        if let e = error as? StatsError {
            printError("nevr: \(e.description)")
            return ExitCode.failure
        }
        return report(error, file: file)
    }

    /// Reports why a server stopped and returns the failure exit code: a failure to listen names
    /// the address (`nevr: 127.0.0.1:6721: cannot listen: the port is already in use ...`),
    /// anything else names `file` (the recording, game or hub it was serving).
    @discardableResult
    static func reportServer(_ error: any Error, address: String, file: String) -> ExitCode {
        if let why = ErrorText.listenFailure(error) {
            printError(file: address, why)
            return ExitCode.failure
        }
        return report(error, file: file)
    }

    /// Warns about skipped lines: the count and the first few with their reasons.
    static func warnSkipped(file: String, count: Int, first: [SkippedLine], unit: String = "line", show: Int = 5) {
        guard count > 0 else { return }
        printError(file: file, "skipped \(count) bad \(unit)(s)")
        for line in first.prefix(show) { printError(file: file, "\(unit) \(line.lineNumber): \(line.reason)") }
        if count > min(show, first.count) { printError(file: file, "... and \(count - min(show, first.count)) more") }
    }

    /// Reports what a reader could not read: skipped lines or records (the first few with
    /// reasons), damaged regions, and a truncation ("<reason>; <action> every complete frame").
    static func reportDamage(file: String, _ report: CaptureReadReport, unit: String, action: String) {
        if report.skippedCount > 0 {
            printError(file: file, "skipped \(report.skippedCount) bad \(unit)(s)")
            let shown = report.skipped.prefix(5)
            for s in shown { printError(file: file, "\(unit) \(s.lineNumber): \(s.reason)") }
            if report.skippedCount > shown.count { printError(file: file, "... and \(report.skippedCount - shown.count) more") }
        }
        for damage in report.damage { printError(file: file, damage) }
        if let truncation = report.truncation { printError(file: file, "\(truncation); \(action) every complete frame") }
    }

    /// Runs `body`, turning any error into a `nevr: <file>: <reason>` line and a failure exit.
    static func run<T>(file: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw report(error, file: file)
        }
    }
}

/// A throttled progress line (at most ten redraws a second) drawn with ``Terminal``,
/// so only when stderr is a terminal.
final class ProgressLine {
    private let label: String
    private let enabled: Bool
    private var lastDraw: UInt64 = 0
    private var drawn = false

    init(_ label: String, enabled: Bool = Terminal.stderrIsTTY) {
        self.label = label
        self.enabled = enabled
    }

    /// Redraws with `fraction` (0...1, nil when unknown) and a short detail.
    func update(fraction: Double?, detail: String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard !drawn || now - lastDraw >= 100_000_000 else { return }
        lastDraw = now
        drawn = true
        var text = label
        if let fraction { text += " \(Int((fraction * 100).rounded(.down)))%" }
        Terminal.status(text + " \(detail)")
    }

    /// Erases the line (before the summary is printed).
    func finish() {
        guard enabled, drawn else { return }
        Terminal.clearStatus()
        drawn = false
    }
}

/// Buffered writes to stdout (one `write` per 256 KiB rather than per line).
final class StandardOutputBuffer {
    private var buffer: [UInt8] = []
    private let limit = 256 << 10

    init() { buffer.reserveCapacity(limit + 64 << 10) }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= limit { try flush() }
    }

    func append(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= limit { try flush() }
    }

    func append(_ byte: UInt8) { buffer.append(byte) }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let n = write(1, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw StandardOutputError(message: String(cString: strerror(errno)))
                }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    struct StandardOutputError: Error, CustomStringConvertible {
        var message: String
        var description: String { "cannot write to standard output: \(message)" }
    }
}

/// Paths messages show under another name, shared by every thread of a command.
private final class PathAliases: @unchecked Sendable {
    private let lock = NSLock()
    private var names: [String: String] = [:]

    func set(_ path: String, _ label: String) { lock.withLock { names[path] = label } }
    func name(_ path: String) -> String { lock.withLock { names[path] ?? path } }
}
