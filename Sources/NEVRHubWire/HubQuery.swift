import NEVRCore

/// The query string of `GET /subscribe`, parsed and range-checked without any networking
/// code (so it can be fuzzed on its own): `match`, `format`, `parts`, `since`, `token`.
///
/// Every value is checked before it is used: an unknown format or part, an empty parts list,
/// a `since` that is not a number of seconds from 0 to ``maxSinceSeconds`` (or `all`), a
/// repeated key or an over-long value (other than `token`) is an error naming the key, which the server answers with 400.
public struct HubQuery: Sendable, Hashable {
    /// A match id, or nil for every match.
    public var match: String?
    /// `format`: `json` (the default) or `binary`.
    public var format: StreamFormat = .json
    /// `parts`: which parts of each frame to send (default ``StreamParts/all``); never empty.
    public var parts: StreamParts = .all
    /// Backlog seconds; nil = live only; `.infinity` = the whole ring.
    public var since: Double?

    /// The largest `since` accepted (about 31 years; anything larger means "all" and must say so).
    public static let maxSinceSeconds: Double = 1_000_000_000
    /// The longest value of any key.
    public static let maxValueBytes = 256

    /// Why a query was refused.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        /// What was wrong, naming the key (`since must be a number of seconds ...`).
        public var reason: String
        /// The ``reason``, as the 400 response's body and log lines show it.
        public var description: String { reason }
    }

    /// The query with no keys: every match, JSON, all parts, live only.
    public init() {}

    /// Parses decoded `(key, value)` pairs in their order (repeated keys are refused).
    public init(pairs: [(String, String)]) throws(ParseError) {
        var seen: Set<String> = []
        for (key, value) in pairs {
            guard seen.insert(key).inserted else { throw ParseError(reason: "\(key) is given more than once") }
            // The token is checked (over its full length) before the query is parsed; it may be long.
            guard key == "token" || value.utf8.count <= Self.maxValueBytes else {
                throw ParseError(reason: "\(key) is longer than \(Self.maxValueBytes) bytes")
            }
            switch key {
            case "match":
                if value != "all", !value.isEmpty { match = value }
            case "format":
                guard let f = StreamFormat(rawValue: value) else {
                    throw ParseError(reason: "format must be json or binary, not \"\(value)\"")
                }
                format = f
            case "parts":
                do { parts = try StreamParts(parsing: Substring(value)) } catch { throw ParseError(reason: error.description) }
                if parts.isEmpty { throw ParseError(reason: "parts is empty") }
            case "since":
                if value == "all" {
                    since = .infinity
                } else if let seconds = Self.seconds(value) {
                    since = seconds
                } else {
                    throw ParseError(
                        reason: "since must be a number of seconds from 0 to \(Int(Self.maxSinceSeconds)) or all, not \"\(value)\"")
                }
            default:
                break  // token and unknown keys: not the subscription's business
            }
        }
    }

    /// Plain decimal seconds (`10`, `2.5`): no sign, exponent, `inf` or `nan`.
    static func seconds(_ text: String) -> Double? {
        guard !text.isEmpty, text.utf8.count <= 24,
            text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }),
            text.utf8.filter({ $0 == 0x2E }).count <= 1,
            let v = Double(text), v.isFinite, v >= 0, v <= maxSinceSeconds
        else { return nil }
        return v
    }
}
