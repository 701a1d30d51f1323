/// Settings of a ``NATSClient`` connection.
public struct NATSClientOptions: Sendable {
    /// How long the TCP connect plus the INFO/CONNECT/PONG handshake may take.
    public var connectTimeout: Duration = .seconds(5)
    /// How often a keepalive PING is sent when nothing else is.
    public var pingInterval: Duration = .seconds(20)
    /// How many keepalive PINGs may go unanswered before the connection counts as dead.
    public var maxPingsOutstanding: Int = 2
    /// How many unread messages a subscription buffers before it ends with ``NATSError/slowConsumer(subject:limit:)``.
    public var subscriptionBufferLimit: Int = 65_536
    /// The longest control line accepted from the server.
    public var maxLineLength: Int = 64 * 1024
    /// The client name sent in CONNECT (shown by the server's monitoring).
    public var name: String = "nevr"

    /// The defaults.
    public init() {}
}
