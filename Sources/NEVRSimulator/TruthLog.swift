import Foundation
import NEVRCore

/// Writes ground truth as JSON lines (one ``TruthEvent/jsonLine`` per line), buffered.
///
/// ```swift
/// let log = try TruthLogWriter(url: URL(fileURLWithPath: "match.echoreplay.truth.jsonl"))
/// try log.write(frame.truth)
/// try log.close()
/// ```
public final class TruthLogWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var closed = false
    /// The file being written.
    public let url: URL
    /// Events written so far.
    public private(set) var eventsWritten = 0

    /// Creates (or truncates) `url`.
    public init(url: URL) throws {
        self.url = url
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path])
        }
        handle = try FileHandle(forWritingTo: url)
        buffer.reserveCapacity(1 << 16)
    }

    /// Appends one line per event (buffered; written at 64 KiB and on ``close()``).
    public func write(_ events: [TruthEvent]) throws {
        for e in events {
            buffer.append(contentsOf: e.jsonLine.utf8)
            buffer.append(0x0A)
        }
        eventsWritten += events.count
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes; idempotent.
    public func close() throws {
        guard !closed else { return }
        closed = true
        try flush()
        try handle.close()
    }

    deinit { try? close() }
}

/// Reading ground-truth logs back (for accuracy measurement).
public enum TruthLog {
    /// Why a truth line could not be read.
    public struct LineError: Error, CustomStringConvertible {
        /// The file, when reading one.
        public var path: String?
        /// The line, from 1.
        public var lineNumber: Int
        /// What is wrong with it.
        public var reason: String
        /// `path: line N: reason`.
        public var description: String { (path.map { "\($0): " } ?? "") + "line \(lineNumber): \(reason)" }
    }

    /// Parses one JSON line written by ``TruthLogWriter``.
    public static func parse(line: String, lineNumber: Int = 0) throws -> TruthEvent {
        guard let data = line.data(using: .utf8),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LineError(path: nil, lineNumber: lineNumber, reason: "not a JSON object")
        }
        guard let frame = obj["frame"] as? Int else { throw LineError(path: nil, lineNumber: lineNumber, reason: "missing \"frame\"") }
        guard let name = obj["kind"] as? String, let kind = EventKind(name: name) else {
            throw LineError(path: nil, lineNumber: lineNumber, reason: "unknown \"kind\" \(String(describing: obj["kind"]))")
        }
        guard let slots = obj["slots"] as? [Int] else { throw LineError(path: nil, lineNumber: lineNumber, reason: "missing \"slots\"") }
        func i32(_ key: String) -> Int32? { (obj[key] as? Int).map(Int32.init) }
        return TruthEvent(
            frameIndex: frame, kind: kind, slots: slots.map(Int32.init), total: i32("total"), points: i32("points"),
            team: i32("team"), previousTeam: i32("previous_team"), round: i32("round"), goalType: obj["goal_type"] as? String,
            scores: (obj["scores"] as? [Int]).map { $0.map(Int32.init) })
    }

    /// Reads a whole truth log; fails on the first bad line, naming the file and line.
    public static func read(url: URL) throws -> [TruthEvent] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var events: [TruthEvent] = []
        var n = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            n += 1
            if line.isEmpty { continue }
            do {
                events.append(try parse(line: String(line), lineNumber: n))
            } catch let e as LineError {
                throw LineError(path: url.path, lineNumber: n, reason: e.reason)
            }
        }
        return events
    }

    /// The conventional truth path beside a capture: `FILE.truth.jsonl`.
    public static func url(besides capture: URL) -> URL {
        capture.deletingLastPathComponent().appendingPathComponent(capture.lastPathComponent + ".truth.jsonl")
    }
}
