import NEVRCore

/// One successful poll of the game API, as the recorder hands it to a ``FrameSink``.
///
/// ``LiveRecorder`` parses each polled body once, in its writer task, and every sink gets the
/// same three things: the bytes as received (``raw``), the typed frame (``typed``: session,
/// bones, and the events detected against the previous frame of the segment) and, when the
/// bytes did not parse, why (``parseFailure``). Sinks that need the typed form use ``typed``
/// instead of parsing again.
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
    /// The frame parsed and run through the segment's `FrameProcessor` (its `index` counts
    /// the segment's frames that parsed, from 0; its events are those detected against the
    /// segment's previous frame that parsed). `nil` when the bytes did not parse (see ``parseFailure``) or when the frame was
    /// built outside the recorder without one.
    public var typed: Frame?
    /// Why the bytes did not parse (reader error), when ``typed`` is `nil` because of that.
    public var parseFailure: String?

    /// A polled frame; `typed` and `parseFailure` are filled by ``LiveRecorder``.
    public init(
        sequence: Int, indexInSegment: Int, sessionID: String, raw: RawFrame, typed: Frame? = nil,
        parseFailure: String? = nil
    ) {
        self.sequence = sequence
        self.indexInSegment = indexInSegment
        self.sessionID = sessionID
        self.raw = raw
        self.typed = typed
        self.parseFailure = parseFailure
    }
}

/// A stretch of one recording with one `sessionid` (one output file).
public struct RecordingSegment: Sendable, Hashable {
    /// The segment's `sessionid`.
    public var sessionID: String
    /// Timestamp of the segment's first frame.
    public var startedAt: Timestamp
    /// A file name without extension built from the start time and session id,
    /// e.g. `rec_2021-11-20_21-05-33_892E23E2-8272-4B07-85E8-5E291AC85F93`.
    public var baseName: String

    /// The round (from 1) when files split per round, else `nil`.
    public var round: Int?

    /// A segment; ``baseName`` is derived from the start time, the session id and the round.
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
