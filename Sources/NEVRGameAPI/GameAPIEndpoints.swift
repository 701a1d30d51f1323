import Foundation

/// Parses the game servers a recorder polls, in nevr-agent's spellings:
/// `6721`, `127.0.0.1:6721`, `127.0.0.1:6721-6730`, `http://192.168.1.20:6721`,
/// `http://127.0.0.1:6721-6730`. Each port of a range is one server.
///
/// ```swift
/// try GameAPIEndpoints.expand("127.0.0.1:6721-6723")
/// // ["http://127.0.0.1:6721", "http://127.0.0.1:6722", "http://127.0.0.1:6723"]
/// ```
public enum GameAPIEndpoints {
    /// Why a server spelling was refused, in plain words.
    public struct InvalidEndpoint: Error, CustomStringConvertible, Equatable {
        /// The server as it was written.
        public var spelling: String
        /// What is wrong with it.
        public var reason: String
        /// `spelling: reason`.
        public var description: String { "\(spelling): \(reason)" }
    }

    /// The most servers one range may name (a typo like `6721-67210` is refused, not polled).
    public static let maximumRange = 256

    /// The base URLs (`http://host:port`) `spelling` names.
    public static func expand(_ spelling: String) throws(InvalidEndpoint) -> [String] {
        func fail(_ reason: String) -> InvalidEndpoint { InvalidEndpoint(spelling: spelling, reason: reason) }
        var rest = Substring(spelling.trimmingCharacters(in: .whitespaces))
        var scheme = "http"
        if let range = rest.range(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            guard scheme == "http" || scheme == "https" else { throw fail("the game API speaks http:// (got \(scheme)://)") }
            rest = rest[range.upperBound...]
        }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains("/") else { throw fail("give the server only (host:port), not a path") }
        var host = "127.0.0.1"
        var ports = rest
        if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            ports = rest[rest.index(after: colon)...]
            guard !host.isEmpty else { throw fail("the host is missing before the port") }
        } else if !rest.allSatisfy({ $0.isNumber || $0 == "-" }) {
            host = String(rest)
            ports = "6721"
        }
        let bounds = ports.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 1 || bounds.count == 2 else { throw fail("a port range is FIRST-LAST, e.g. 6721-6730") }
        var numbers: [Int] = []
        for text in bounds {
            guard !text.isEmpty, text.count <= 5, text.allSatisfy(\.isNumber), let port = Int(text), (1...65_535).contains(port) else {
                throw fail("\"\(text)\" is not a port (1-65535)")
            }
            numbers.append(port)
        }
        let first = numbers[0], last = numbers.last!
        guard first <= last else { throw fail("the range \(first)-\(last) runs backwards") }
        guard last - first < maximumRange else { throw fail("the range names \(last - first + 1) servers, more than \(maximumRange)") }
        return (first...last).map { "\(scheme)://\(host):\($0)" }
    }

    /// Every server of several spellings, in order, each once.
    public static func expand(_ spellings: [String]) throws(InvalidEndpoint) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for spelling in spellings {
            for url in try expand(spelling) where seen.insert(url).inserted { out.append(url) }
        }
        return out
    }
}
