import Foundation

/// What the server reports about a stream: its configured limits and its current state.
public struct JetStreamStreamInfo: Sendable, Hashable {
    /// The stream's name.
    public var name: String
    /// The subjects it captures.
    public var subjects: [String]
    /// Per-subject message limit (-1 = none).
    public var maxMessagesPerSubject: Int
    /// Stream message limit (-1 = none).
    public var maxMessages: Int
    /// Stream byte limit (-1 = none).
    public var maxBytes: Int
    /// Maximum age in nanoseconds (0 = none).
    public var maxAgeNanoseconds: Int64
    /// Messages stored now.
    public var messages: UInt64
    /// Bytes stored now.
    public var bytes: UInt64
    /// Sequence of the oldest stored message.
    public var firstSequence: UInt64
    /// Sequence of the newest stored message.
    public var lastSequence: UInt64

    /// Reads the API's `config` and `state` objects; nil when a required field is missing or out of range.
    init?(_ object: [String: Any]) {
        guard let config = object["config"] as? [String: Any], let state = object["state"] as? [String: Any],
            let name = config["name"] as? String
        else { return nil }
        self.name = name
        subjects = config["subjects"] as? [String] ?? []
        maxMessagesPerSubject = JSONNumber.int(config["max_msgs_per_subject"]) ?? -1
        maxMessages = JSONNumber.int(config["max_msgs"]) ?? -1
        maxBytes = JSONNumber.int(config["max_bytes"]) ?? -1
        maxAgeNanoseconds = JSONNumber.int(config["max_age"]).map(Int64.init) ?? 0
        guard let messages = JSONNumber.uint(state["messages"]), let bytes = JSONNumber.uint(state["bytes"]),
            let first = JSONNumber.uint(state["first_seq"]), let last = JSONNumber.uint(state["last_seq"])
        else { return nil }
        self.messages = messages
        self.bytes = bytes
        firstSequence = first
        lastSequence = last
    }
}

/// Range-checked numbers out of `JSONSerialization` results (never a trapping conversion).
enum JSONNumber {
    static func int(_ value: Any?) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        return Int(exactly: number)
    }

    static func uint(_ value: Any?) -> UInt64? {
        guard let int = int(value), int >= 0 else { return nil }
        return UInt64(int)
    }
}
