import NEVRCore

/// One line of an `.echoreplay` file: the capture instant and the raw JSON
/// columns, exactly as recorded (the reader never parses or rewrites them).
public struct EchoReplayRecord: Hashable, Sendable {
    /// Physical line number in the text, from 1 (empty lines count).
    public var lineNumber: Int
    public var timestamp: Timestamp
    /// The `/session` body bytes (starts with `{`).
    public var session: [UInt8]
    /// The `/player_bones` body bytes, or `nil` when the column is absent or empty.
    public var bones: [UInt8]?

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
    public var lineNumber: Int
    public var timestamp: Timestamp
    public var session: UnsafeRawBufferPointer
    public var bones: UnsafeRawBufferPointer?
}

/// A line the reader rejected, with the reason.
public struct SkippedLine: Hashable, Sendable, CustomStringConvertible {
    /// Physical line number in the text, from 1.
    public var lineNumber: Int
    public var reason: String

    public init(lineNumber: Int, reason: String) {
        self.lineNumber = lineNumber
        self.reason = reason
    }

    public var description: String { "line \(lineNumber): \(reason)" }
}
