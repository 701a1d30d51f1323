import NEVRCore

/// The JSON text messages of the streaming protocol (one JSON object per WebSocket message).
///
/// ```json
/// {"type":"header","match":"<id>","capture_id":"<id>","created_at":"2021-11-20T21:05:33.407","created_at_ns":1637442333407000000,"metadata":{"k":"v"}}
/// {"type":"frame","match":"<id>","index":12,"timestamp":"2021-11-20T21:05:33.607","timestamp_ns":1637442333607000000,"session":{...},"bones":{...},"events":[...]}
/// {"type":"events","match":"<id>","index":12,"timestamp":"...","timestamp_ns":...,"events":[{...}]}
/// {"type":"ack","frames":120,"duplicates":0}  hub -> publisher: header+frame messages received on this connection,
///                                              and how many of its frames the hub already had
/// {"type":"skipped","frames":40}         hub -> subscriber that fell behind (skip-ahead policy)
/// {"type":"dropped","reason":"..."}      hub -> subscriber that fell behind (drop policy), then close
/// {"type":"error","message":"..."}       then close
/// {"type":"save_clip","requests":1}      hub -> publisher: POST /clip was called (clip buffers save a clip)
/// ```
///
/// `session` and `bones` are the game's own JSON objects, embedded verbatim, so
/// `json.loads(msg)["session"]["sessionid"]` works in any language. Parts a
/// subscriber did not ask for (or the publisher did not send) are left out.
public enum StreamJSON {
    /// Appends a header message.
    public static func appendHeader(_ header: StreamHeader, into out: inout [UInt8]) {
        append("{\"type\":\"header\",\"match\":", &out)
        appendString(header.match, into: &out)
        append(",\"capture_id\":", &out)
        appendString(header.captureID, into: &out)
        append(",\"created_at\":\"", &out)
        append(header.createdAt.iso8601, &out)
        append("\",\"created_at_ns\":", &out)
        append(String(header.createdAt.nanosecondsSinceEpoch), &out)
        append(",\"metadata\":{", &out)
        for (i, entry) in header.metadata.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendString(entry.key, into: &out)
            out.append(UInt8(ascii: ":"))
            appendString(entry.value, into: &out)
        }
        append("}}", &out)
    }

    /// Appends a frame message (`type` `frame`, or `events` when `eventsOnly`) with the given raw parts.
    public static func appendFrame(
        match: String, index: UInt32, timestamp: Timestamp, session: ArraySlice<UInt8>?, bones: ArraySlice<UInt8>?,
        events: ArraySlice<UInt8>?, eventsOnly: Bool = false, into out: inout [UInt8]
    ) {
        append(eventsOnly ? "{\"type\":\"events\",\"match\":" : "{\"type\":\"frame\",\"match\":", &out)
        appendString(match, into: &out)
        append(",\"index\":", &out)
        append(String(index), &out)
        append(",\"timestamp\":\"", &out)
        append(timestamp.iso8601, &out)
        append("\",\"timestamp_ns\":", &out)
        append(String(timestamp.nanosecondsSinceEpoch), &out)
        if let session {
            append(",\"session\":", &out)
            out.append(contentsOf: trimmed(session))
        }
        if let bones {
            append(",\"bones\":", &out)
            out.append(contentsOf: trimmed(bones))
        }
        if let events {
            append(",\"events\":", &out)
            out.append(contentsOf: trimmed(events))
        }
        out.append(UInt8(ascii: "}"))
    }

    /// A control message (`ack`, `skipped`, `dropped`, `error`, `save_clip`).
    public static func control(_ message: StreamMessage) -> [UInt8] {
        var out: [UInt8] = []
        switch message {
        case .ack(let n, let duplicates):
            append("{\"type\":\"ack\",\"frames\":\(n),\"duplicates\":\(duplicates)}", &out)
        case .skipped(let n):
            append("{\"type\":\"skipped\",\"frames\":\(n)}", &out)
        case .dropped(let reason):
            append("{\"type\":\"dropped\",\"reason\":", &out)
            appendString(reason, into: &out)
            out.append(UInt8(ascii: "}"))
        case .saveClip(let n):
            append("{\"type\":\"save_clip\",\"requests\":\(n)}", &out)
        case .error(let text):
            append("{\"type\":\"error\",\"message\":", &out)
            appendString(text, into: &out)
            out.append(UInt8(ascii: "}"))
        case .header(let h):
            appendHeader(h, into: &out)
        case .frame(let f), .events(let f):
            var eventsOnly = false
            if case .events = message { eventsOnly = true }
            appendFrame(
                match: f.match, index: f.index, timestamp: f.timestamp, session: f.sessionJSON?[...], bones: f.bonesJSON?[...],
                events: f.eventsJSON?[...], eventsOnly: eventsOnly, into: &out)
        }
        return out
    }

    /// Why a JSON message could not be decoded.
    public struct DecodingError: Error, CustomStringConvertible, Sendable {
        /// What is wrong with the message.
        public var reason: String
        /// The reason.
        public var description: String { reason }
    }

    /// Decodes one JSON text message. `frame` messages keep `session`/`bones`/`events` as raw bytes.
    /// When a frame has no `match` key, the session's `sessionid` is used.
    ///
    /// The whole message is validated by the core JSON scanner (``JSONMembers``) before anything
    /// is taken from it, so the raw parts forwarded to subscribers are valid JSON; `session` and
    /// `bones` must be objects and `events` an array.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(DecodingError) -> StreamMessage {
        let members: [JSONMembers.Member]
        do { members = try JSONMembers.object(bytes) } catch { throw DecodingError(reason: "not a valid JSON object: \(error)") }
        func value(_ key: StaticString) -> Range<Int>? { JSONMembers.value(forKey: key, in: bytes, members: members) }
        func string(_ key: StaticString) -> String? { value(key).flatMap { JSONMembers.string(bytes, $0) } }
        func integer(_ key: StaticString) -> Int64? { value(key).flatMap { JSONMembers.integer(bytes, $0) } }
        func raw(_ key: StaticString, opening: UInt8) throws(DecodingError) -> [UInt8]? {
            guard let r = value(key), !JSONMembers.isNull(bytes, r) else { return nil }
            guard bytes[r.lowerBound] == opening else {
                throw DecodingError(reason: "\"\(key)\" must be \(opening == UInt8(ascii: "{") ? "an object" : "an array")")
            }
            return Array(bytes[r])
        }

        guard let type = string("type") else { throw DecodingError(reason: "message has no \"type\" string") }
        switch type {
        case "frame", "events":
            guard let ns = integer("timestamp_ns") else { throw DecodingError(reason: "\(type) message has no integer \"timestamp_ns\"") }
            guard let index = integer("index"), let index32 = UInt32(exactly: index) else {
                throw DecodingError(reason: "\(type) message has no \"index\" in 0...\(UInt32.max)")
            }
            let session = try raw("session", opening: UInt8(ascii: "{"))
            var match = string("match")
            if match == nil, let session { match = sessionID(in: session) }
            let frame = StreamedFrame(
                match: match ?? "", index: index32, timestamp: Timestamp(nanosecondsSinceEpoch: ns), sessionJSON: session,
                bonesJSON: try raw("bones", opening: UInt8(ascii: "{")), eventsJSON: try raw("events", opening: UInt8(ascii: "[")))
            return type == "frame" ? .frame(frame) : .events(frame)
        case "header":
            guard let match = string("match") ?? string("capture_id") else { throw DecodingError(reason: "header has no \"match\"") }
            var metadata: [Event.MapEntry] = []
            if let r = value("metadata") {
                let slice = UnsafeRawBufferPointer(rebasing: bytes[r])
                let inner: [JSONMembers.Member]
                do { inner = try JSONMembers.object(slice) } catch {
                    throw DecodingError(reason: "header metadata: \(error.description)")
                }
                for m in inner {
                    guard let v = JSONMembers.string(slice, m.value) else {
                        throw DecodingError(reason: "header metadata values must be strings")
                    }
                    metadata.append(Event.MapEntry(key: JSONMembers.key(slice, m), value: v))
                }
            }
            return .header(
                StreamHeader(
                    match: match, captureID: string("capture_id"),
                    createdAt: Timestamp(nanosecondsSinceEpoch: integer("created_at_ns") ?? 0), metadata: metadata))
        case "ack":
            return .ack(frames: Int(clamping: integer("frames") ?? 0), duplicates: Int(clamping: integer("duplicates") ?? 0))
        case "skipped":
            return .skipped(frames: Int(clamping: integer("frames") ?? 0))
        case "dropped":
            return .dropped(reason: string("reason") ?? "")
        case "error":
            return .error(message: string("message") ?? "")
        case "save_clip":
            return .saveClip(requests: Int(max(1, min(integer("requests") ?? 1, 1_000_000))))
        default:
            throw DecodingError(reason: "unknown message type \"\(type)\"")
        }
    }

    /// Decodes one JSON text message.
    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> StreamMessage {
        let result = bytes.withUnsafeBytes { buf in Result { () throws(DecodingError) -> StreamMessage in try decode(buf) } }
        return try result.get()
    }

    /// The top-level `sessionid` of a `/session` body, without parsing the rest.
    public static func sessionID(in session: [UInt8]) -> String? {
        session.withUnsafeBytes { buf -> String? in
            guard let members = try? JSONMembers.object(buf),
                let r = JSONMembers.value(forKey: "sessionid", in: buf, members: members)
            else { return nil }
            return JSONMembers.string(buf, r)
        }
    }

    // MARK: writing helpers

    @inline(__always)
    static func append(_ s: String, _ out: inout [UInt8]) {
        out.append(contentsOf: s.utf8)
    }

    /// Appends `s` as a JSON string literal (quotes, escapes for `"`, `\` and control characters).
    public static func appendString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 15)]])
            default: out.append(c)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Drops trailing NUL/whitespace (old game builds appended a NUL) so the embedded value stays valid JSON.
    package static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var end = bytes.endIndex
        while end > bytes.startIndex, [0x00, 0x20, 0x0A, 0x0D, 0x09].contains(bytes[end - 1]) { end -= 1 }
        var start = bytes.startIndex
        while start < end, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[start]) { start += 1 }
        return bytes[start..<end]
    }

}

extension StreamedFrame {
    /// The events of this frame, one JSON object each (from ``eventsJSON``); empty when none were sent.
    public var eventObjects: [[UInt8]] {
        guard let events = eventsJSON else { return [] }
        return events.withUnsafeBytes { buf in
            ((try? JSONMembers.array(buf)) ?? []).map { Array(buf[$0]) }
        }
    }

    /// The raw JSON text of top-level `/session` key `key` (e.g. `"playing"` with quotes, `600.0`), for summaries.
    public func sessionValue(_ key: String) -> String? {
        guard let session = sessionJSON else { return nil }
        return session.withUnsafeBytes { buf -> String? in
            guard let members = try? JSONMembers.object(buf) else { return nil }
            let k = Array(key.utf8)
            for m in members where m.key.count == k.count && buf[m.key].elementsEqual(k) {
                return String(decoding: buf[m.value], as: UTF8.self)
            }
            return nil
        }
    }
}
