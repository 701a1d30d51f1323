/// An error about one capture file, printed by the CLI as `nevr: <path>: <reason>`.
/// Codec error types conform so callers can report any of them the same way.
public protocol CaptureFileError: Error, CustomStringConvertible {
    /// The file the error is about.
    var path: String { get }
    /// The reason, without the path.
    var reasonDescription: String { get }
}

extension EchoReplayError: CaptureFileError {
    /// The reason of the ``EchoReplayError``, without the path.
    public var reasonDescription: String { reason.description }
}
