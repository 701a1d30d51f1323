import Foundation
import NEVRCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes an `.echoreplay` file, zipped (the default) or plain text, streaming.
///
/// Lines are `timestamp TAB session [TAB bones] CRLF`, as Spark writes them. A
/// zipped file holds one Deflate entry named like the output file. Raw JSON
/// given to ``write(timestamp:session:bones:)`` is copied byte for byte;
/// ``write(_:)`` spells a typed frame the way the game does (`GameJSONWriter`).
///
/// Call ``close()`` to finish the file. If the process dies (or the writer is
/// dropped) before that, a plain file holds every line written out so far (lines are
/// buffered up to 256 KiB, or until ``flush()``), and a zipped file lacks its central
/// directory: ``EchoReplayReader`` recovers the complete lines of such an archive up
/// to the last ``flush()`` (or zlib's own output), other ZIP tools call it damaged.
///
/// ```swift
/// let writer = try EchoReplayWriter(url: URL(fileURLWithPath: "out.echoreplay"))
/// try writer.write(timestamp: record.timestamp, session: record.session, bones: record.bones)
/// try writer.close()
/// ```
public final class EchoReplayWriter {
    /// How the file is written: zipped or plain, with or without bones, zlib level.
    public struct Options: Sendable {
        /// ZIP archive (true, the default) or plain text.
        public var zipped: Bool = true
        /// Write the bones column when a frame has bones. Off for old Spark readers
        /// that accept only two columns.
        public var includeBones: Bool = true
        /// zlib level, 0 (store) through 9; -1 is zlib's default (6). The default, 5, measured
        /// 1.6x to 2.4x faster than 6 for about 8% more bytes on game frames (BENCHMARKS.md).
        public var compressionLevel: Int32 = 5

        /// From this size or offset on, ZIP64 records are written (the format's limit; tests lower it).
        var zip64Threshold: Int64 = 0xFFFF_FFFF

        /// Options for a zipped file with bones at zlib level 5, unless told otherwise.
        public init(zipped: Bool = true, includeBones: Bool = true, compressionLevel: Int32 = 5) {
            self.zipped = zipped
            self.includeBones = includeBones
            self.compressionLevel = compressionLevel
        }
    }

    /// The file being written.
    public let url: URL
    /// The options the writer was created with.
    public let options: Options
    /// Frames written so far.
    public private(set) var framesWritten = 0
    /// Frames whose bones column was written.
    public private(set) var framesWithBones = 0

    private let file: FileDescriptor
    private let zip: ZipStreamWriter?
    private var pending: [UInt8] = []
    private var scratch: [UInt8] = []
    private var bonesScratch: [UInt8] = []
    private var isClosed = false
    private static let flushThreshold = 256 << 10

    /// Creates (or truncates) `url` and, when zipped, writes the entry's local header.
    ///
    /// `entryName` names the ZIP entry (default: the file name of `url`, Spark's convention);
    /// pass the final name when `url` is a temporary file (``AtomicOutputFile``).
    public init(url: URL, entryName: String? = nil, options: Options = .init()) throws {
        self.url = url
        self.options = options
        file = try FileDescriptor.create(url.path)
        zip = options.zipped
            ? try ZipStreamWriter(file: file, entryName: entryName ?? url.lastPathComponent, level: options.compressionLevel,
                                  zip64Threshold: options.zip64Threshold)
            : nil
        pending.reserveCapacity(EchoReplayWriter.flushThreshold + 64 << 10)
    }

    /// Appends a frame from raw JSON, copied exactly. `bones` nil or empty writes no bones column.
    ///
    /// Throws when the JSON holds a raw newline, carriage return or tab (they would
    /// break the line format; compact JSON never has them), or the timestamp's year is
    /// outside 0...9999.
    public func write(timestamp: Timestamp, session: [UInt8], bones: [UInt8]?) throws {
        try session.withUnsafeBytes { s in
            if let bones {
                try bones.withUnsafeBytes { b in try append(timestamp: timestamp, session: s, bones: b) }
            } else {
                try append(timestamp: timestamp, session: s, bones: nil)
            }
        }
    }

    /// Appends a typed frame, spelled as the game spells it.
    public func write(_ frame: Frame) throws {
        scratch.removeAll(keepingCapacity: true)
        GameJSONWriter.write(frame.session, into: &scratch)
        if let bones = frame.bones, options.includeBones {
            bonesScratch.removeAll(keepingCapacity: true)
            GameJSONWriter.write(bones, into: &bonesScratch)
            try scratch.withUnsafeBytes { s in
                try bonesScratch.withUnsafeBytes { b in try append(timestamp: frame.timestamp, session: s, bones: b) }
            }
        } else {
            try scratch.withUnsafeBytes { s in try append(timestamp: frame.timestamp, session: s, bones: nil) }
        }
    }

    /// Appends a frame from raw JSON buffers (the zero-copy form of ``write(timestamp:session:bones:)``).
    public func append(timestamp: Timestamp, session: UnsafeRawBufferPointer, bones: UnsafeRawBufferPointer?) throws {
        guard !isClosed else { throw EchoReplayError(path: url.path, reason: .closed) }
        guard EchoReplayTimestamp.isRepresentable(timestamp) else {
            throw EchoReplayError(path: url.path, reason: .invalidRecord("timestamp \(timestamp.iso8601) is outside years 0...9999"))
        }
        guard !session.isEmpty else {
            throw EchoReplayError(path: url.path, reason: .invalidRecord("empty session JSON (frame \(framesWritten))"))
        }
        try checkColumn(session, "session", frame: framesWritten)
        let bonesColumn = options.includeBones ? bones.flatMap { $0.isEmpty ? nil : $0 } : nil
        if let bonesColumn { try checkColumn(bonesColumn, "bones", frame: framesWritten) }

        EchoReplayTimestamp.append(timestamp, into: &pending)
        pending.append(0x09)
        pending.append(contentsOf: session)
        if let bonesColumn {
            pending.append(0x09)
            pending.append(contentsOf: bonesColumn)
            framesWithBones += 1
        }
        pending.append(0x0D)
        pending.append(0x0A)
        framesWritten += 1
        if pending.count >= EchoReplayWriter.flushThreshold { try writePending() }
    }

    /// Hands every frame written so far to the operating system, so that a crash after this
    /// loses nothing before it: plain files are complete up to here, zipped ones recoverable
    /// by ``EchoReplayReader`` (a zlib sync flush, a few bytes each). Recorders call it
    /// about once a second; it is not needed before ``close()``.
    public func flush() throws {
        guard !isClosed else { throw EchoReplayError(path: url.path, reason: .closed) }
        try writePending()
        try zip?.flush()
    }

    /// Finishes the file (for ZIP: the deflate stream, data descriptor and central
    /// directory) and closes it. Calling it again does nothing.
    public func close() throws {
        guard !isClosed else { return }
        isClosed = true
        do {
            try writePending()
            try zip?.finish()
            try file.close()
        } catch {
            try? file.close()
            throw error
        }
    }

    private func writePending() throws(EchoReplayError) {
        guard !pending.isEmpty else { return }
        let result = pending.withUnsafeBytes { bytes in
            Result { () throws(EchoReplayError) in
                if let zip { try zip.write(bytes) } else { try file.write(bytes) }
            }
        }
        pending.removeAll(keepingCapacity: true)
        try result.get()
    }

    private func checkColumn(_ bytes: UnsafeRawBufferPointer, _ what: String, frame: Int) throws {
        let base = bytes.baseAddress!
        for forbidden: Int32 in [0x0A, 0x0D, 0x09] where memchr(base, forbidden, bytes.count) != nil {
            let name = forbidden == 0x09 ? "tab" : forbidden == 0x0A ? "newline" : "carriage return"
            throw EchoReplayError(path: url.path, reason: .invalidRecord("\(what) JSON of frame \(frame) holds a raw \(name)"))
        }
    }
}
