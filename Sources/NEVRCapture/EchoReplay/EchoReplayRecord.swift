import NEVRCore

/// One line of an `.echoreplay` file: the capture instant and the raw JSON
/// columns, exactly as recorded (the reader never parses or rewrites them).
public struct EchoReplayRecord: Hashable, Sendable {
    /// Physical line number in the text, from 1 (empty lines count).
    public var lineNumber: Int
    /// The line's capture instant (the first column, to the millisecond).
    public var timestamp: Timestamp
    /// The `/session` body bytes (starts with `{`).
    public var session: [UInt8]
    /// The `/player_bones` body bytes, or `nil` when the column is absent or empty.
    public var bones: [UInt8]?

    /// A record from its line number, timestamp and raw columns.
    public init(lineNumber: Int, timestamp: Timestamp, session: [UInt8], bones: [UInt8]?) {
        self.lineNumber = lineNumber
        self.timestamp = timestamp
        self.session = session
        self.bones = bones
    }
}

/// One frame's columns inside the reader's buffer (``EchoReplayReader/nextView(_:)``):
/// valid only during the closure it is passed to; copy what you keep.
public struct EchoReplayRecordView {
    /// Physical line number in the text, from 1.
    public var lineNumber: Int
    /// The line's capture instant.
    public var timestamp: Timestamp
    /// The `/session` column inside the reader's buffer.
    public var session: UnsafeRawBufferPointer
    /// The `/player_bones` column inside the reader's buffer, or `nil`.
    public var bones: UnsafeRawBufferPointer?
}

/// A line the reader rejected, with the reason.
public struct SkippedLine: Hashable, Sendable, CustomStringConvertible {
    /// Physical line number in the text, from 1.
    public var lineNumber: Int
    /// Why the line was rejected (one line for people).
    public var reason: String

    /// A rejected line and its reason.
    public init(lineNumber: Int, reason: String) {
        self.lineNumber = lineNumber
        self.reason = reason
    }

    /// `line N: reason`.
    public var description: String { "line \(lineNumber): \(reason)" }
}
