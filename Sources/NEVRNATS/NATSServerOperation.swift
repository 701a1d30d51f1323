/// One operation the server sends, as ``NATSProtocolParser`` decodes it.
public enum NATSServerOperation: Sendable, Hashable {
    /// `INFO {...}`: the server's description (also sent again when the cluster changes).
    case info(NATSServerInfo)
    /// `MSG` or `HMSG`: a message for one of our subscriptions.
    case message(NATSMessage)
    /// `PING`: the server checks we are alive (answer `PONG`).
    case ping
    /// `PONG`: the answer to our `PING`.
    case pong
    /// `+OK` (only in verbose mode, which this client does not ask for).
    case ok
    /// `-ERR 'text'`: the text without quotes.
    case error(String)
}
