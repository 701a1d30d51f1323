import NEVRCore

/// One successful poll of the game API, as the recorder hands it to a ``FrameSink``.
public struct PolledFrame: Sendable, Hashable {
    /// Position in the whole recording, from 0.
    public var sequence: Int
    /// Position in the current segment (file), from 0.
    public var indexInSegment: Int
    /// `sessionid` of the frame (the segment's session).
    public var sessionID: String
    /// When the poll was issued (UTC wall clock, whole milliseconds) and the bodies
    /// exactly as received (trailing NUL and whitespace of old builds removed).
    public var raw: RawFrame

    public init(sequence: Int, indexInSegment: Int, sessionID: String, raw: RawFrame) {
        self.sequence = sequence
        self.indexInSegment = indexInSegment
        self.sessionID = sessionID
        self.raw = raw
    }
}

/// A stretch of one recording with one `sessionid` (one output file).
public struct RecordingSegment: Sendable, Hashable {
    public var sessionID: String
    /// Timestamp of the segment's first frame.
    public var startedAt: Timestamp
    /// A file name without extension built from the start time and session id,
    /// e.g. `rec_2021-11-20_21-05-33_892E23E2-8272-4B07-85E8-5E291AC85F93`.
    public var baseName: String

    /// The round (from 1) when files split per round, else `nil`.
    public var round: Int?

    public init(sessionID: String, startedAt: Timestamp, round: Int? = nil) {
        self.sessionID = sessionID
        self.startedAt = startedAt
        self.round = round
        self.baseName = RecordingSegment.baseName(sessionID: sessionID, startedAt: startedAt) + (round.map { "_round\($0)" } ?? "")
    }

    static func baseName(sessionID: String, startedAt: Timestamp) -> String {
        let c = startedAt.components
        func pad(_ v: Int, _ w: Int = 2) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        // Only file-name-safe characters survive from the session id (it comes off the network).
        let safeID = String(sessionID.unicodeScalars.filter {
            ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }.prefix(64))
        let date = "\(pad(c.year, 4))-\(pad(c.month))-\(pad(c.day))_\(pad(c.hour))-\(pad(c.minute))-\(pad(c.second))"
        return "rec_\(date)_\(safeID.isEmpty ? "unknown" : safeID)"
    }
}
