import Foundation
import NEVRCapture
import NEVRCore

/// Frames of an `.echoreplay` file (zipped or plain), bytes unchanged.
public final class EchoReplayFrameSource: GameFrameSource {
    private let reader: EchoReplayReader
    public let url: URL

    public init(url: URL) throws {
        self.url = url
        reader = try EchoReplayReader(url: url)
    }

    public func next() throws -> RawFrame? {
        guard let record = try reader.next() else { return nil }
        return RawFrame(timestamp: record.timestamp, session: record.session, bones: record.bones)
    }

    /// Lines the reader rejected so far (count and the first few with reasons).
    public var skippedCount: Int { reader.skippedCount }
    public var skipped: [SkippedLine] { reader.skipped }
}

/// Frames of a `.nevrcap` file, spelled back as the game's JSON with `GameJSONWriter`.
public final class NevrcapFrameSource: GameFrameSource {
    private let reader: NevrcapReader

    public init(url: URL) throws {
        reader = try NevrcapReader(url: url)
    }

    public func next() throws -> RawFrame? {
        guard let frame = try reader.next() else { return nil }
        return RawFrame(
            timestamp: frame.timestamp, session: GameJSONWriter.bytes(frame.session),
            bones: frame.bones.map { GameJSONWriter.bytes($0) })
    }
}
