/// A parsed `nats://[user:password@|token@]host[:port]` URL.
///
/// The port is range-checked (1...65535, default 4222); user, password and token are
/// percent-decoded. `tls://` is refused: this client speaks plain TCP only.
public struct NATSURL: Sendable, Hashable, CustomStringConvertible {
    /// The host name or address (an IPv6 address without its brackets).
    public var host: String
    /// The TCP port.
    public var port: Int
    /// The user name, when the URL has `user:password@`.
    public var user: String?
    /// The password, when the URL has `user:password@`.
    public var password: String?
    /// The token, when the URL has `token@` (no colon).
    public var token: String?

    /// The NATS client port used when the URL names none.
    public static let defaultPort = 4222

    /// A URL from its parts.
    public init(host: String, port: Int = NATSURL.defaultPort, user: String? = nil, password: String? = nil, token: String? = nil) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.token = token
    }

    /// Parses `nats://...`; throws ``NATSError/invalidURL(_:)`` naming what is wrong.
    public init(parsing text: String) throws(NATSError) {
        guard text.hasPrefix("nats://") else {
            throw .invalidURL("\(NATSURL.redacted(text)) does not start with nats://")
        }
        var rest = Substring(text.dropFirst("nats://".count))
        if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            guard rest[slash...].allSatisfy({ $0 == "/" }) else {
                throw .invalidURL("\(NATSURL.redacted(text)): a path or query is not supported")
            }
            rest = rest[..<slash]
        }
        var user: String?
        var password: String?
        var token: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = try Self.percentDecoded(credentials[..<colon], in: text)
                password = try Self.percentDecoded(credentials[credentials.index(after: colon)...], in: text)
            } else {
                token = try Self.percentDecoded(credentials, in: text)
            }
        }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw .invalidURL("\(NATSURL.redacted(text)): unclosed [ in the host") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidURL("\(NATSURL.redacted(text)): unexpected \"\(after)\" after the host") }
                portText = after.dropFirst()
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty else { throw .invalidURL("\(NATSURL.redacted(text)) has no host") }
        guard host.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "@" }) else {
            throw .invalidURL("\(NATSURL.redacted(text)): host \"\(host)\" has characters a host name cannot have")
        }
        var port = Self.defaultPort
        if let portText {
            // At most 5 digits before converting, so no overflow; then the range.
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0 >= "0" && $0 <= "9" }),
                let value = Int(portText), (1...65535).contains(value)
            else { throw .invalidURL("\(NATSURL.redacted(text)): port \"\(portText)\" is not a number from 1 to 65535") }
            port = value
        }
        self.init(host: String(host), port: port, user: user, password: password, token: token)
    }

    /// `host:port` (IPv6 in brackets): how errors name the server.
    public var endpoint: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The URL without credentials (safe to log).
    public var description: String { "nats://\(endpoint)" }

    private static func percentDecoded(_ part: Substring, in text: String) throws(NATSError) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(part.utf8)[...]
        while let byte = utf8.popFirst() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard utf8.count >= 2, let high = hexValue(utf8.popFirst()!), let low = hexValue(utf8.popFirst()!) else {
                throw .invalidURL("bad percent escape in the credentials of \(NATSURL.redacted(text))")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw .invalidURL("credentials of \(NATSURL.redacted(text)) are not UTF-8")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The URL text with anything before `@` replaced, so errors never print a secret.
    static func redacted(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@") else { return text }
        return "nats://***" + text[at...]
    }
}
