import Foundation
import NEVRCore

/// What a reader could not read so far: the single records it skipped, where the input was
/// cut off or damaged, and notes about what it passed over. Everything not listed was read.
///
/// The CLI's exit-status policy is built on it: a file with anything in ``isDamaged`` is
/// processed as far as it can be and then reported as damaged (README, "Exit status").
public struct CaptureReadReport: Sendable {
    /// Lines or records rejected one by one (bad JSON line, malformed protobuf record).
    public var skippedCount = 0
    /// The first few of them with their position (line number or record index) and reason.
    public var skipped: [SkippedLine] = []
    /// Set when the input ends early (a crashed recording): where and why; every complete
    /// frame before the cut was returned.
    public var truncation: String?
    /// Damaged regions the reader passed over to go on reading (resynchronisation), one line
    /// each; frames inside them are lost.
    public var damage: [String] = []
    /// Things worth saying that are not losses (unknown fields kept or skipped, etc.).
    public var notes: [String] = []

    /// A report of nothing lost.
    public init() {}

    /// True when the input was cut off, damaged or had records skipped.
    public var isDamaged: Bool { skippedCount > 0 || truncation != nil || !damage.isEmpty }

    /// Adds one skipped line or record, keeping the first `keep` with their reasons.
    public mutating func skip(_ position: Int, _ reason: String, keep: Int = 20) {
        skippedCount += 1
        if skipped.count < keep { skipped.append(SkippedLine(lineNumber: position, reason: reason)) }
    }
}

/// Reads the frames of one capture file of any format, one at a time, with flat memory.
///
/// Obtain one with ``CaptureFormat/open(_:options:)``. Formats plug in by conforming a
/// reader to this protocol and registering it (``CaptureCodec``).
///
/// ```swift
/// let reader = try CaptureFormat.open(URL(fileURLWithPath: "match.echoreplay"))
/// while var record = try reader.next() {
///     let frame = try record.typedFrame(index: 0)
///     print(frame.session.gameStatus ?? "")
/// }
/// if reader.report.isDamaged { print("damaged:", reader.report.truncation ?? "") }
/// ```
public protocol CaptureFrameReader: AnyObject {
    /// The format being read.
    var format: CaptureFormat { get }
    /// The file's header, if the format has one and the file holds it.
    var header: CaptureHeader? { get }
    /// True when the format stores events with its frames (then ``CaptureRecord/events`` is
    /// what was stored, and converters do not detect events again).
    var carriesEvents: Bool { get }
    /// What a position in ``CaptureReadReport/skipped`` counts: `"line"` or `"record"`.
    var positionUnit: String { get }
    /// The next frame, or `nil` at the end (also after a truncation, which is then in
    /// ``report``). Throws only when reading cannot go on.
    func next() throws -> CaptureRecord?
    /// What could not be read so far.
    var report: CaptureReadReport { get }
    /// Bytes of the file consumed so far (compressed bytes for a compressed file), for progress.
    var bytesRead: Int64 { get }
    /// Size of the file in bytes (0 when unknown), for progress.
    var bytesTotal: Int64 { get }
    /// Moves to frame `index` (0-based, in reading order) so that the next ``next()`` returns
    /// it, when the format can get there without reading what comes before (a per-block
    /// `.tape` through its seek table). Returns false, having done nothing, otherwise; the
    /// default does that. ``skip(toFrame:)`` falls back to reading.
    func seek(toFrame index: Int) throws -> Bool
}

extension CaptureFrameReader {
    /// No random access: ``skip(toFrame:)`` reads forward instead.
    public func seek(toFrame index: Int) throws -> Bool { false }

    /// Positions the reader so that the next ``next()`` returns frame `index` (or `nil` when
    /// the file has fewer): through ``seek(toFrame:)`` when the format can jump, otherwise by
    /// reading and dropping the records before it. Returns how many records were read to get
    /// there (0 after a jump).
    @discardableResult
    public func skip(toFrame index: Int) throws -> Int {
        guard index > 0 else { return 0 }
        if try seek(toFrame: index) { return 0 }
        var passed = 0
        while passed < index, try next() != nil { passed += 1 }
        return passed
    }
}

/// Writes frames of any format to one capture file.
///
/// Obtain one with ``CaptureFormat/create(_:header:options:)``; call ``finish()`` to
/// complete the file (a writer dropped without it leaves whatever its format leaves of a
/// crashed recording).
public protocol CaptureFrameWriter: AnyObject {
    /// The format being written.
    var format: CaptureFormat { get }
    /// True when the format stores events (a converter detects them for sources without events).
    var storesEvents: Bool { get }
    /// True when the format stores typed frames rather than JSON: a converter then hands it
    /// records with ``CaptureRecord/frame`` set (parsing, and skipping lines that are not game
    /// frames, on its side).
    var storesTypedFrames: Bool { get }
    /// Appends one frame.
    func write(_ record: CaptureRecord) throws
    /// Completes and closes the file. Calling it again does nothing.
    func finish() throws
    /// Frames written so far.
    var framesWritten: Int { get }
    /// Frames written with bones.
    var framesWithBones: Int { get }
    /// What the format could not hold of what it was given (e.g. "events dropped"), one line each.
    var notes: [String] { get }
}

/// Reading options for any format (each reader takes what applies to it).
public struct CaptureReadOptions: Sendable {
    /// `.echoreplay` limits (longest line, inflated size, skipped lines kept, chunk size).
    public var echoReplay: EchoReplayReader.Options
    /// `.nevrcap` limits (record length, record count, inflation ratio).
    public var nevrcap: NevrcapReader.Options
    /// `.tape` budgets and trained zstd dictionaries (``TapeDictionary``).
    public var tape: TapeReader.Options

    /// Every format's default limits, which suit any real capture.
    public init(echoReplay: EchoReplayReader.Options = .init(), nevrcap: NevrcapReader.Options = .init(), tape: TapeReader.Options = .init()) {
        self.echoReplay = echoReplay
        self.nevrcap = nevrcap
        self.tape = tape
    }
}

/// Writing options for any format. ``compressionLevel`` and ``includeBones`` apply to every
/// format; the per-format structs hold what only one format has.
public struct CaptureWriteOptions: Sendable {
    /// Overrides the format's default compression level, clamped to the format's range
    /// (zlib 0-9 for a zipped `.echoreplay`, zstd 1-19 for `.nevrcap`); `nil`: the default.
    public var compressionLevel: Int32?
    /// Write bones when a frame has them.
    public var includeBones: Bool
    /// `.echoreplay` writing: zipped or plain text, bones, zlib level.
    public var echoReplay: EchoReplayWriter.Options
    /// `.nevrcap` writing: zstd level, zstd frame interval, checksum.
    public var nevrcap: NevrcapWriter.Options
    /// The name of the ZIP entry of a zipped `.echoreplay` (default: the file's name). The
    /// conversion sets it to the final name because it writes to a temporary file first.
    public var entryName: String?

    /// Each format's default level, bones written, default per-format options.
    public init(compressionLevel: Int32? = nil, includeBones: Bool = true,
                echoReplay: EchoReplayWriter.Options = .init(), nevrcap: NevrcapWriter.Options = .init()) {
        self.compressionLevel = compressionLevel
        self.includeBones = includeBones
        self.echoReplay = echoReplay
        self.nevrcap = nevrcap
    }
}

/// One format's reader and writer factories. Conform a type and return it from
/// ``CaptureFormat/codec`` (`CaptureFormat+Registry.swift`) to register a format.
public protocol CaptureCodec {
    /// Opens `url` for reading.
    static func openReader(_ url: URL, options: CaptureReadOptions) throws -> any CaptureFrameReader
    /// Creates (or truncates) `url` for writing; throw ``CaptureFormatError`` with
    /// `.notWritable` for a read-only format.
    static func createWriter(_ url: URL, header: CaptureHeader?, options: CaptureWriteOptions) throws -> any CaptureFrameWriter
    /// True when `prefix` (the first bytes of a file, up to 64) looks like this format.
    static func sniff(_ prefix: [UInt8]) -> Bool
}
