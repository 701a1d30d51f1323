import NEVRCore

/// Builds the wire message of a frame for one (format, parts) choice.
enum StreamEncoder {
    static func encode(_ f: StreamedFrame, format: StreamFormat, parts: StreamParts) throws(StreamEncodingError) -> EncodedMessage? {
        switch format {
        case .json:
            return try json(f, parts: parts).map(EncodedMessage.text)
        case .binary:
            throw StreamEncodingError(reason: "binary encoding is not available in this build")
        }
    }

    /// JSON frame message; events-only subscribers get `type: events` and only for frames with events.
    static func json(_ f: StreamedFrame, parts: StreamParts) throws(StreamEncodingError) -> [UInt8]? {
        let eventsOnly = !parts.contains(.session) && !parts.contains(.bones)
        let events: ArraySlice<UInt8>? = parts.contains(.events) ? f.eventsJSON.map { StreamJSON.trimmed($0[...]) } : nil
        if eventsOnly, events == nil || isEmptyArray(events!) { return nil }
        let session: ArraySlice<UInt8>? = parts.contains(.session) ? f.sessionJSON?[...] : nil
        let bones: ArraySlice<UInt8>? = parts.contains(.bones) ? f.bonesJSON?[...] : nil
        var out: [UInt8] = []
        out.reserveCapacity(256 + (session?.count ?? 0) + (bones?.count ?? 0) + (events?.count ?? 0))
        StreamJSON.appendFrame(
            match: f.match, index: f.index, timestamp: f.timestamp, session: session, bones: bones, events: events,
            eventsOnly: eventsOnly, into: &out)
        return out
    }

    static func isEmptyArray(_ bytes: ArraySlice<UInt8>) -> Bool {
        var inner = bytes.dropFirst().dropLast()
        while let c = inner.first, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { inner = inner.dropFirst() }
        return inner.isEmpty
    }
}
