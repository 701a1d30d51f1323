import Foundation
import NEVRCapture
import NEVRCore

/// Frames of an `.echoreplay` file (zipped or plain), bytes unchanged.
public final class EchoReplayFrameSource: GameFrameSource {
    private let reader: EchoReplayReader
    /// The file being read.
    public let url: URL

    /// Opens `url` (zipped or plain text).
    public init(url: URL) throws {
        self.url = url
        reader = try EchoReplayReader(url: url)
    }

    /// The next line's frame, bytes as recorded; `nil` at the end.
    public func next() throws -> RawFrame? {
        guard let record = try reader.next() else { return nil }
        return RawFrame(timestamp: record.timestamp, session: record.session, bones: record.bones)
    }

    /// Lines the reader rejected so far (count and the first few with reasons).
    public var skippedCount: Int { reader.skippedCount }
    /// The first rejected lines, with line numbers and reasons.
    public var skipped: [SkippedLine] { reader.skipped }
}

/// Frames of a `.nevrcap` file, spelled back as the game's JSON with `GameJSONWriter`.
public final class NevrcapFrameSource: GameFrameSource {
    private let reader: NevrcapReader

    /// Opens `url`.
    public init(url: URL) throws {
        reader = try NevrcapReader(url: url)
    }

    /// The next frame, spelled as the game's JSON; `nil` at the end.
    public func next() throws -> RawFrame? {
        guard let frame = try reader.next() else { return nil }
        return RawFrame(
            timestamp: frame.timestamp, session: GameJSONWriter.bytes(frame.session),
            bones: frame.bones.map { GameJSONWriter.bytes($0) })
    }
}

/// Frames of a recording in any format the capture seam reads (`.tape`, `.butter`, ...),
/// each spelled as the game's JSON (recorded bytes where the format keeps them).
public final class CaptureFrameSource: GameFrameSource {
    private let reader: any CaptureFrameReader
    private var session: [UInt8] = []
    private var bones: [UInt8] = []

    /// Opens `url` in the format its extension names, with `options` (e.g. `.tape` dictionaries).
    public init(url: URL, options: CaptureReadOptions = .init()) throws {
        reader = try CaptureFormat.open(url, options: options)
    }

    /// The next frame's bodies, or `nil` at the end (a cut file ends at its last complete frame).
    public func next() throws -> RawFrame? {
        guard let record = try reader.next() else { return nil }
        session.removeAll(keepingCapacity: true)
        record.renderSessionJSON(into: &session)
        bones.removeAll(keepingCapacity: true)
        let hasBones = record.renderBonesJSON(into: &bones)
        return RawFrame(timestamp: record.timestamp, session: session, bones: hasBones ? bones : nil)
    }

    /// What the reader could not read so far.
    public var report: CaptureReadReport { reader.report }
}
