/// The query string of an overlay page (`/overlay/minimap?team=blue&hide=feed`), checked on
/// the server before the page is served: a bad value gets 400 with the reason, so a typo in an
/// OBS browser source shows up at once instead of as a silently wrong overlay. The page's
/// script reads the same keys (and checks them again: it may be served from a file).
///
/// | key | values |
/// |---|---|
/// | `team` | `blue`, `orange`, `both` (default): which team a page follows or highlights |
/// | `hide` | comma list of parts: `clock`, `rounds`, `names`, `logos`, `feed`, `stats`, `minimap`, `speed`, `scoreboard`, `disc`, `trail`, `possession` |
/// | `hub` | `ws://` or `wss://` URL of a hub's `/subscribe` (default: this server's own) |
/// | `token` | the hub's token (sent as `?token=`; browsers cannot set headers) |
/// | `match` | a session id to follow (default: all) |
/// | `scale` | 0.25...4, size factor |
/// | `items` | 1...50, event feed length |
public struct OverlayPageOptions: Sendable, Equatable {
    /// The values `hide=` accepts.
    public static let hideableParts: Set<String> = [
        "clock", "rounds", "names", "logos", "feed", "stats", "minimap", "speed", "scoreboard", "disc", "trail", "possession",
    ]
    /// The query keys a page accepts (any other is refused).
    public static let knownKeys: Set<String> = ["team", "hide", "hub", "token", "match", "scale", "items"]

    /// `blue`, `orange` or `both`.
    public var team = "both"
    /// Parts not shown (from ``hideableParts``).
    public var hide: Set<String> = []
    /// The hub's `/subscribe` URL; `nil`: this server's own.
    public var hub: String?
    /// The hub's token.
    public var token: String?
    /// The session id to follow; `nil`: every match.
    public var match: String?
    /// Size factor, 0.25...4.
    public var scale = 1.0
    /// Event feed length, 1...50.
    public var items = 8

    /// The defaults (both teams, nothing hidden, this server's hub, every match).
    public init() {}

    /// Why a query value was refused.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        /// The key, the value and what is accepted.
        public var description: String
    }

    /// Checks every key and value of `query` (decoded key/value pairs).
    public init(query: [(String, String)]) throws(Problem) {
        guard query.count <= 16 else { throw Problem(description: "too many query parameters (at most 16)") }
        for (key, value) in query {
            guard value.utf8.count <= 512 else { throw Problem(description: "\(Self.shown(key)): value longer than 512 bytes") }
            switch key {
            case "team":
                guard ["blue", "orange", "both"].contains(value) else {
                    throw Problem(description: "team must be blue, orange or both, not \"\(Self.shown(value))\"")
                }
                team = value
            case "hide":
                let parts = value.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
                guard parts.count <= Self.hideableParts.count else { throw Problem(description: "hide: too many parts") }
                for p in parts where !Self.hideableParts.contains(p) {
                    throw Problem(
                        description: "hide: unknown part \"\(Self.shown(p))\" (known: \(Self.hideableParts.sorted().joined(separator: ", ")))")
                }
                hide = Set(parts)
            case "hub":
                guard value.hasPrefix("ws://") || value.hasPrefix("wss://"), Self.isPrintableASCII(value), !value.contains("\"") else {
                    throw Problem(description: "hub must be a ws:// or wss:// URL of printable ASCII")
                }
                hub = value
            case "token":
                guard Self.isPrintableASCII(value), value.utf8.count <= 256 else {
                    throw Problem(description: "token must be printable ASCII, at most 256 bytes")
                }
                token = value
            case "match":
                guard value.utf8.count <= 64, value.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit || $0 == "-" }) || value == "all"
                else { throw Problem(description: "match must be a session id (hex digits and dashes) or all") }
                match = value == "all" ? nil : value
            case "scale":
                guard let s = Double(value), s.isFinite, (0.25...4).contains(s) else {
                    throw Problem(description: "scale must be a number in 0.25...4, not \"\(Self.shown(value))\"")
                }
                scale = s
            case "items":
                guard let n = Int(value), (1...50).contains(n) else {
                    throw Problem(description: "items must be an integer in 1...50, not \"\(Self.shown(value))\"")
                }
                items = n
            default:
                throw Problem(description: "unknown option \"\(Self.shown(key))\" (known: \(Self.knownKeys.sorted().joined(separator: ", ")))")
            }
        }
    }

    static func isPrintableASCII(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 >= 0x21 && $0 < 0x7F }
    }

    /// A value quoted back in an error: short and printable only.
    static func shown(_ s: String) -> String {
        String(s.unicodeScalars.prefix(40).filter { $0.value >= 0x20 && $0.value < 0x7F && $0 != "\"" })
    }
}
