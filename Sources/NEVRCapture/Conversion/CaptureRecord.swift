import NEVRCore

/// The header metadata a capture may carry (the `.nevrcap` header's shape: a capture ID, a
/// creation instant and ordered key/value metadata). Formats without a header ignore it.
public typealias CaptureHeader = NevrcapHeader

/// One captured frame as it travels between the readers and writers of any format: the
/// capture instant plus the `/session` body as raw JSON bytes, as a typed ``Frame``, or both.
///
/// A reader hands out whichever form its format stores, and a writer takes whichever form it
/// needs, converting lazily: `.echoreplay -> .echoreplay` copies the recorded JSON bytes
/// without parsing them, `.nevrcap -> .nevrcap` never spells JSON, and only a change of kind
/// pays for a parse (``typedFrame(index:)``) or a rendering (``renderSessionJSON(into:)``).
///
/// ```swift
/// var record = CaptureRecord(timestamp: t, sessionJSON: Array(#"{"sessionid":"..."}"#.utf8))
/// let frame = try record.typedFrame(index: 0)   // parses the JSON once
/// ```
public struct CaptureRecord: Sendable {
    /// The capture instant.
    public var timestamp: Timestamp
    /// The `/session` body exactly as recorded, when the source stores JSON.
    public var sessionJSON: [UInt8]?
    /// The `/player_bones` body as recorded, when the source stores JSON and the frame has bones.
    public var bonesJSON: [UInt8]?
    /// The typed frame, when the source stores typed frames (or after ``typedFrame(index:)``).
    /// Its `events` are the record's events.
    public var frame: Frame?
    /// Events stored with (or detected for) this frame; empty for formats without events.
    public var events: [Event]
    /// Where the record sits in its file (line number for `.echoreplay`, record index for
    /// `.nevrcap`), for messages; 0 when unknown.
    public var position: Int
    /// True when ``frame`` came from a writer that omits zero values (proto3): JSON rendered
    /// from it gets the game's keys back (``Proto3KeyRestorer``) first.
    public var omitsZeroValues: Bool

    /// A record from raw JSON (the `.echoreplay` form).
    public init(timestamp: Timestamp, sessionJSON: [UInt8], bonesJSON: [UInt8]? = nil, events: [Event] = [], position: Int = 0) {
        self.timestamp = timestamp
        self.sessionJSON = sessionJSON
        self.bonesJSON = bonesJSON
        self.frame = nil
        self.events = events
        self.position = position
        self.omitsZeroValues = false
    }

    /// A record from a typed frame (the `.nevrcap` form); its events are the frame's.
    public init(frame: Frame, position: Int = 0, omitsZeroValues: Bool = false) {
        self.timestamp = frame.timestamp
        self.sessionJSON = nil
        self.bonesJSON = nil
        self.frame = frame
        self.events = frame.events
        self.position = position
        self.omitsZeroValues = omitsZeroValues
    }

    /// True when the frame has bones in either form.
    public var hasBones: Bool { bonesJSON != nil || frame?.bones != nil }

    /// The typed frame: ``frame`` when present, otherwise parsed from the JSON (cached in
    /// ``frame``). `index` is used only when parsing. Throws the parser's error for JSON that
    /// is not a game frame (``GameJSONError/isNotAGameFrame`` for the game's error object).
    public mutating func typedFrame(index: UInt32) throws(GameJSONError) -> Frame {
        if let frame { return frame }
        let session = try GameJSONReader.parseSession(sessionJSON ?? [])
        var bones: PlayerBones?
        if let bonesJSON { bones = try GameJSONReader.parseBones(bonesJSON) }
        let parsed = Frame(index: index, timestamp: timestamp, session: session, bones: bones, events: events)
        frame = parsed
        return parsed
    }

    /// Appends the `/session` JSON to `buffer`: the recorded bytes when present, otherwise
    /// the typed session spelled as the game spells it (keys restored when
    /// ``omitsZeroValues``). A record with neither form appends nothing.
    public func renderSessionJSON(into buffer: inout [UInt8]) {
        if let sessionJSON {
            buffer.append(contentsOf: sessionJSON)
        } else if let frame {
            if omitsZeroValues {
                var session = frame.session
                Proto3KeyRestorer.restore(&session)
                GameJSONWriter.write(session, into: &buffer)
            } else {
                GameJSONWriter.write(frame.session, into: &buffer)
            }
        }
    }

    /// Appends the `/player_bones` JSON to `buffer` (recorded bytes or the typed bones
    /// rendered); returns false, appending nothing, when the frame has no bones.
    @discardableResult
    public func renderBonesJSON(into buffer: inout [UInt8]) -> Bool {
        if let bonesJSON {
            buffer.append(contentsOf: bonesJSON)
            return true
        }
        if let bones = frame?.bones {
            GameJSONWriter.write(bones, into: &buffer)
            return true
        }
        return false
    }
}
