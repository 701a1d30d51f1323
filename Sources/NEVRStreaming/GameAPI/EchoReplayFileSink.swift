import Foundation
import NEVRCore

/// Writes each recording segment to its own `.echoreplay` file in a folder.
///
/// Crash safety: while recording, the file is **plain text** `.echoreplay`
/// (the same lines, unzipped; every reader sniffs `PK` and accepts plain text),
/// appended and flushed to the kernel at every ``flush()`` (the recorder flushes
/// once a second). A killed process therefore leaves a complete, readable file
/// up to the last flush. A ZIP being written is unreadable until its central
/// directory exists, which is why the zipped form is only produced when a segment
/// ends cleanly (see ``Options/zipOnClose``): into a temporary file, then renamed
/// over the plain one, so no moment exists where neither form is complete.
public actor EchoReplayFileSink: FrameSink {
    public struct Options: Sendable {
        /// Write the `/player_bones` column when a frame has one.
        public var includeBones: Bool

        public init(includeBones: Bool = true) {
            self.includeBones = includeBones
        }
    }

    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    public let directory: URL
    public let options: Options
    /// Files completed so far, in order.
    public private(set) var finishedFiles: [URL] = []

    private var handle: FileHandle?
    private var url: URL?
    private var pending: [UInt8] = []
    private static let pendingLimit = 1 << 20

    public init(directory: URL, options: Options = .init()) {
        self.directory = directory
        self.options = options
    }

    public func beginSegment(_ segment: RecordingSegment) async throws -> String? {
        try closeCurrent()
        let candidate = try SegmentFile.create(in: directory, baseName: segment.baseName, extension: "echoreplay")
        guard let h = FileHandle(forWritingAtPath: candidate.path) else {
            throw WriteError(path: candidate.path, reason: "cannot open file for writing")
        }
        handle = h
        url = candidate
        pending.reserveCapacity(Self.pendingLimit + 64 * 1024)
        return candidate.path
    }

    public func write(_ frame: PolledFrame) async throws {
        guard handle != nil else { return }
        EchoReplayLine.append(
            timestamp: frame.raw.timestamp, session: frame.raw.session,
            bones: options.includeBones ? frame.raw.bones : nil, into: &pending)
        if pending.count >= Self.pendingLimit { try writePending() }
    }

    public func flush() async throws {
        try writePending()
    }

    public func endSegment() async throws {
        try closeCurrent()
    }

    public func finish() async throws {
        try closeCurrent()
    }

    private func writePending() throws {
        guard let handle, !pending.isEmpty else { return }
        do {
            try handle.write(contentsOf: pending)
        } catch {
            throw WriteError(path: url?.path ?? "?", reason: "write failed: \(error.localizedDescription)")
        }
        pending.removeAll(keepingCapacity: true)
    }

    private func closeCurrent() throws {
        guard let handle, let url else { return }
        try writePending()
        do { try handle.close() } catch {
            throw WriteError(path: url.path, reason: "close failed: \(error.localizedDescription)")
        }
        self.handle = nil
        self.url = nil
        finishedFiles.append(url)
    }
}

/// One `.echoreplay` text line: `timestamp TAB session [TAB bones] CRLF`.
enum EchoReplayLine {
    static func append(timestamp: Timestamp, session: [UInt8], bones: [UInt8]?, into out: inout [UInt8]) {
        appendTimestamp(timestamp, into: &out)
        out.append(0x09)
        out.append(contentsOf: session)
        if let bones {
            out.append(0x09)
            out.append(contentsOf: bones)
        }
        out.append(0x0D)
        out.append(0x0A)
    }

    /// `yyyy/MM/dd HH:mm:ss.fff`, 23 bytes.
    static func appendTimestamp(_ t: Timestamp, into out: inout [UInt8]) {
        let c = t.components
        func digits(_ v: Int, _ width: Int) {
            var d = 1
            for _ in 1..<width { d *= 10 }
            var v = v
            while d > 0 {
                out.append(UInt8(0x30 + (v / d) % 10))
                v %= d
                d /= 10
            }
        }
        digits(c.year, 4); out.append(0x2F)
        digits(c.month, 2); out.append(0x2F)
        digits(c.day, 2); out.append(0x20)
        digits(c.hour, 2); out.append(0x3A)
        digits(c.minute, 2); out.append(0x3A)
        digits(c.second, 2); out.append(0x2E)
        digits(c.nanosecond / 1_000_000, 3)
    }
}
