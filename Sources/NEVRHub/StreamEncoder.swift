import NEVRCore

/// Builds the wire message of a frame for one (format, parts) choice, converting between
/// the publisher's representation and the subscriber's when they differ:
///
/// - JSON in, JSON out: the session/bones/events bytes are copied verbatim.
/// - binary (typed) in, JSON out: `GameJSONWriter` spells the session and bones as the game
///   does; events are written with `EventJSON` (the `nevr events --json` objects).
/// - JSON in, binary out: `GameJSONReader` parses the session and bones. Events sent as
///   JSON stay JSON-only: binary subscribers get events from binary publishers.
enum StreamEncoder {
    static func encode(_ f: StreamedFrame, format: StreamFormat, parts: StreamParts) throws(StreamEncodingError) -> EncodedMessage? {
        switch format {
        case .json:
            return json(f, parts: parts).map(EncodedMessage.text)
        case .binary:
            return try binary(f, parts: parts).map { EncodedMessage(isText: false, bytes: .init(bytes: $0)) }
        }
    }

    /// JSON frame message; events-only subscribers get `type: events` and only for frames with events.
    static func json(_ f: StreamedFrame, parts: StreamParts) -> [UInt8]? {
        let eventsOnly = !parts.contains(.session) && !parts.contains(.bones)
        var events: ArraySlice<UInt8>?
        if parts.contains(.events) {
            if let e = f.eventsJSON {
                events = StreamJSON.trimmed(e[...])
            } else if let typed = f.frame {
                events = eventsArray(typed)[...]
            }
        }
        if eventsOnly, events == nil || isEmptyArray(events!) { return nil }
        var session: ArraySlice<UInt8>?
        if parts.contains(.session) {
            session = f.sessionJSON?[...] ?? f.frame.map { GameJSONWriter.bytes($0.session)[...] }
        }
        var bones: ArraySlice<UInt8>?
        if parts.contains(.bones) {
            bones = f.bonesJSON?[...] ?? f.frame?.bones.map { GameJSONWriter.bytes($0)[...] }
        }
        var out: [UInt8] = []
        out.reserveCapacity(256 + (session?.count ?? 0) + (bones?.count ?? 0) + (events?.count ?? 0))
        StreamJSON.appendFrame(
            match: f.match, index: f.index, timestamp: f.timestamp, session: session, bones: bones, events: events,
            eventsOnly: eventsOnly, into: &out)
        return out
    }

    /// The events of a typed frame as a JSON array of `EventJSON` objects.
    static func eventsArray(_ frame: Frame) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (i, e) in frame.events.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: EventJSON.line(for: e, frameIndex: frame.index, timestamp: frame.timestamp).utf8)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// Envelope message; nil for an events-only subscriber and a frame without events.
    static func binary(_ f: StreamedFrame, parts: StreamParts) throws(StreamEncodingError) -> [UInt8]? {
        var frame = try typed(f)
        if !parts.contains(.session) { frame.session = Session() }
        if !parts.contains(.bones) { frame.bones = nil }
        if !parts.contains(.events) { frame.events = [] }
        if !parts.contains(.session), !parts.contains(.bones), frame.events.isEmpty { return nil }
        return try StreamBinary.encode(frame)
    }

    /// The typed frame, parsing the JSON parts when the publisher sent JSON.
    static func typed(_ f: StreamedFrame) throws(StreamEncodingError) -> Frame {
        if let frame = f.frame { return frame }
        do {
            let session = try f.sessionJSON.map { bytes throws(GameJSONError) in try GameJSONReader.parseSession(bytes) } ?? Session()
            let bones = try f.bonesJSON.map { bytes throws(GameJSONError) in try GameJSONReader.parseBones(bytes) }
            return Frame(index: f.index, timestamp: f.timestamp, session: session, bones: bones)
        } catch {
            throw StreamEncodingError(reason: "frame \(f.index) of match \(f.match): session JSON unreadable for binary: \(error)")
        }
    }

    static func isEmptyArray(_ bytes: ArraySlice<UInt8>) -> Bool {
        var inner = bytes.dropFirst().dropLast()
        while let c = inner.first, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { inner = inner.dropFirst() }
        return inner.isEmpty
    }
}
