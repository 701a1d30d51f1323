import NEVRCore

/// What a decoder skipped or could not place in the model, counted rather than fatal.
public struct NevrcapDecodeNotes: Hashable, Sendable {
    /// Fields with numbers (or wire types) this schema does not know, skipped.
    public var unknownFields: Int = 0
    /// Known fields whose payload had an unexpected shape (a vector without exactly 3 values,
    /// a possession list without exactly 2 entries, a bones array whose byte length is not a
    /// multiple of 4), skipped.
    public var irregularValues: Int = 0
    /// Events whose oneof number this version does not know (kept as ``Event/unknown(fieldNumber:payload:)``).
    public var unknownEvents: Int = 0
    /// 2025-era bones (`{repeated double v = 1}` nested messages) that were read.
    public var legacyBones: Int = 0
    /// Sessions without `key_presence` (written by a proto3 writer that dropped zero values, or by
    /// this toolkit before presence was in the schema): their missing keys may need restoring.
    public var sessionsWithoutPresence: Int = 0
    /// Whether the most recently decoded session carried `key_presence` (every key the game sent
    /// was written, zeros included, so nothing needs restoring).
    public var lastSessionKeptPresence: Bool = false

    /// Nothing skipped yet.
    public init() {}

    /// Adds `b`'s counts to `a`; ``lastSessionKeptPresence`` becomes `b`'s (the later decode).
    public static func += (a: inout NevrcapDecodeNotes, b: NevrcapDecodeNotes) {
        a.unknownFields += b.unknownFields
        a.irregularValues += b.irregularValues
        a.unknownEvents += b.unknownEvents
        a.legacyBones += b.legacyBones
        a.sessionsWithoutPresence += b.sessionsWithoutPresence
        a.lastSessionKeptPresence = b.lastSessionKeptPresence
    }
}

// Primitives of the `engine.v1` decoder; the per-message decoders are generated from
// `schema/session.toml` (EngineDecoding.generated.swift). A field seen on the wire is set in
// the model (even when zero); a field not seen stays `nil`.

extension ProtoReader {
    @inlinable
    mutating func vector(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Vector3? {
        let v = try vector()
        if v == nil { notes.irregularValues += 1 }
        return v
    }

    @inlinable
    mutating func unknown(_ wireType: UInt8, _ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) {
        notes.unknownFields += 1
        try skip(wireType)
    }

    /// One `JSONExtra` (an unknown key or `null` of the game's JSON, kept verbatim).
    @usableFromInline
    mutating func extra(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> ExtraField {
        var key = ""
        var json: [UInt8] = []
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 2): key = try string()
            case (2, 2): json = Array(slice(try lengthDelimited()))
            default: try unknown(w, &notes)
            }
        }
        return ExtraField(key: key, json: json)
    }

    /// One `map<string,string>` entry.
    @usableFromInline
    mutating func mapEntry(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Event.MapEntry {
        var key = ""
        var value = ""
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 2): key = try string()
            case (2, 2): value = try string()
            default: try unknown(w, &notes)
            }
        }
        return Event.MapEntry(key: key, value: value)
    }

    /// `bone_t` / `bone_o`: packed floats (current schema) or, in 2025-era files, a nested
    /// `{repeated double v = 1}` message. The payload is read as the nested form only when it
    /// parses exactly as field 1 holding whole doubles; otherwise as packed floats.
    @usableFromInline
    mutating func boneValues(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> [Float]? {
        let r = try lengthDelimited()
        if let doubles = ProtoReader.nestedDoubles(slice(r)) {
            notes.legacyBones += 1
            return doubles.map { Float($0) }
        }
        guard r.count % 4 == 0 else {
            notes.irregularValues += 1
            return nil
        }
        return floats(r)
    }

    /// The values of a `{repeated double v = 1}` message (packed or not), or `nil` when the
    /// bytes are not exactly that.
    @usableFromInline
    static func nestedDoubles(_ bytes: UnsafeRawBufferPointer) -> [Double]? {
        guard let first = bytes.first, first == 0x0A || first == 0x09 else { return nil }
        var r = ProtoReader(bytes)
        var out: [Double] = []
        do {
            while !r.isAtEnd {
                let (f, w) = try r.tag()
                guard f == 1 else { return nil }
                if w == 2 {
                    let range = try r.lengthDelimited()
                    guard range.count % 8 == 0 else { return nil }
                    var sub = r
                    sub.position = range.lowerBound
                    sub.end = range.upperBound
                    out.reserveCapacity(out.count + range.count / 8)
                    while !sub.isAtEnd { out.append(try sub.double()) }
                } else if w == 1 {
                    out.append(try r.double())
                } else {
                    return nil
                }
            }
        } catch {
            return nil
        }
        return out
    }

    @usableFromInline
    mutating func timestamp(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Timestamp {
        var seconds: Int64 = 0
        var nanos: Int32 = 0
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 0): seconds = Int64(bitPattern: try varint())
            case (2, 0): nanos = try int32()
            default: try unknown(w, &notes)
            }
        }
        return Timestamp(seconds: seconds, nanos: nanos)
    }
}
