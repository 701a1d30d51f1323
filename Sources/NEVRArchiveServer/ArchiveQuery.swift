import Foundation

/// The query string of one API request, parsed strictly: every name must be one the route
/// knows, none may repeat, percent escapes must be valid UTF-8, and every number is
/// range-checked before use. Anything else is an ``ArchiveAPIError/badRequest(_:)`` naming the
/// parameter, never a crash and never a silently ignored value.
struct ArchiveQuery {
    /// Longest query string accepted (bytes, before decoding).
    static let maximumLength = 4096
    /// Longest single decoded value.
    static let maximumValueLength = 512

    private var values: [String: String] = [:]

    /// Parses `query` (the part after `?`, `nil` when there is none) for a route that accepts
    /// the parameters `known`.
    init(_ query: String?, known: Set<String>) throws(ArchiveAPIError) {
        guard let query, !query.isEmpty else { return }
        guard query.utf8.count <= Self.maximumLength else {
            throw ArchiveAPIError(.uriTooLong, "query string longer than \(Self.maximumLength) bytes")
        }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0], what: "parameter name")
            guard known.contains(name) else {
                let shown = name.count > 40 ? String(name.prefix(40)) + "…" : name
                throw ArchiveAPIError.badRequest("unknown query parameter \"\(shown)\"; this route takes: \(known.sorted().joined(separator: ", "))")
            }
            guard values[name] == nil else { throw ArchiveAPIError.badRequest("query parameter \"\(name)\" given twice") }
            let value = parts.count > 1 ? try Self.decode(parts[1], what: "value of \"\(name)\"") : ""
            guard value.utf8.count <= Self.maximumValueLength else {
                throw ArchiveAPIError.badRequest("value of \"\(name)\" longer than \(Self.maximumValueLength) bytes")
            }
            values[name] = value
        }
    }

    /// The text of `name`, or `nil` when absent. An empty value is refused (`?player=`).
    func text(_ name: String) throws(ArchiveAPIError) -> String? {
        guard let value = values[name] else { return nil }
        guard !value.isEmpty else { throw ArchiveAPIError.badRequest("query parameter \"\(name)\" is empty") }
        return value
    }

    /// The integer `name` in `range`, `fallback` when absent.
    func integer(_ name: String, in range: ClosedRange<Int>, default fallback: Int) throws(ArchiveAPIError) -> Int {
        guard let text = try text(name) else { return fallback }
        // Plain decimal digits only (Int("+5") and Int("0x10") rules are not the API's).
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.utf8.count <= 19, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(text) else {
            throw ArchiveAPIError.badRequest("query parameter \"\(name)\" must be a whole number in \(range.lowerBound)...\(range.upperBound), not \"\(Self.shown(text))\"")
        }
        guard range.contains(value) else {
            throw ArchiveAPIError.badRequest("query parameter \"\(name)\" must be in \(range.lowerBound)...\(range.upperBound), not \(value)")
        }
        return value
    }

    /// The boolean `name` (`true`/`false`/`1`/`0`), `false` when absent.
    func flag(_ name: String) throws(ArchiveAPIError) -> Bool {
        guard let text = try text(name) else { return false }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw ArchiveAPIError.badRequest("query parameter \"\(name)\" must be true or false, not \"\(Self.shown(text))\"")
        }
    }

    /// The comma-separated list `name` (empty when absent), each item non-empty, at most `limit`.
    func list(_ name: String, limit: Int) throws(ArchiveAPIError) -> [String] {
        guard let text = try text(name) else { return [] }
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !items.contains(where: \.isEmpty) else { throw ArchiveAPIError.badRequest("query parameter \"\(name)\" has an empty item") }
        guard items.count <= limit else { throw ArchiveAPIError.badRequest("query parameter \"\(name)\" has more than \(limit) items") }
        return items
    }

    /// Percent-decodes one name or value (`+` is a space, as in HTML forms).
    static func decode(_ raw: Substring, what: String) throws(ArchiveAPIError) -> String {
        let spaced = raw.replacingOccurrences(of: "+", with: " ")
        guard let decoded = spaced.removingPercentEncoding else {
            throw ArchiveAPIError.badRequest("\(what): bad percent escape in \"\(shown(String(raw)))\"")
        }
        guard !decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw ArchiveAPIError.badRequest("\(what): control characters are not allowed")
        }
        return decoded
    }

    /// A value cut to 40 characters for a message.
    static func shown(_ text: String) -> String { text.count > 40 ? String(text.prefix(40)) + "…" : text }
}
