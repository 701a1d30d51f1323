/// Why a hub node could not join or use its cluster.
public enum HubClusterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A cluster setting that cannot work (the reason names it).
    case invalidConfiguration(String)
    /// The NATS server at `url` (`nats://host:port`, no credentials) could not be reached or used.
    case unavailable(url: String, reason: String)

    /// One line: `nats://host:port: reason` for an unreachable server.
    public var description: String {
        switch self {
        case .invalidConfiguration(let reason): return reason
        case .unavailable(let url, let reason): return "\(url): \(reason)"
        }
    }
}
