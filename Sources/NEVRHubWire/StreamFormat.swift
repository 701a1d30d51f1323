/// How frames travel over a WebSocket: JSON text messages or binary protobuf messages.
///
/// See ``StreamJSON`` for the JSON message layout. Binary messages are one
/// `telemetry.v1.Envelope` each (oneof 1 `header`, 2 `frame`), the `.nevrcap` record
/// types without the file's zstd and length prefixes. Control messages (`ack`,
/// `dropped`, `skipped`, `error`) are always JSON text, whatever the format.
public enum StreamFormat: String, Sendable, Hashable, CaseIterable {
    /// JSON text messages (``StreamJSON``).
    case json
    /// Binary protobuf `Envelope` messages (``StreamBinary``).
    case binary
}

/// Which parts of a frame a publisher sends or a subscriber wants.
///
/// Query-string spelling: `parts=session,bones,events` (any subset, any order).
public struct StreamParts: OptionSet, Sendable, Hashable {
    /// The parts as bits (session 1, bones 2, events 4).
    public let rawValue: UInt8
    /// Parts from their bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The `/session` object.
    public static let session = StreamParts(rawValue: 1)
    /// The `/player_bones` object (when the publisher recorded bones).
    public static let bones = StreamParts(rawValue: 2)
    /// The events detected for the frame.
    public static let events = StreamParts(rawValue: 4)
    /// Session, bones and events (the default).
    public static let all: StreamParts = [.session, .bones, .events]

    /// Parses `session,bones,events`; nil names the first unknown part.
    public init(parsing text: Substring) throws(StreamPartsError) {
        var parts: StreamParts = []
        for name in text.split(separator: ",", omittingEmptySubsequences: true) {
            switch name.trimmingSpaces {
            case "session": parts.insert(.session)
            case "bones": parts.insert(.bones)
            case "events": parts.insert(.events)
            default: throw StreamPartsError(unknownPart: String(name))
            }
        }
        self = parts
    }

    /// `session,bones,events` spelling.
    public var queryValue: String {
        var names: [String] = []
        if contains(.session) { names.append("session") }
        if contains(.bones) { names.append("bones") }
        if contains(.events) { names.append("events") }
        return names.joined(separator: ",")
    }
}

/// A `parts=` value named something other than `session`, `bones` or `events`.
public struct StreamPartsError: Error, CustomStringConvertible, Sendable {
    /// The part as written.
    public var unknownPart: String
    /// The part and the ones expected.
    public var description: String { "unknown part \"\(unknownPart)\" (expected session, bones or events)" }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
