/// A frame could not be put into the requested encoding.
public struct StreamEncodingError: Error, CustomStringConvertible, Sendable {
    /// What could not be encoded, naming the frame and the match.
    public var reason: String
    /// The reason.
    public var description: String { reason }

    /// An error with its reason (the hub's encoders in `NEVRHub` make these too).
    package init(reason: String) { self.reason = reason }
}
