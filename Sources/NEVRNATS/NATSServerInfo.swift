/// The fields of the server's `INFO` this client uses (the rest are ignored).
public struct NATSServerInfo: Sendable, Hashable, Decodable {
    /// The server's id.
    public var serverID: String
    /// The server's version, e.g. `2.9.10`.
    public var version: String
    /// The largest message (headers plus payload) the server accepts, in bytes.
    public var maxPayload: Int
    /// Whether the server understands `HPUB`/`HMSG`.
    public var headers: Bool
    /// Whether the server requires credentials.
    public var authRequired: Bool
    /// Whether JetStream is enabled.
    public var jetStream: Bool

    enum CodingKeys: String, CodingKey {
        case serverID = "server_id", version, maxPayload = "max_payload", headers
        case authRequired = "auth_required", jetStream = "jetstream"
    }

    /// Decodes INFO's JSON; absent optional fields default to false, a missing max_payload to 1 MiB.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        serverID = try c.decodeIfPresent(String.self, forKey: .serverID) ?? ""
        version = try c.decodeIfPresent(String.self, forKey: .version) ?? ""
        maxPayload = try c.decodeIfPresent(Int.self, forKey: .maxPayload) ?? 1 << 20
        headers = try c.decodeIfPresent(Bool.self, forKey: .headers) ?? false
        authRequired = try c.decodeIfPresent(Bool.self, forKey: .authRequired) ?? false
        jetStream = try c.decodeIfPresent(Bool.self, forKey: .jetStream) ?? false
    }

    /// An INFO from its fields (tests).
    public init(serverID: String = "", version: String = "", maxPayload: Int = 1 << 20, headers: Bool = true, authRequired: Bool = false, jetStream: Bool = false) {
        self.serverID = serverID
        self.version = version
        self.maxPayload = maxPayload
        self.headers = headers
        self.authRequired = authRequired
        self.jetStream = jetStream
    }
}
