import Foundation
import NEVRCore

/// Reads a `.tape` file as typed NEVR frames: ``TapeReader`` for the container and
/// ``TapeReconstruction`` for the engine's `/session` and `/player_bones`.
///
/// ``seek(toFrame:)`` on a per-block file replays only the events before the target (the
/// footer's event index says which frames hold any, so only those blocks are decompressed)
/// and then jumps to the target's block through the seek table.
///
/// ```swift
/// let reader = try TapeSessionReader(url: url)
/// while let frame = try reader.next() {
///     print(String(decoding: GameJSONWriter.bytes(frame.session), as: UTF8.self))
/// }
/// ```
public final class TapeSessionReader {
    /// The container and record reader.
    public let tape: TapeReader
    /// The roster, scoreboard and other state rebuilt so far.
    public private(set) var reconstruction: TapeReconstruction
    private let url: URL?
    private let options: TapeReader.Options

    /// Opens `url` and reads the header.
    public init(url: URL, options: TapeReader.Options = .init()) throws(TapeError) {
        tape = try TapeReader(url: url, options: options)
        reconstruction = TapeReconstruction(header: tape.header)
        self.url = url
        self.options = options
    }

    /// Reads a file held in memory (no seeking with state).
    public init(bytes: [UInt8], label: String = "<memory>", options: TapeReader.Options = .init()) throws(TapeError) {
        tape = try TapeReader(bytes: bytes, label: label, options: options)
        reconstruction = TapeReconstruction(header: tape.header)
        url = nil
        self.options = options
    }

    /// The next typed frame, or `nil` at the end. Errors as ``TapeReader/next()``.
    public func next() throws(TapeError) -> Frame? {
        guard let f = try tape.next() else { return nil }
        return reconstruction.frame(f)
    }

    /// Tolerant step (see ``TapeReader/step()``).
    public enum Step: Sendable {
        case frame(Frame)
        case end
        case skipped(TapeError)
        case truncated(TapeError)
    }

    /// ``next()`` for loops that recover: malformed records and truncation come back as values.
    public func step() throws(TapeError) -> Step {
        switch try tape.step() {
        case .frame(let f): return .frame(reconstruction.frame(f))
        case .end: return .end
        case .skipped(let e): return .skipped(e)
        case .truncated(let e): return .truncated(e)
        }
    }

    /// Positions at frame `index` with the state (roster, scoreboard, …) it has there.
    /// Events of earlier frames are replayed from a second reader that visits only frames the
    /// footer's event index lists (on per-block files, only their blocks are decompressed).
    public func seek(toFrame index: UInt32) throws(TapeError) {
        try tape.seek(toFrame: index)
        var fresh = TapeReconstruction(header: tape.header)
        guard index > 0 else {
            reconstruction = fresh
            return
        }
        let replay: TapeReader
        if let url { replay = try TapeReader(url: url, options: options) } else {
            throw TapeError(reason: .notSeekable("in-memory readers replay from the start"), file: "<memory>")
        }
        var wanted = Set<UInt32>()
        if let footer = tape.footer {
            for entry in footer.eventIndex { for f in entry.frameIndices where f < index { wanted.insert(f) } }
        }
        let useIndex = tape.footer != nil && tape.container == .perBlock
        var target = useIndex ? wanted.sorted() : []
        if !useIndex {
            // No index: read every earlier frame (whole-stream has no random access anyway).
            while let f = try replay.next(), f.frameIndex < index { fresh.apply(f.echoArena?.events ?? []) }
            reconstruction = fresh
            return
        }
        // Visit the listed frames in order; jump (seek table) only across gaps longer than a block.
        var position: UInt32 = 0
        for frame in target where frame >= position {
            if frame > position &+ 100 { try replay.seek(toFrame: frame) }
            while let f = try replay.next() {
                position = f.frameIndex &+ 1
                if wanted.contains(f.frameIndex) { fresh.apply(f.echoArena?.events ?? []) }
                if f.frameIndex >= frame { break }
            }
        }
        reconstruction = fresh
    }
}
