/// A checked `scheme://host:port/path?query` URL for the game API and the hub, validated
/// before anything connects.
///
/// Networking libraries disagree about bad URLs: one traps (SIGILL) on port 99999, another
/// silently wraps it to 34463 (99999 mod 65536). Every URL a user gives is parsed here first:
/// the scheme must be one of the expected ones, the host must be present and well formed, the
/// port 1...65535 (digits only); anything else is an error that says what is wrong.
///
/// ```swift
/// let url = try ServiceURL(parsing: "http://127.0.0.1:6721", schemes: ["http": 80, "https": 443])
/// print(url.host, url.port)  // 127.0.0.1 6721
/// ```
public struct ServiceURL: Sendable, Hashable, CustomStringConvertible {
    /// Lower-cased scheme (`http`, `ws`, ...).
    public var scheme: String
    /// Host name, IPv4 address, or IPv6 address without brackets.
    public var host: String
    /// The explicit port, or the scheme's default.
    public var port: Int
    /// Everything from the first `/` or `?` after the authority (may be empty).
    public var pathAndQuery: String

    /// Why a URL was refused.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The URL as given.
        public var url: String
        /// What is wrong with it.
        public var reason: String
        /// `invalid URL <url>: <reason>`.
        public var description: String { "invalid URL \(url): \(reason)" }
    }

    /// Parses `text`; `schemes` maps each accepted scheme to its default port.
    public init(parsing text: String, schemes: [String: Int]) throws(ParseError) {
        func fail(_ reason: String) -> ParseError { ParseError(url: text, reason: reason) }
        guard let sep = text.firstRange(of: "://") else {
            let list = schemes.keys.sorted().map { "\($0)://" }.joined(separator: " or ")
            throw fail("expected \(list)host:port")
        }
        let scheme = text[text.startIndex..<sep.lowerBound].lowercased()
        guard let defaultPort = schemes[scheme] else {
            throw fail("scheme \(scheme) is not one of \(schemes.keys.sorted().joined(separator: ", "))")
        }
        let rest = text[sep.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[rest.startIndex..<authorityEnd]
        guard !authority.contains("@") else { throw fail("user names and passwords in the URL are not supported") }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw fail("unclosed [ in an IPv6 address") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("unexpected text after the IPv6 address") }
                portText = after.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw fail("malformed IPv6 address \"\(host)\"")
            }
        } else {
            if let colon = authority.lastIndex(of: ":") {
                host = authority[authority.startIndex..<colon]
                portText = authority[authority.index(after: colon)...]
            } else {
                host = authority
            }
            guard !host.isEmpty else { throw fail("no host") }
            guard host.utf8.count <= 253,
                host.utf8.allSatisfy({ ServiceURL.isHostByte($0) })
            else {
                throw fail("malformed host \"\(host)\"")
            }
        }
        var port = defaultPort
        if let portText {
            guard let p = CheckedNumber.port(portText) else {
                throw fail("port \"\(portText)\" is not a number from 1 to 65535")
            }
            port = p
        }
        self.scheme = scheme
        self.host = String(host)
        self.port = port
        self.pathAndQuery = String(rest[authorityEnd...])
    }

    /// The URL written back with an explicit port (IPv6 hosts in brackets).
    public var description: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(h):\(port)\(pathAndQuery)"
    }

    /// Letters, digits, `-`, `.`, `_` (host names and IPv4 addresses).
    static func isHostByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x2E || b == 0x5F
    }

    /// `http`/`https`, default ports 80 and 443 (the game API).
    public static let httpSchemes = ["http": 80, "https": 443]
    /// `ws`/`wss`, default ports 80 and 443 (the hub).
    public static let webSocketSchemes = ["ws": 80, "wss": 443]
}
