import NEVRCore

/// `.nevrcap` protobuf records without zstd or length prefixes: the building blocks of the
/// file codec, and the payload of WebSocket binary messages.
///
/// ```swift
/// var bytes: [UInt8] = []
/// NevrcapWire.encode(frame, into: &bytes)
/// let back = try bytes.withUnsafeBytes { try NevrcapWire.decodeFrame($0) }
/// ```
public enum NevrcapWire {
    /// `telemetry.v1.Envelope`: one header or one frame.
    public enum Envelope: Hashable, Sendable {
        case header(NevrcapHeader)
        case frame(Frame)
    }

    /// What a record is, decided from its top-level fields (see ``classify(_:)``).
    public enum RecordKind: Hashable, Sendable {
        case header
        case frame
    }

    /// Events accepted in one frame; a record with more is malformed (skipped and reported).
    /// A real frame has a handful; a whole match a few thousand.
    public static let maxEventsPerFrame = 10_000

    // MARK: Encoding

    /// Appends the `LobbySessionStateFrame` of `frame` to `out`.
    public static func encode(_ frame: Frame, into out: inout [UInt8]) {
        var w = ProtoWriter(capacity: 32 * 1024)
        defer { w.deallocate() }
        w.frame(frame)
        out.append(contentsOf: w.bytes)
    }

    /// Appends the `TelemetryHeader` of `header` to `out`.
    public static func encode(_ header: NevrcapHeader, into out: inout [UInt8]) {
        var w = ProtoWriter(capacity: 1024)
        defer { w.deallocate() }
        w.header(header)
        out.append(contentsOf: w.bytes)
    }

    /// An `Envelope` holding `header`.
    public static func encodeEnvelope(header: NevrcapHeader) -> [UInt8] {
        var w = ProtoWriter(capacity: 1024)
        defer { w.deallocate() }
        let m = w.beginMessage(1)
        w.header(header)
        w.endMessage(m)
        return Array(w.bytes)
    }

    /// An `Envelope` holding `frame`.
    public static func encodeEnvelope(frame: Frame) -> [UInt8] {
        var w = ProtoWriter(capacity: 32 * 1024)
        defer { w.deallocate() }
        let m = w.beginMessage(2)
        w.frame(frame)
        w.endMessage(m)
        return Array(w.bytes)
    }

    // MARK: Decoding

    /// Decodes a `LobbySessionStateFrame`.
    public static func decodeFrame(_ bytes: UnsafeRawBufferPointer) throws(ProtoDecodeError) -> Frame {
        var notes = NevrcapDecodeNotes()
        return try decodeFrame(bytes, notes: &notes)
    }

    /// Decodes a `LobbySessionStateFrame`, counting what was skipped into `notes`.
    public static func decodeFrame(_ bytes: UnsafeRawBufferPointer, notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Frame {
        var r = ProtoReader(bytes)
        return try r.frame(&notes)
    }

    /// Decodes a `TelemetryHeader`.
    public static func decodeHeader(_ bytes: UnsafeRawBufferPointer) throws(ProtoDecodeError) -> NevrcapHeader {
        var notes = NevrcapDecodeNotes()
        var r = ProtoReader(bytes)
        return try r.header(&notes)
    }

    /// Decodes an `Envelope`. An envelope with neither case set is an error.
    public static func decodeEnvelope(_ bytes: UnsafeRawBufferPointer) throws(ProtoDecodeError) -> Envelope {
        var notes = NevrcapDecodeNotes()
        var r = ProtoReader(bytes)
        var result: Envelope?
        while !r.isAtEnd {
            let (f, w) = try r.tag()
            switch (f, w) {
            case (1, 2):
                var sub = try r.subReader()
                result = .header(try sub.header(&notes))
            case (2, 2):
                var sub = try r.subReader()
                result = .frame(try sub.frame(&notes))
            default: try r.unknown(w, &notes)
            }
        }
        guard let result else {
            throw ProtoDecodeError(offset: 0, reason: .wrongWireType(field: 0, message: "Envelope without header or frame:"))
        }
        return result
    }

    /// Decides whether a record is a `TelemetryHeader` or a `LobbySessionStateFrame`.
    ///
    /// Protobuf decoding never fails when one is read as the other, so the decision is
    /// explicit: a record with a `session` (4) or `player_bones` (5), or a varint field 1
    /// (`frame_index`), or an event (a field-3 entry whose fields are numbered 10 and up) is a
    /// frame. A record whose fields are only `capture_id` (1, string), `created_at` (2) and
    /// `metadata` entries (3, each holding only fields 1 and 2) is a header; so is an empty record.
    /// Anything else is a frame (which the frame decoder then reads or rejects).
    public static func classify(_ bytes: UnsafeRawBufferPointer) -> RecordKind {
        var r = ProtoReader(bytes)
        do {
            while !r.isAtEnd {
                let (f, w) = try r.tag()
                switch (f, w) {
                case (4, _), (5, _), (1, 0): return .frame
                case (1, 2), (2, 2): _ = try r.lengthDelimited()
                case (3, 2):
                    var sub = try r.subReader()
                    while !sub.isAtEnd {
                        let (ef, ew) = try sub.tag()
                        guard ef <= 2 else { return .frame }
                        try sub.skip(ew)
                    }
                default: return .frame
                }
            }
        } catch {
            return .frame
        }
        return .header
    }
}

extension ProtoWriter {
    /// `LobbySessionStateFrame` body.
    @usableFromInline
    mutating func frame(_ f: Frame) {
        uint32(1, f.index)
        let t = beginMessage(2)
        timestamp(f.timestamp)
        endMessage(t)
        for e in f.events {
            let m = beginMessage(3)
            event(e)
            endMessage(m)
        }
        let s = beginMessage(4, lengthBytes: 2)
        session(f.session)
        endMessage(s, lengthBytes: 2)
        message(5, f.bones, lengthBytes: 2) { $0.bones($1) }
    }

    /// `TelemetryHeader` body.
    @usableFromInline
    mutating func header(_ h: NevrcapHeader) {
        string(1, h.captureID)
        message(2, h.createdAt) { $0.timestamp($1) }
        for entry in h.metadata { mapEntry(3, entry.key, entry.value) }
    }
}

extension ProtoReader {
    @usableFromInline
    mutating func frame(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Frame {
        var f = Frame(index: 0, timestamp: Timestamp(nanosecondsSinceEpoch: 0), session: Session())
        var eventEntries = 0
        while !isAtEnd {
            let (field, w) = try tag()
            switch (field, w) {
            case (1, 0): f.index = UInt32(truncatingIfNeeded: try varint())
            case (2, 2):
                var sub = try subReader()
                f.timestamp = try sub.timestamp(&notes)
            case (3, 2):
                // Bounded: a 8 MB record can hold 4 million empty events (and need 4 GB as values);
                // every entry counts, kept or not.
                eventEntries += 1
                guard eventEntries <= NevrcapWire.maxEventsPerFrame else {
                    throw ProtoDecodeError(offset: offset, reason: .tooMany(what: "events in one frame", limit: NevrcapWire.maxEventsPerFrame))
                }
                var sub = try subReader()
                if let e = try sub.event(&notes) { f.events.append(e) }
            case (4, 2):
                var sub = try subReader()
                f.session = try sub.session(&notes)
            case (5, 2):
                var sub = try subReader()
                f.bones = try sub.bones(&notes)
            default: try unknown(w, &notes)
            }
        }
        return f
    }

    @usableFromInline
    mutating func header(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> NevrcapHeader {
        var h = NevrcapHeader()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 2): h.captureID = try string()
            case (2, 2):
                var sub = try subReader()
                h.createdAt = try sub.timestamp(&notes)
            case (3, 2):
                var sub = try subReader()
                h.metadata.append(try sub.mapEntry(&notes))
            default: try unknown(w, &notes)
            }
        }
        return h
    }
}

extension NevrcapWire {
    /// The protobuf `int32` stored for `blue_points`/`orange_points`. The model holds a `Double`
    /// (Combat points can be fractional); the format holds whole numbers, so a fractional value
    /// is rounded toward zero here and reported as lost by `nevr verify`. Values outside `Int32`
    /// (and NaN, infinities) cannot be stored at all: ``checkEncodable(_:)`` refuses them before
    /// encoding; here they saturate (never trap) for callers that did not check.
    @inlinable
    static func points(_ value: Double) -> Int32 {
        guard let whole = CheckedNumber.int32(towardZero: value) else {
            return value.isNaN ? 0 : (value < 0 ? .min : .max)
        }
        return whole
    }

    /// Throws when `frame` holds a value the `.nevrcap` format cannot store (today: points that
    /// are not finite or do not fit `int32`; everything else in the model is typed to fit).
    /// ``NevrcapWriter/write(_:)`` calls it; so does every encoder that must not store a
    /// different number than it was given.
    public static func checkEncodable(_ frame: Frame) throws(NevrcapRangeError) {
        try checkPoints("blue_points", frame.session.bluePoints)
        try checkPoints("orange_points", frame.session.orangePoints)
    }

    @inlinable
    static func checkPoints(_ field: StaticString, _ value: Double?) throws(NevrcapRangeError) {
        guard let value else { return }
        if CheckedNumber.int32(towardZero: value) == nil {
            throw NevrcapRangeError(field: field.description, value: value, range: "an int32 (-2147483648...2147483647)")
        }
    }
}

/// A value the `.nevrcap` format cannot store, so the frame holding it is not encoded
/// (writing a different number would be a silent loss).
public struct NevrcapRangeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The game-JSON key of the field.
    public var field: String
    /// The value that does not fit.
    public var value: Double
    /// What the format can hold there.
    public var range: String

    /// An error naming the field, its value and what the format holds there.
    public init(field: String, value: Double, range: String) {
        self.field = field
        self.value = value
        self.range = range
    }

    /// `field = value cannot be stored: .nevrcap holds range there`.
    public var description: String { "\(field) = \(value) cannot be stored: .nevrcap holds \(range) there" }
}
