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
